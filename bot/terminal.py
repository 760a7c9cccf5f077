"""Terminal chat with the assistant through Rasa's REST channel: `python -m bot.terminal`.

Buttons and image options are numbered and chosen by typing the number alone; secrets are read
without echo. The Spanish strings here are the terminal's own chrome, not assistant replies.
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

import httpx
import segno

from bot.conversation import Conversation, InMemoryPendingInputStore, Turn
from bot.rasa_client import (
    DEFAULT_RASA_URL,
    BotMessage,
    ImageKeyboard,
    ImageMessage,
    QrCode,
    RasaClient,
    SecureInputRequest,
    TextMessage,
    UnknownCustom,
)
from bot.secure_input import SecretKind

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


def render_message(message: BotMessage, choices: list[Choice]) -> list[str]:
    """Return the lines for one bot message; its buttons or options are appended to choices."""
    if isinstance(message, TextMessage):
        lines = [BOT_PREFIX + message.text] if message.text else []
        options = [Choice(button.title, button.payload) for button in message.buttons]
        if options:
            lines.append(_choices_line(options, len(choices) + 1))
            choices.extend(options)
        return lines
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
    if isinstance(message, ImageMessage):
        return [f"   [imagen: {message.url}]"]
    if isinstance(message, SecureInputRequest):
        return []  # Shown as the secret prompt when the next line is read.
    if isinstance(message, UnknownCustom):
        return [UNSUPPORTED]
    return []


def render_turn(turn: Turn) -> tuple[list[str], list[Choice]]:
    """Return the lines to print for a turn and the choices its numbers refer to."""
    if not turn.delivered:
        return [UNAVAILABLE], []
    lines: list[str] = []
    choices: list[Choice] = []
    for message in turn.messages:
        lines.extend(render_message(message, choices))
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


class TerminalChat:
    """One user's terminal conversation: maps typed lines to text or button taps."""

    def __init__(self, conversation: Conversation, sender_id: str) -> None:
        self._conversation = conversation
        self._sender_id = sender_id
        self._choices: list[Choice] = []
        self._awaiting: SecretKind | None = None

    @property
    def awaiting_secret(self) -> SecretKind | None:
        """The secret kind the next line will be read as, if any."""
        return self._awaiting

    async def submit(self, line: str) -> list[str]:
        """Send one typed line (a number picks a choice) and return the lines to print."""
        choice = pick_choice(line, self._choices)
        if choice is not None:
            turn = await self._conversation.handle_button(self._sender_id, choice.payload)
        else:
            turn = await self._conversation.handle_text(self._sender_id, line)
        lines, choices = render_turn(turn)
        if turn.delivered:
            self._choices = choices
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

    bank = build_bank()
    http = httpx.AsyncClient()
    conversation = Conversation(
        RasaClient(http, args.rasa_url), bank.secret_box, InMemoryPendingInputStore()
    )
    chat = TerminalChat(conversation, args.sender)
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
