"""How a turn (what Rasa answered) looks in the terminal: numbered choices, QR codes drawn with
block characters, goals as a bar, and the channel's replies worded as in Telegram."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import segno

from bot.channel_texts import ChannelTexts, load_channel_texts
from bot.conversation import Turn
from bot.money import format_dollars
from bot.rasa_messages import (
    ActivationCode,
    BotMessage,
    Celebration,
    DeepLink,
    GoalProgress,
    ImageKeyboard,
    ImageMessage,
    Picture,
    QrCode,
    TextMessage,
    UnknownCustom,
)
from bot.secure_input import SecureInputRequest

BOT_PREFIX: Final = "Bot: "
CHOICE_HINT: Final = "   (escribe el número de una opción)"
QR_NOTE: Final = "   (Código QR dibujado en la terminal; si no se lee, agranda la ventana.)"
QR_MISSING: Final = "   (El código QR ya no está disponible; pide uno nuevo.)"
UNSUPPORTED: Final = "   (Este mensaje no se puede mostrar en la terminal.)"
PICKS_HINT: Final = (
    "   (Elige {choose} imágenes en orden: escribe sus números separados por espacios, por "
    "ejemplo «3 7 7 12». Puedes repetir una imagen. No se mostrarán en pantalla.)"
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
    """The channel's texts from channel/texts.yml and domain/ (read once)."""
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
