"""Typed forms of what Rasa answers: texts, buttons, images and the custom payloads a channel
shows (picture keyboards, QR codes, activation codes, deep links, goals, celebrations)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final, Literal, NamedTuple, TypeAlias, TypeGuard, get_args

from bot.money import percent_of
from bot.secure_input import ChannelSecretKind, ExpectedInput, SecureInputRequest


@dataclass(frozen=True, slots=True)
class Button:
    """A button offered by the bot: the title shown and the payload sent back when tapped."""

    title: str
    payload: str


@dataclass(frozen=True, slots=True)
class TextMessage:
    """A text reply, possibly with buttons."""

    text: str
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True, slots=True)
class ImageMessage:
    """An image reply given by URL."""

    url: str


class ImageOption(NamedTuple):
    """One picture of an image keyboard: an opaque id and its label."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class ImageKeyboard:
    """A choice among pictures; the payload of an option is payload_template with its id.

    secret: the picks are a secret of this kind (a picture password): the channel puts them in
    the secret store when they are complete and sends Rasa only the reference.
    """

    kind: str
    options: tuple[ImageOption, ...]
    choose: int
    ordered: bool
    payload_template: str
    secret: ChannelSecretKind | None = None

    def payload_for(self, option_id: str) -> str:
        """Return the payload that selects the option with this id (ValueError if unknown)."""
        if option_id not in {option.id for option in self.options}:
            raise ValueError("not an option of this keyboard")
        return self.payload_template.replace("%s", option_id)


@dataclass(frozen=True, slots=True)
class QrCode:
    """A QR code to draw; content is resolved from the secret box by the Conversation."""

    ref: str
    caption: str
    # The decoded content is a secret (an otpauth URI): kept out of repr so it is never logged.
    content: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class ActivationCode:
    """A Cuenta Mini activation code for a parent; code is resolved from the secret store."""

    ref: str
    child: str
    minutes: int
    # The code is a secret until the child types it: kept out of repr so it is never logged.
    code: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class DeepLink:
    """A link that opens the bot with /start <start> (shared with another Telegram account)."""

    start: str


@dataclass(frozen=True, slots=True)
class Picture:
    """One drawn picture (an avatar, a password picture) with a caption."""

    id: str
    caption: str


# The pictures a child can give a savings goal (bank.mini.pictures.GOAL_PICTURES); the channel
# draws each (bot/pictures/goal_icons.py). A goal_progress payload with another id is skipped.
GOAL_PICTURE_IDS: Final = frozenset(
    {
        "goal_bike",
        "goal_ball",
        "goal_game",
        "goal_books",
        "goal_teddy",
        "goal_tablet",
        "goal_trip",
        "goal_pet",
    }
)


@dataclass(frozen=True, slots=True)
class GoalProgress:
    """A child's savings goal: its picture, its name and the exact amounts saved and targeted."""

    picture: str
    name: str
    saved: Decimal
    target: Decimal

    @property
    def percent(self) -> int:
        """Whole percent saved, rounded down, within 0..100."""
        return percent_of(self.saved, self.target)

    @property
    def reached(self) -> bool:
        """Whether the target is saved (or more)."""
        return self.saved >= self.target


CelebrationReason: TypeAlias = Literal["goal", "mission"]
CELEBRATION_REASONS: Final[tuple[CelebrationReason, ...]] = get_args(CelebrationReason)


@dataclass(frozen=True, slots=True)
class Celebration:
    """Something to celebrate (a goal reached, a mission done): confetti and a jingle."""

    reason: CelebrationReason


@dataclass(frozen=True, slots=True)
class SensitiveMarker:
    """The text just before this marker is sensitive: a channel protects it from forwarding."""


@dataclass(frozen=True, slots=True)
class UnknownCustom:
    """A custom payload this channel does not know; kept so a channel may still show something."""

    data: object


BotMessage: TypeAlias = (
    TextMessage
    | ImageMessage
    | SecureInputRequest
    | ExpectedInput
    | ImageKeyboard
    | QrCode
    | ActivationCode
    | DeepLink
    | Picture
    | GoalProgress
    | Celebration
    | SensitiveMarker
    | UnknownCustom
)


def is_celebration_reason(value: object) -> TypeGuard[CelebrationReason]:
    """Whether value is a reason to celebrate the channel knows ("goal", "mission")."""
    return isinstance(value, str) and value in CELEBRATION_REASONS
