"""Terminal chat with the assistant through Rasa's REST channel: `python -m bot.terminal`.

Buttons and image options are numbered and chosen by typing the number alone; secrets (and the
numbers of a picture password) are read without echo. The Spanish strings here are the terminal's
own chrome; the channel's replies (an activation code, a deep link) come from channel/texts.yml.
How a turn looks is bot/terminal_render.py.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import secrets
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Final

import httpx

from bot.conversation import Conversation
from bot.conversation_stores import InMemoryPendingInputStore
from bot.deep_links import start_payload
from bot.rasa_client import DEFAULT_RASA_URL, RasaClient
from bot.rasa_messages import ImageKeyboard
from bot.secure_input import SecretKind
from bot.terminal_picks import looks_like_picks, parse_picks
from bot.terminal_render import (
    START_COMMAND,
    Choice,
    pick_choice,
    render_turn,
)

logger = logging.getLogger(__name__)

USER_PROMPT: Final = "Tú: "
HIDDEN_INPUT_PROMPT: Final = "🔒 "
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
PICKS_INVALID: Final = (
    "   (Escribe {choose} números de la lista, del 1 al {count}, separados por espacios.)"
)
WELCOME: Final = (
    "Chat con el asistente (Rasa en {url}, conversación {sender}).\n"
    "Escribe tu mensaje y pulsa Enter; Ctrl-C o Ctrl-D para salir."
)
GOODBYE: Final = "Hasta luego."


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
