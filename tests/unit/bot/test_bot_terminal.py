"""Terminal chat: numbered choices, unechoed secrets, QR drawing, Rasa down, clean exit."""

from __future__ import annotations

import asyncio
import io
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace

import httpx
import pytest
from bot_fakes import RASA_URL, FakeRasa, FakeSecretStore

from bot import terminal, terminal_render
from bot.conversation import Conversation, Turn
from bot.conversation_stores import InMemoryPendingInputStore
from bot.rasa_client import RasaClient
from bot.rasa_messages import (
    ActivationCode,
    Button,
    DeepLink,
    ImageKeyboard,
    ImageOption,
    Picture,
    QrCode,
    TextMessage,
    UnknownCustom,
)
from bot.rasa_output import parse_custom
from bot.terminal import TerminalChat, chat_loop
from bot.terminal_render import Choice, pick_choice, render_turn

SENDER = "cli:term"
KEYBOARD = ImageKeyboard(
    kind="security_image",
    options=(ImageOption("sec_mountain", "Montaña"), ImageOption("sec_beach", "Playa")),
    choose=1,
    ordered=False,
    payload_template='/inform{"image_id": "%s"}',
)


def test_buttons_are_numbered_across_messages() -> None:
    turn = Turn(
        messages=(
            TextMessage(
                "Tu celular es ******1234",
                (Button("Generar OTP", "/request_otp"), Button("No es mi número", "/not_mine")),
            ),
            TextMessage("¿Algo más?", (Button("Sí", "/affirm"),)),
        )
    )

    lines, choices = render_turn(turn)

    assert "Bot: Tu celular es ******1234" in lines
    assert "   [1] Generar OTP  [2] No es mi número" in lines
    assert "   [3] Sí" in lines
    assert lines[-1] == terminal_render.CHOICE_HINT
    assert [choice.payload for choice in choices] == ["/request_otp", "/not_mine", "/affirm"]


def test_image_keyboard_options_become_choices_with_their_payloads() -> None:
    lines, choices = render_turn(Turn(messages=(TextMessage("Elige tu imagen"), KEYBOARD)))

    assert "   [1] Montaña  [2] Playa" in lines
    assert choices == [
        Choice("Montaña", '/inform{"image_id": "sec_mountain"}'),
        Choice("Playa", '/inform{"image_id": "sec_beach"}'),
    ]


def test_qr_code_is_drawn_with_a_note_and_missing_qr_is_explained() -> None:
    drawn, _ = render_turn(Turn(messages=(QrCode("r", "Escanéalo", content="otpauth://x"),)))
    missing, _ = render_turn(Turn(messages=(QrCode("r", "Escanéalo"),)))

    assert drawn[0] == "Bot: Escanéalo"
    assert "▄" in drawn[1] or "▀" in drawn[1]
    assert drawn[2] == terminal_render.QR_NOTE
    assert missing == ["Bot: Escanéalo", terminal_render.QR_MISSING]


def test_unknown_payloads_and_undelivered_turns() -> None:
    assert render_turn(Turn(messages=(UnknownCustom({"type": "x"}),))) == (
        [terminal_render.UNSUPPORTED],
        [],
    )
    assert render_turn(Turn(messages=(), delivered=False)) == ([terminal_render.UNAVAILABLE], [])


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1", "/a"), (" 2 ", "/b"), ("0", None), ("3", None), ("1a", None), ("", None), ("١", None)],
)
def test_pick_choice(text: str, expected: str | None) -> None:
    choice = pick_choice(text, [Choice("A", "/a"), Choice("B", "/b")])

    assert (choice.payload if choice else None) == expected


class Scripted:
    """Plays the user's lines and records what the terminal does with them."""

    def __init__(self, lines: list[str]) -> None:
        self._lines: Iterator[str] = iter(lines)
        self.prompts: list[tuple[str, str]] = []
        self.written: list[str] = []

    def _reader(self, how: str) -> Callable[[str], str]:
        def read(prompt: str) -> str:
            self.prompts.append((how, prompt))
            try:
                return next(self._lines)
            except StopIteration:
                raise EOFError from None

        return read

    def run(self, chat: TerminalChat, http: httpx.AsyncClient) -> None:
        with asyncio.Runner() as runner:
            try:
                chat_loop(
                    chat,
                    runner,
                    read_line=self._reader("line"),
                    read_secret=self._reader("secret"),
                    write=self.written.append,
                )
            finally:
                runner.run(http.aclose())

    @property
    def output(self) -> str:
        return "\n".join(self.written)


def run_chat(fake_rasa: FakeRasa, store: FakeSecretStore, lines: list[str]) -> Scripted:
    """Run the terminal loop over scripted lines against the fake Rasa, until EOF."""
    scripted = Scripted(lines)
    http = httpx.AsyncClient(transport=httpx.MockTransport(fake_rasa.handler))
    conversation = Conversation(RasaClient(http, RASA_URL), store, InMemoryPendingInputStore())
    scripted.run(TerminalChat(conversation, SENDER), http)
    return scripted


def test_typed_number_taps_the_button_and_other_text_is_sent_as_text() -> None:
    fake_rasa, store = FakeRasa(), FakeSecretStore()
    fake_rasa.reply_with(
        {"text": "¿Eres usuario adicional?", "buttons": [{"title": "Sí", "payload": "/affirm"}]}
    )
    fake_rasa.reply_with({"text": "Entendido"})

    scripted = run_chat(fake_rasa, store, ["hola", "1", "1"])

    assert fake_rasa.messages == ["hola", "/affirm", "1"]
    assert "   [1] Sí" in scripted.written
    assert scripted.written[-1] == "\n" + terminal.GOODBYE


def test_secret_is_read_without_echo_and_never_sent_or_shown() -> None:
    fake_rasa, store = FakeRasa(), FakeSecretStore()
    fake_rasa.reply_with(
        {"text": "Escribe tu PIN"}, {"custom": {"type": "secure_input", "kind": "pin"}}
    )
    fake_rasa.reply_with({"text": "Gracias"})

    scripted = run_chat(fake_rasa, store, ["hola", "4 3 2 1", "listo"])

    assert [how for how, _ in scripted.prompts] == ["line", "secret", "line", "line"]
    assert scripted.prompts[1] == ("secret", terminal.HIDDEN_INPUT_PROMPT)
    assert any("no se mostrará" in line for line in scripted.written)
    assert store.puts == [(SENDER, "pin", "4321")]
    assert "4321" not in fake_rasa.everything_received()
    assert "4 3 2 1" not in scripted.output
    assert fake_rasa.messages[-1] == "listo"


def test_number_typed_at_the_secret_prompt_taps_the_button() -> None:
    fake_rasa, store = FakeRasa(), FakeSecretStore()
    otp_prompt = (
        {
            "text": "Escribe el código",
            "buttons": [
                {"title": "No me llegó", "payload": "/report_otp_not_received"},
                {"title": "Regresar", "payload": "/go_back"},
            ],
        },
        {"custom": {"type": "secure_input", "kind": "otp"}},
    )
    fake_rasa.reply_with(*otp_prompt)
    fake_rasa.reply_with(*otp_prompt)

    run_chat(fake_rasa, store, ["hola", "1", "123456"])

    assert fake_rasa.messages[1] == "/report_otp_not_received"
    assert store.puts == [(SENDER, "otp", "123456")]


def test_rasa_down_prints_a_message_and_keeps_running() -> None:
    fake_rasa, store = FakeRasa(), FakeSecretStore()
    fake_rasa.down = True

    scripted = run_chat(fake_rasa, store, ["hola", "", "otra vez"])

    assert scripted.written.count(terminal_render.UNAVAILABLE) == 2
    assert [how for how, _ in scripted.prompts] == ["line"] * 4


def test_ctrl_c_while_reading_exits_cleanly() -> None:
    fake_rasa, store = FakeRasa(), FakeSecretStore()
    http = httpx.AsyncClient(transport=httpx.MockTransport(fake_rasa.handler))
    conversation = Conversation(RasaClient(http, RASA_URL), store, InMemoryPendingInputStore())

    def interrupted(prompt: str) -> str:
        raise KeyboardInterrupt

    written: list[str] = []
    with asyncio.Runner() as runner:
        chat_loop(
            TerminalChat(conversation, SENDER), runner, read_line=interrupted, write=written.append
        )
        runner.run(http.aclose())

    assert written == ["\n" + terminal.GOODBYE]
    assert fake_rasa.messages == []


def test_ctrl_c_while_waiting_for_rasa_exits_cleanly() -> None:
    fake_rasa, store = FakeRasa(), FakeSecretStore()

    def stuck(request: httpx.Request) -> httpx.Response:
        raise KeyboardInterrupt

    fake_rasa.handler = stuck  # type: ignore[method-assign]

    scripted = run_chat(fake_rasa, store, ["hola", "nunca se lee"])

    assert scripted.written == ["\n" + terminal.GOODBYE]
    assert len(scripted.prompts) == 1


def test_parse_args_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RASA_URL", raising=False)

    args = terminal.parse_args([])
    other = terminal.parse_args([])

    assert args.rasa_url == "http://127.0.0.1:5005"
    assert args.log_level == "error"
    assert args.sender.startswith("cli:")
    assert args.sender != other.sender
    assert terminal.parse_args(["--rasa-url", RASA_URL, "--sender", "cli:me"]).sender == "cli:me"


def test_main_uses_the_bank_secret_box_and_exits_on_eof(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    built: list[object] = []

    def build_bank(settings: object = None) -> SimpleNamespace:
        built.append(settings)
        return SimpleNamespace(
            secret_box=FakeSecretStore(), dispose=lambda: built.append("disposed")
        )

    fake_bootstrap = ModuleType("bank.bootstrap")
    fake_bootstrap.build_bank = build_bank  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "bank.bootstrap", fake_bootstrap)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))

    assert terminal.main(["--rasa-url", RASA_URL, "--sender", "cli:main"]) == 0

    assert built == [None, "disposed"]
    out = capsys.readouterr().out
    assert "cli:main" in out
    assert terminal.GOODBYE in out


def test_importing_the_terminal_does_not_import_the_bank() -> None:
    repo_root = Path(__file__).resolve().parents[3]
    code = "import sys, bot.terminal; sys.exit('bank' in sys.modules)"

    result = subprocess.run([sys.executable, "-c", code], cwd=repo_root, check=False)

    assert result.returncode == 0


PASSWORD_KEYBOARD = {
    "type": "image_keyboard",
    "kind": "mini_picture_password",
    "choose": 4,
    "ordered": True,
    "secret": "picture_password",
    "options": [
        {"id": "pic_apple", "label": "Manzana"},
        {"id": "pic_ball", "label": "Pelota"},
        {"id": "pic_star", "label": "Estrella"},
    ],
    "payload_template": '/inform{"secret_ref": "%s"}',
}


def test_a_secret_keyboard_is_listed_but_its_numbers_are_not_choices() -> None:
    keyboard = parse_custom(PASSWORD_KEYBOARD)
    lines, choices = render_turn(Turn(messages=(keyboard,)))

    assert lines[0] == "   [1] Manzana  [2] Pelota  [3] Estrella"
    assert "escribe sus números" in lines[1]
    assert choices == []


def test_picture_password_numbers_are_read_unechoed_and_boxed() -> None:
    fake_rasa, store = FakeRasa(), FakeSecretStore()
    fake_rasa.reply_with({"text": "Crea tu contraseña"}, {"custom": PASSWORD_KEYBOARD})
    fake_rasa.reply_with({"text": "Confírmala"})

    scripted = run_chat(fake_rasa, store, ["crear", "1 1 9 2", "1, 1, 3 2", "listo"])

    assert [how for how, _ in scripted.prompts] == ["line", "secret", "secret", "line", "line"]
    assert any("Escribe 4 números de la lista, del 1 al 3" in line for line in scripted.written)
    assert store.puts == [(SENDER, "picture_password", "pic_apple,pic_apple,pic_star,pic_ball")]
    assert fake_rasa.messages[1].startswith('/inform{"secret_ref": ')
    assert "pic_" not in fake_rasa.everything_received()
    assert fake_rasa.messages[-1] == "listo"


def test_text_typed_at_a_picture_password_goes_to_rasa() -> None:
    fake_rasa, store = FakeRasa(), FakeSecretStore()
    fake_rasa.reply_with({"custom": PASSWORD_KEYBOARD})

    run_chat(fake_rasa, store, ["crear", "cancelar"])

    assert fake_rasa.messages == ["crear", "cancelar"]
    assert store.puts == []


def test_an_activation_code_and_a_deep_link_are_worded_like_the_bot() -> None:
    code = ActivationCode(ref="sb_1", child="Andrea", minutes=10, code="482913")
    lines, _ = render_turn(Turn(messages=(code, DeepLink(start="mini"))))

    assert lines[0].startswith("Bot: 🔑") and "482913" in lines[0] and "10 minutos" in lines[0]
    assert "Andrea" in lines[0]
    assert "/start mini" in lines[1] and "Comparte este enlace" in lines[1]
    assert lines[2] == terminal_render.DEEP_LINK_NOTE.format(start="mini")
    missing, _ = render_turn(Turn(messages=(ActivationCode(ref="x", child="Mateo", minutes=10),)))
    assert "ya no está disponible" in missing[0] and "Mateo" in missing[0]


def test_a_picture_is_printed_as_its_label() -> None:
    picture = Picture(id="avatar_fox", caption="")
    labelled, _ = render_turn(Turn(messages=(picture,)), picture_labels={"avatar_fox": "Zorro"})
    unlabelled, _ = render_turn(Turn(messages=(Picture(id="avatar_owl", caption="Tú"),)))

    assert labelled == ["   [imagen: Zorro]"]
    assert unlabelled == ["   [imagen: avatar_owl]", "Bot: Tú"]


def test_typed_start_follows_the_deep_links() -> None:
    fake_rasa, store = FakeRasa(), FakeSecretStore()

    run_chat(fake_rasa, store, ["/start mini", "/start", "/START entrar", "/start_x"])

    assert fake_rasa.messages == [
        "/start_mini_registration",
        "/greet",
        "/start_mini_sign_in",
        "/typed_command",
    ]
