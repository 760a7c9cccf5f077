"""Terminal chat with the assistant through Rasa's REST channel: `python -m bot.terminal`.

Buttons and image options are numbered and chosen by typing the number alone; secrets (and the
numbers of a picture password) are read without echo. The Spanish strings here are the terminal's
own chrome; the channel's replies (an activation code, a deep link) come from domain.yml.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import io
import logging
import os
import secrets
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import httpx
import segno

from bot.conversation import Conversation, InMemoryPendingInputStore, Turn
from bot.deep_links import start_payload
from bot.money import format_dollars
from bot.rasa_client import (
    DEFAULT_RASA_URL,
    ActivationCode,
    BotMessage,
    Celebration,
    DeepLink,
    GoalProgress,
    ImageKeyboard,
    ImageMessage,
    Picture,
    QrCode,
    RasaClient,
    SecureInputRequest,
    TextMessage,
    UnknownCustom,
)
from bot.secure_input import SecretKind
from bot.telegram.texts import ChannelTexts, load_channel_texts
from bot.terminal_picks import looks_like_picks, parse_picks

logger = logging.getLogger(__name__)

USER_PROMPT: Final = "Tú: "
HIDDEN_INPUT_PROMPT: Final = "🔒 "
BOT_PREFIX: Final = "Bot: "
CHOICE_HINT: Final = "   (escribe el número de una opción)"
HIDDEN_INPUT_NAMES: Final[dict[SecretKind, str]] = {
    "pin": "PIN",
    "otp": "código",
    "password": "contraseña",
    "answer": "respuesta",
}
HIDDEN_INPUT_HINT: Final = (
    "(Escribe tu {what}: no se mostrará en pantalla. También puedes escribir «cancelar» o "
    "«regresar».)"
)
QR_NOTE: Final = "   (Código QR dibujado en la terminal; si no se lee, agranda la ventana.)"
QR_MISSING: Final = "   (El código QR ya no está disponible; pide uno nuevo.)"
UNSUPPORTED: Final = "   (Este mensaje no se puede mostrar en la terminal.)"
PICKS_HINT: Final = (
    "   (Elige {choose} imágenes en orden: escribe sus números separados por espacios, por "
    "ejemplo «3 7 7 12». Puedes repetir una imagen. No se mostrarán en pantalla.)"
)
PICKS_INVALID: Final = (
    "   (Escribe {choose} números de la lista, del 1 al {count}, separados por espacios.)"
)
DEEP_LINK_NOTE: Final = (
    "   (En la terminal no hay enlaces: en la conversación de la otra persona escribe "
    "«/start {start}».)"
)
PICTURE_LINE: Final = "   [imagen: {label}]"
GOAL_LINE: Final = "   [meta: {name} · {saved} de {target} · {bar} {percent} %]"
GOAL_REACHED_LINE: Final = "   ⭐ ¡Meta cumplida!"
GOAL_BAR_CELLS: Final = 10
CELEBRATION_LINE: Final = "   🎉 🎉 🎉"
START_COMMAND: Final = "/start"
UNAVAILABLE: Final = (
    "No pude comunicarme con el asistente en este momento. Intenta de nuevo en unos segundos."
)
WELCOME: Final = (
    "Chat con el asistente (Rasa en {url}, conversación {sender}).\n"
    "Escribe tu mensaje y pulsa Enter; Ctrl-C o Ctrl-D para salir."
)
GOODBYE: Final = "Hasta luego."


@dataclass(frozen=True, slots=True)
class Choice:
    """A numbered option the user can pick by typing its number."""

    label: str
    payload: str


def render_qr(content: str) -> str:
    """Draw a QR code with terminal block characters."""
    out = io.StringIO()
    segno.make(content, error="m").terminal(out=out, compact=True)
    return out.getvalue().rstrip("\n")


def _choices_line(choices: Sequence[Choice], first_number: int) -> str:
    """Format choices as "[1] Sí  [2] No", numbered from first_number."""
    return "   " + "  ".join(
        f"[{number}] {choice.label}" for number, choice in enumerate(choices, start=first_number)
    )


def _keyboard_hint(keyboard: ImageKeyboard) -> str:
    """Say how many pictures to choose, and whether order matters."""
    if keyboard.choose == 1:
        return "   (elige una imagen)"
    order = ", en orden" if keyboard.ordered else ""
    return f"   (elige {keyboard.choose} imágenes{order}, una por mensaje)"


@lru_cache(maxsize=1)
def domain_texts() -> ChannelTexts:
    """The channel's texts from domain.yml (read once)."""
    return load_channel_texts()


def _secret_keyboard_lines(keyboard: ImageKeyboard) -> list[str]:
    """The options numbered from 1 (they are not choices: the numbers are typed together)."""
    options = [Choice(option.label, "") for option in keyboard.options]
    return [_choices_line(options, 1), PICKS_HINT.format(choose=keyboard.choose)]


def render_message(
    message: BotMessage,
    choices: list[Choice],
    *,
    texts: ChannelTexts | None = None,
    picture_labels: Mapping[str, str] | None = None,
) -> list[str]:
    """Return the lines for one bot message; its buttons or options are appended to choices."""
    if isinstance(message, TextMessage):
        lines = [BOT_PREFIX + message.text] if message.text else []
        options = [Choice(button.title, button.payload) for button in message.buttons]
        if options:
            lines.append(_choices_line(options, len(choices) + 1))
            choices.extend(options)
        return lines
    if isinstance(message, ImageKeyboard) and message.secret is not None:
        return _secret_keyboard_lines(message)
    if isinstance(message, ImageKeyboard):
        options = [
            Choice(option.label, message.payload_for(option.id)) for option in message.options
        ]
        lines = [_choices_line(options, len(choices) + 1), _keyboard_hint(message)]
        choices.extend(options)
        return lines
    if isinstance(message, QrCode):
        lines = [BOT_PREFIX + message.caption] if message.caption else []
        if message.content is None:
            return [*lines, QR_MISSING]
        return [*lines, render_qr(message.content), QR_NOTE]
    if isinstance(message, (ActivationCode, DeepLink)):
        return _channel_reply_lines(message, texts or domain_texts())
    if isinstance(message, Picture):
        label = (picture_labels or {}).get(message.id, message.id)
        lines = [PICTURE_LINE.format(label=label)]
        return [*lines, BOT_PREFIX + message.caption] if message.caption else lines
    if isinstance(message, GoalProgress):
        return _goal_lines(message)
    if isinstance(message, Celebration):
        caption = (texts or domain_texts()).get(f"utter_channel_celebration_{message.reason}")
        return [CELEBRATION_LINE, BOT_PREFIX + caption]
    if isinstance(message, ImageMessage):
        return [PICTURE_LINE.format(label=message.url)]
    if isinstance(message, SecureInputRequest):
        return []  # Shown as the secret prompt when the next line is read.
    if isinstance(message, UnknownCustom):
        return [UNSUPPORTED]
    return []


def _goal_lines(goal: GoalProgress) -> list[str]:
    """A savings goal as one line with a bar of ten cells, plus a star line when reached."""
    filled = goal.percent * GOAL_BAR_CELLS // 100
    line = GOAL_LINE.format(
        name=goal.name,
        saved=format_dollars(goal.saved),
        target=format_dollars(goal.target),
        bar="▰" * filled + "▱" * (GOAL_BAR_CELLS - filled),
        percent=goal.percent,
    )
    return [line, GOAL_REACHED_LINE] if goal.reached else [line]


def _channel_reply_lines(message: ActivationCode | DeepLink, texts: ChannelTexts) -> list[str]:
    """An activation code or a deep link, worded as in the Telegram channel."""
    if isinstance(message, DeepLink):
        link = f"{START_COMMAND} {message.start}"
        return [
            BOT_PREFIX + texts.get("utter_channel_deep_link", link=link),
            DEEP_LINK_NOTE.format(start=message.start),
        ]
    if message.code is None:
        unavailable = texts.get("utter_channel_activation_code_unavailable", child=message.child)
        return [BOT_PREFIX + unavailable]
    text = texts.get(
        "utter_channel_activation_code",
        child=message.child,
        code=message.code,
        minutes=message.minutes,
    )
    return [BOT_PREFIX + text]


def render_turn(
    turn: Turn,
    *,
    texts: ChannelTexts | None = None,
    picture_labels: Mapping[str, str] | None = None,
) -> tuple[list[str], list[Choice]]:
    """Return the lines to print for a turn and the choices its numbers refer to."""
    lines: list[str] = []
    if turn.secret_refused:  # a PIN typed out of turn: Rasa got only a marker
        refused = (texts or domain_texts()).get("utter_channel_typed_secret_deleted")
        lines.append(BOT_PREFIX + refused)
    if not turn.delivered:
        return [*lines, UNAVAILABLE], []
    choices: list[Choice] = []
    for message in turn.messages:
        lines.extend(render_message(message, choices, texts=texts, picture_labels=picture_labels))
    if choices:
        lines.append(CHOICE_HINT)
    return lines, choices


def pick_choice(text: str, choices: Sequence[Choice]) -> Choice | None:
    """Return the choice whose number is the whole text, if any."""
    stripped = text.strip()
    if not stripped.isascii() or not stripped.isdigit():
        return None
    number = int(stripped)
    return choices[number - 1] if 1 <= number <= len(choices) else None


def _start_argument(text: str) -> str | None:
    """The argument of a typed "/start [argument]" ("" without one), or None for other text."""
    parts = text.strip().split(maxsplit=1)
    if not parts or parts[0].lower() != START_COMMAND:
        return None
    return parts[1] if len(parts) > 1 else ""


class TerminalChat:
    """One user's terminal conversation: maps typed lines to text or button taps."""

    def __init__(
        self,
        conversation: Conversation,
        sender_id: str,
        *,
        picture_labels: Mapping[str, str] | None = None,
    ) -> None:
        self._conversation = conversation
        self._sender_id = sender_id
        self._picture_labels = dict(picture_labels or {})
        self._choices: list[Choice] = []
        self._awaiting: SecretKind | None = None
        self._picks: ImageKeyboard | None = None

    @property
    def awaiting_secret(self) -> SecretKind | None:
        """The secret kind the next line will be read as, if any."""
        return self._awaiting

    @property
    def awaiting_picks(self) -> ImageKeyboard | None:
        """The secret image keyboard whose numbers the next line may hold, if any."""
        return self._picks

    async def submit(self, line: str) -> list[str]:
        """Send one typed line (a number picks a choice) and return the lines to print."""
        keyboard = self._picks
        start = _start_argument(line) if self._awaiting is None else None
        choice = pick_choice(line, self._choices)
        if keyboard is not None and keyboard.secret is not None and looks_like_picks(line):
            picks = parse_picks(line, keyboard)
            if picks is None:
                return [PICKS_INVALID.format(choose=keyboard.choose, count=len(keyboard.options))]
            turn = await self._conversation.handle_channel_secret(
                self._sender_id, keyboard.secret, ",".join(picks)
            )
        elif start is not None:
            turn = await self._conversation.handle_button(self._sender_id, start_payload(start))
        elif choice is not None:
            turn = await self._conversation.handle_button(self._sender_id, choice.payload)
        else:
            turn = await self._conversation.handle_text(self._sender_id, line)
        lines, choices = render_turn(turn, picture_labels=self._picture_labels)
        if turn.delivered:
            self._choices = choices
            self._picks = next(
                (
                    message
                    for message in reversed(turn.messages)
                    if isinstance(message, ImageKeyboard) and message.secret is not None
                ),
                None,
            )
        self._awaiting = turn.awaiting_secret
        return lines


def chat_loop(
    chat: TerminalChat,
    runner: asyncio.Runner,
    *,
    read_line: Callable[[str], str] = input,
    read_secret: Callable[[str], str] = getpass.getpass,
    write: Callable[[str], None] = print,
) -> None:
    """Read lines until EOF or Ctrl-C, sending each through the chat; secrets are read unechoed."""
    while True:
        try:
            kind = chat.awaiting_secret
            if kind is not None:
                write(HIDDEN_INPUT_HINT.format(what=HIDDEN_INPUT_NAMES[kind]))
                line = read_secret(HIDDEN_INPUT_PROMPT)
            elif chat.awaiting_picks is not None:
                line = read_secret(HIDDEN_INPUT_PROMPT)  # which pictures stays off the screen
            else:
                line = read_line(USER_PROMPT)
        except (EOFError, KeyboardInterrupt):
            write("\n" + GOODBYE)
            return
        if not line.strip():
            continue
        try:
            lines = runner.run(chat.submit(line))
        except KeyboardInterrupt:
            write("\n" + GOODBYE)
            return
        for output in lines:
            write(output)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m bot.terminal", description="Terminal chat with the assistant."
    )
    parser.add_argument(
        "--rasa-url",
        default=os.environ.get("RASA_URL", DEFAULT_RASA_URL),
        help="Rasa server base URL (default: $RASA_URL or %(default)s)",
    )
    parser.add_argument(
        "--log-level",
        default="error",
        choices=["debug", "info", "warning", "error"],
        help="logging level on stderr (default: %(default)s, keeps the chat readable)",
    )
    parser.add_argument(
        "--sender",
        default=f"cli:{secrets.token_hex(6)}",
        help="conversation id sent to Rasa (default: cli: plus a random suffix)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the terminal chat against a Rasa server, with the bank's real secret box."""
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr)
    from bank.redaction import install_redaction

    install_redaction()
    # Imported here so importing this module never touches the bank's settings or database.
    from bank.bootstrap import build_bank
    from bank.mini.pictures import AVATARS, GOAL_PICTURES, PASSWORD_PICTURES

    bank = build_bank()
    http = httpx.AsyncClient()
    conversation = Conversation(
        RasaClient(http, args.rasa_url), bank.secret_box, InMemoryPendingInputStore()
    )
    labels = dict(AVATARS + PASSWORD_PICTURES + GOAL_PICTURES)
    chat = TerminalChat(conversation, args.sender, picture_labels=labels)
    print(WELCOME.format(url=args.rasa_url, sender=args.sender))
    with asyncio.Runner() as runner:
        try:
            chat_loop(chat, runner)
        finally:
            runner.run(http.aclose())
            bank.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
