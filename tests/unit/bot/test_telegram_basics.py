"""Bot settings, channel texts, safe rendering helpers and per-chat ordering."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from telegram import Chat, Message, Update, User

from bot.channel_text_names import CHANNEL_RESPONSES
from bot.channel_texts import (
    ChannelTexts,
    MissingTextError,
    load_channel_texts,
)
from bot.pictures import render_keyboard
from bot.rasa_messages import (
    ActivationCode,
    Button,
    DeepLink,
    ImageOption,
    QrCode,
    SensitiveMarker,
    TextMessage,
)
from bot.secure_input import SecureInputRequest
from bot.telegram.image_keyboards import button_columns
from bot.telegram.ordering import PerChatUpdateProcessor, update_chat_id
from bot.telegram.render import deep_link, link_html, mark_sensitive
from bot.telegram.settings import (
    OFFICIAL_API_BASE_URL,
    PLAYGROUND_BOT_TOKEN,
    BotSettingsError,
    load_bot_settings,
)
from bot.telegram.ui import (
    MAX_CALLBACK_DATA_BYTES,
    choice_keyboard,
    html_text,
    numbered_keyboard,
    progress,
    split_text,
    with_choice,
)

REAL_LOOKING_TOKEN = "123456789:" + "A" * 35


def test_without_a_token_the_bot_talks_to_the_playground() -> None:
    settings = load_bot_settings({"PLAYGROUND_PORT": "8099"})
    assert settings.playground
    assert settings.token == PLAYGROUND_BOT_TOKEN
    assert settings.api_base_url == "http://127.0.0.1:8099/bot"
    assert settings.file_base_url == "http://127.0.0.1:8099/file/bot"
    assert settings.mode == "polling"


def test_with_a_token_the_bot_talks_to_telegram_and_hides_the_token() -> None:
    settings = load_bot_settings({"TELEGRAM_BOT_TOKEN": REAL_LOOKING_TOKEN})
    assert not settings.playground
    assert settings.api_base_url == OFFICIAL_API_BASE_URL
    assert settings.bot_id == "123456789"
    assert REAL_LOOKING_TOKEN not in repr(settings)
    assert settings.webhook_secret_token not in repr(settings)


def test_webhook_mode_needs_a_url_and_gets_a_random_secret() -> None:
    with pytest.raises(BotSettingsError, match="WEBHOOK_URL"):
        load_bot_settings({"BOT_MODE": "webhook"})
    env = {"BOT_MODE": "webhook", "WEBHOOK_URL": "https://bot.example.com/telegram/webhook"}
    first, second = load_bot_settings(env), load_bot_settings(env)
    assert first.mode == "webhook"
    assert len(first.webhook_secret_token) >= 32
    assert first.webhook_secret_token != second.webhook_secret_token


@pytest.mark.parametrize(
    "env",
    [
        {"TELEGRAM_BOT_TOKEN": "not a token"},
        {"BOT_MODE": "carrier-pigeon"},
        {"WEBHOOK_SECRET_TOKEN": "has spaces in it"},
        {"RASA_TIMEOUT_SECONDS": "soon"},
        {"RASA_TIMEOUT_SECONDS": "-1"},
    ],
)
def test_bad_settings_are_refused_without_echoing_values(env: dict[str, str]) -> None:
    with pytest.raises(BotSettingsError) as refused:
        load_bot_settings(env)
    for value in env.values():
        assert value not in str(refused.value)


def test_every_channel_text_is_in_the_domain() -> None:
    texts = load_channel_texts()
    for name in CHANNEL_RESPONSES:
        assert texts.get(name).strip()
    assert "ab12" in texts.get("utter_channel_error", error_id="ab12")
    assert "{" not in texts.get("utter_channel_pick_many", choose=4, progress="●○○○")


def test_every_notice_the_bank_queues_has_a_text() -> None:
    texts = load_channel_texts()
    bank_sources = "".join(path.read_text(encoding="utf-8") for path in Path("bank").rglob("*.py"))
    # kind="a", or kind="a" if ... else "b": every quoted name the expression can give.
    expressions = re.findall(
        r'queue_notice\([^)]*?kind=("[a-z_]+"(?:\s+if\s[^"]+else\s+"[a-z_]+")?)',
        bank_sources,
        re.DOTALL,
    )
    kinds = {kind for expression in expressions for kind in re.findall(r'"([a-z_]+)"', expression)}
    assert {"mini_account_approved", "mini_child_locked", "mini_child_held"} <= kinds
    for kind in kinds:
        text = texts.get(f"utter_notice_{kind}", child="Sofía", minutes=15, tries=5, locks=3)
        assert "{" not in text


def test_a_missing_channel_text_stops_the_bot_at_start(tmp_path: Path) -> None:
    domain = tmp_path / "domain.yml"
    domain.write_text('version: "3.1"\nresponses:\n  utter_greet:\n    - text: hola\n')
    with pytest.raises(MissingTextError):
        load_channel_texts(domain)


def test_names_cannot_inject_formatting() -> None:
    name = "<b>Ana</b> & <a href='http://evil'>x</a>"
    assert html_text(name) == "&lt;b&gt;Ana&lt;/b&gt; &amp; &lt;a href='http://evil'&gt;x&lt;/a&gt;"
    assert with_choice("Hola", "✔ <i>Sí</i>") == "Hola\n\n<b>✔ &lt;i&gt;Sí&lt;/i&gt;</b>"


def test_long_texts_are_split_under_telegrams_limit() -> None:
    text = "\n".join(f"línea {n} " + "x" * 90 for n in range(120))
    chunks = split_text(text)
    assert len(chunks) > 1
    assert all(len(chunk) <= 4096 for chunk in chunks)
    assert "".join(chunks).replace("\n", "") == text.replace("\n", "")
    assert split_text("y" * 5000) == ["y" * 4096, "y" * 904]


def test_keyboards_layout_and_callback_limit() -> None:
    short = choice_keyboard(["Sí", "No"], ["c:aaaaaaaaaa", "c:bbbbbbbbbb"])
    assert [len(row) for row in short.inline_keyboard] == [2]
    long = choice_keyboard(["Registrarme en Produbanco en línea", "No"], ["c:1", "c:2"])
    assert [len(row) for row in long.inline_keyboard] == [1, 1]
    numbered = numbered_keyboard(
        [str(n) for n in range(1, 13)],
        [f"c:{n:010d}" for n in range(12)],
        per_row=4,
        extra_titles=["Borrar", "Listo"],
        extra_callback_ids=["c:undo000000", "c:done000000"],
    )
    assert [len(row) for row in numbered.inline_keyboard] == [4, 4, 4, 2]
    with pytest.raises(ValueError):
        choice_keyboard(["x"], ["c:" + "z" * (MAX_CALLBACK_DATA_BYTES - 1)])


def test_progress_dots() -> None:
    assert progress(0, 4) == "○○○○"
    assert progress(2, 4) == "●●○○"
    assert progress(9, 4) == "●●●●"


@pytest.mark.parametrize("count", [1, 2, 3, 9, 10, 16, 17, 30])
def test_button_rows_line_up_with_the_picture(count: int) -> None:
    options = [ImageOption(f"opt{n}", f"Opción {n}") for n in range(count)]
    assert button_columns(count) == render_keyboard(options, kind="test").columns


def test_a_sensitive_marker_protects_the_text_before_it_and_qr_codes_always() -> None:
    plain, secret_text = TextMessage("Hola"), TextMessage("Tu usuario es MJANDRADE")
    qr = QrCode(ref="sb_x", caption="Escanea")
    out = mark_sensitive([plain, secret_text, SecureInputRequest("otp"), SensitiveMarker(), qr])
    assert [(item.message, item.protect) for item in out] == [
        (plain, False),
        (secret_text, True),
        (SecureInputRequest("otp"), False),
        (qr, True),
    ]


def _update(update_id: int, chat_id: int) -> Update:
    user = User(id=chat_id, first_name="Ana", is_bot=False)
    chat = Chat(id=chat_id, type=Chat.PRIVATE)
    message = Message(message_id=update_id, date=None, chat=chat, from_user=user, text="hola")  # type: ignore[arg-type]
    return Update(update_id=update_id, message=message)


def test_the_chat_of_an_update() -> None:
    assert update_chat_id(_update(1, 77)) == 77
    assert update_chat_id(object()) is None


async def test_one_chat_in_order_different_chats_in_parallel() -> None:
    processor = PerChatUpdateProcessor(16)
    log: list[str] = []
    release = asyncio.Event()

    async def work(name: str, wait: bool) -> None:
        log.append(f"start {name}")
        if wait:
            await release.wait()
        log.append(f"end {name}")

    first = asyncio.create_task(processor.process_update(_update(1, 10), work("a1", True)))
    second = asyncio.create_task(processor.process_update(_update(2, 10), work("a2", False)))
    other = asyncio.create_task(processor.process_update(_update(3, 20), work("b1", False)))
    await asyncio.wait_for(other, 1)
    # Chat 20 finished while chat 10's first update is still running; a2 has not started.
    assert log == ["start a1", "start b1", "end b1"]
    release.set()
    await asyncio.wait_for(asyncio.gather(first, second), 1)
    assert log[3:] == ["end a1", "start a2", "end a2"]


async def test_one_chats_queued_updates_do_not_hold_every_slot() -> None:
    # Two slots; chat 10 has one update running and five queued behind it (someone typing on
    # while Rasa is down). Chat 20 must still get a slot.
    processor = PerChatUpdateProcessor(2)
    release = asyncio.Event()
    done: list[str] = []

    async def work(name: str, wait: bool) -> None:
        if wait:
            await release.wait()
        done.append(name)

    queued = [
        asyncio.create_task(processor.process_update(_update(i, 10), work(f"a{i}", i == 1)))
        for i in range(1, 7)
    ]
    other = asyncio.create_task(processor.process_update(_update(7, 20), work("b", False)))
    await asyncio.wait_for(other, 1)
    assert done == ["b"]
    release.set()
    await asyncio.wait_for(asyncio.gather(*queued), 1)
    assert done[1:] == [f"a{i}" for i in range(1, 7)]


def test_html_texts_escape_the_template_and_take_html_fragments() -> None:
    texts = ChannelTexts({"t": "Código de {child} <¡ya!>: {code} & {missing}"})
    shown = texts.get_html("t", child=html_text("<i>Ana</i>"), code="<b>123456</b>")
    assert shown == "Código de &lt;i&gt;Ana&lt;/i&gt; &lt;¡ya!&gt;: <b>123456</b> &amp; {missing}"


def test_notice_buttons_are_loaded_and_filled_from_the_notice_data() -> None:
    texts = load_channel_texts()
    (button,) = texts.get_buttons(
        "utter_notice_mini_code_requested", child="Andrea", child_ref="mini_7"
    )
    assert button.title == "🔑 Generar código"
    assert button.payload == '/generate_code{"child_ref": "mini_7"}'
    assert texts.get_buttons("utter_notice_mini_account_approved", child="Andrea") == ()
    text = texts.get("utter_notice_mini_code_requested", child="Andrea", child_ref="mini_7")
    assert "código de activación para Andrea" in text and "{" not in text
    assert "{" not in texts.get("utter_notice_mini_code_ready")


def test_every_placeholder_of_a_notice_button_is_replaced_per_key() -> None:
    texts = ChannelTexts(
        {"n": "x"},
        {"n": (Button("Ver {child}", '/x{"a": "{child_ref}", "b": "{child}", "c": "{other}"}'),)},
    )
    (button,) = texts.get_buttons("n", child="Ana", child_ref=7)
    assert button == Button("Ver Ana", '/x{"a": "7", "b": "Ana", "c": "{other}"}')


def test_a_malformed_response_button_stops_the_bot_at_start(tmp_path: Path) -> None:
    domain = tmp_path / "domain.yml"
    names = "\n".join(f"  {name}:\n    - text: x" for name in CHANNEL_RESPONSES)
    domain.write_text(
        f"responses:\n{names}\n  utter_notice_x:\n    - text: hola\n      buttons:\n"
        "        - title: Sin payload\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="utter_notice_x"):
        load_channel_texts(domain)


def test_activation_codes_are_protected_like_qr_codes() -> None:
    code = ActivationCode(ref="sb_x", child="Ana", minutes=10)
    link = DeepLink(start="mini")
    assert [(item.message, item.protect) for item in mark_sensitive([code, link])] == [
        (code, True),
        (link, False),
    ]


def test_deep_links_are_built_from_the_username_and_shown_escaped() -> None:
    url = deep_link("ProdubancoBot", "mini")
    assert url == "https://t.me/ProdubancoBot?start=mini"
    assert link_html('https://x.test/?a=1&b="2"') == (
        '<a href="https://x.test/?a=1&amp;b=&quot;2&quot;">https://x.test/?a=1&amp;b="2"</a>'
    )
