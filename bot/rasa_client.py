"""Channel-neutral client for Rasa's REST channel and typed forms of what Rasa answers."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final, Literal, NamedTuple, TypeAlias, TypeGuard, get_args

import httpx

from bot.money import parse_amount, percent_of
from bot.secure_input import ChannelSecretKind, is_channel_secret_kind, parse_input_request
from bot.secure_input import ExpectedInput as ExpectedInput
from bot.secure_input import SecureInputRequest as SecureInputRequest

logger = logging.getLogger(__name__)

DEFAULT_RASA_URL: Final = "http://127.0.0.1:5005"
WEBHOOK_PATH: Final = "/webhooks/rest/webhook"
DEFAULT_TIMEOUT_SECONDS: Final = 30.0
HEALTH_TIMEOUT_SECONDS: Final = 2.0


class RasaUnavailable(Exception):
    """Rasa could not be reached or did not answer properly (refused, timeout, HTTP error)."""


class RasaNotReached(RasaUnavailable):
    """The message provably never reached Rasa (connection refused or failed to connect, a 502
    or 503 from whatever is in front of it): sending it again is safe."""


class RasaNoAnswer(RasaUnavailable):
    """Rasa got the message but its answer was lost (a read timeout, a 500, a broken body): it
    may have processed it, so it must never be sent again."""


# Answers of a proxy or a server that is not ready: the request was not handed to Rasa's core.
NOT_REACHED_STATUSES: Final = frozenset({502, 503})


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

# A deep link's start parameter: what Telegram accepts (1-64 of A-Z a-z 0-9 _ -).
_START_PARAMETER: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _parse_buttons(raw: object) -> tuple[Button, ...]:
    """Parse Rasa's button list, skipping entries without a string title and payload."""
    if not isinstance(raw, list):
        return ()
    buttons = []
    for item in raw:
        if not isinstance(item, dict):
            continue
        title, payload = item.get("title"), item.get("payload")
        if isinstance(title, str) and isinstance(payload, str):
            buttons.append(Button(title=title, payload=payload))
    return tuple(buttons)


def _parse_image_keyboard(data: Mapping[str, object]) -> ImageKeyboard | None:
    """Parse an image_keyboard payload, or None when it is malformed."""
    kind, choose, ordered = data.get("kind"), data.get("choose", 1), data.get("ordered", False)
    template, raw_options = data.get("payload_template"), data.get("options")
    raw_secret, secret = data.get("secret"), None
    if raw_secret is not None:
        if not is_channel_secret_kind(raw_secret):
            return None
        secret = raw_secret
    if not (
        isinstance(kind, str)
        and isinstance(choose, int)
        and not isinstance(choose, bool)
        and choose >= 1
        and isinstance(ordered, bool)
        and isinstance(template, str)
        and template.count("%s") == 1
        and isinstance(raw_options, list)
    ):
        return None
    options = []
    for raw in raw_options:
        if not isinstance(raw, dict):
            return None
        option_id, label = raw.get("id"), raw.get("label")
        if not (isinstance(option_id, str) and option_id and isinstance(label, str)):
            return None
        options.append(ImageOption(id=option_id, label=label))
    if not options:
        return None
    return ImageKeyboard(
        kind=kind,
        options=tuple(options),
        choose=choose,
        ordered=ordered,
        payload_template=template,
        secret=secret,
    )


def _is_count(value: object) -> TypeGuard[int]:
    """A positive int (a bool is not a count)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _parse_activation_code(data: Mapping[str, object]) -> ActivationCode | None:
    """Parse an activation_code payload, or None when it is malformed."""
    ref, child, minutes = data.get("ref"), data.get("child"), data.get("minutes")
    if isinstance(ref, str) and ref and isinstance(child, str) and child and _is_count(minutes):
        return ActivationCode(ref=ref, child=child, minutes=minutes)
    return None


def _parse_deep_link(data: Mapping[str, object]) -> DeepLink | None:
    """Parse a deep_link payload; the start parameter must be one Telegram accepts."""
    start = data.get("start")
    if isinstance(start, str) and _START_PARAMETER.fullmatch(start):
        return DeepLink(start=start)
    return None


def _parse_picture(data: Mapping[str, object]) -> Picture | None:
    """Parse a picture payload, or None when it is malformed."""
    picture_id, caption = data.get("id"), data.get("caption", "")
    if isinstance(picture_id, str) and picture_id and isinstance(caption, str):
        return Picture(id=picture_id, caption=caption)
    return None


def _parse_goal_progress(data: Mapping[str, object]) -> GoalProgress | None:
    """Parse a goal_progress payload: a known goal picture, a name and exact amounts."""
    picture, raw_name = data.get("picture"), data.get("name")
    saved, target = parse_amount(data.get("saved")), parse_amount(data.get("target"))
    # The name is drawn, not sent as text: one line, whitespace runs made single spaces.
    name = " ".join(raw_name.split()) if isinstance(raw_name, str) else ""
    if (
        isinstance(picture, str)
        and picture in GOAL_PICTURE_IDS
        and name
        and saved is not None
        and target is not None
        and target > 0
    ):
        return GoalProgress(picture=picture, name=name, saved=saved, target=target)
    return None


def is_celebration_reason(value: object) -> TypeGuard[CelebrationReason]:
    """Whether value is a reason to celebrate the channel knows ("goal", "mission")."""
    return isinstance(value, str) and value in CELEBRATION_REASONS


def _parse_celebration(data: Mapping[str, object]) -> Celebration | None:
    """Parse a celebration payload (reason "goal" or "mission")."""
    reason = data.get("reason")
    return Celebration(reason=reason) if is_celebration_reason(reason) else None


def parse_custom(data: object) -> BotMessage:
    """Turn one custom payload into its typed message (UnknownCustom when not understood)."""
    if not isinstance(data, dict):
        return UnknownCustom(data=data)
    payload_type = data.get("type")
    parsed: BotMessage | None = None
    if payload_type in ("secure_input", "expected_input"):
        parsed = parse_input_request(data)
    elif payload_type == "image_keyboard":
        parsed = _parse_image_keyboard(data)
    elif payload_type == "sensitive":
        parsed = SensitiveMarker()
    elif payload_type == "qr":
        ref, caption = data.get("ref"), data.get("caption", "")
        if isinstance(ref, str) and ref and isinstance(caption, str):
            parsed = QrCode(ref=ref, caption=caption)
    elif payload_type == "activation_code":
        parsed = _parse_activation_code(data)
    elif payload_type == "deep_link":
        parsed = _parse_deep_link(data)
    elif payload_type == "picture":
        parsed = _parse_picture(data)
    elif payload_type == "goal_progress":
        parsed = _parse_goal_progress(data)
    elif payload_type == "celebration":
        parsed = _parse_celebration(data)
    if parsed is None:
        # Only the type is logged: payloads may carry user data.
        logger.warning("unsupported or malformed custom payload of type %r", payload_type)
        return UnknownCustom(data=data)
    return parsed


def parse_rasa_output(items: object) -> list[BotMessage]:
    """Turn the JSON list answered by Rasa's REST channel into typed messages, in order."""
    if not isinstance(items, list):
        raise RasaUnavailable("Rasa answered something that is not a list of messages")
    messages: list[BotMessage] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        text, buttons = item.get("text"), _parse_buttons(item.get("buttons"))
        if isinstance(text, str) or buttons:
            messages.append(
                TextMessage(text=text if isinstance(text, str) else "", buttons=buttons)
            )
        image = item.get("image")
        if isinstance(image, str) and image:
            messages.append(ImageMessage(url=image))
        if "custom" in item:
            messages.append(parse_custom(item["custom"]))
    return messages


class RasaClient:
    """Sends user messages to Rasa's REST channel through an injected httpx.AsyncClient."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str = DEFAULT_RASA_URL,
        *,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        self._http = http
        self._root = base_url.rstrip("/") + "/"
        self._url = base_url.rstrip("/") + WEBHOOK_PATH
        self._timeout = timeout

    @property
    def webhook_url(self) -> str:
        """The REST webhook this client posts to."""
        return self._url

    async def send(
        self, sender_id: str, message: str, metadata: Mapping[str, object] | None = None
    ) -> list[BotMessage]:
        """Post one message for a sender and return Rasa's replies (RasaUnavailable on failure)."""
        body = {"sender": sender_id, "message": message, "metadata": dict(metadata or {})}
        try:
            response = await self._http.post(self._url, json=body, timeout=self._timeout)
            response.raise_for_status()
            items = response.json()
        except httpx.HTTPStatusError as exc:
            status = exc.response.status_code
            failure = RasaNotReached if status in NOT_REACHED_STATUSES else RasaNoAnswer
            raise failure(f"Rasa answered HTTP {status}") from None
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise RasaNotReached(f"cannot reach Rasa ({type(exc).__name__})") from None
        except httpx.TimeoutException:
            raise RasaNoAnswer("Rasa did not answer in time") from None
        except httpx.HTTPError as exc:
            # A dropped connection after the request went out: Rasa may have it.
            raise RasaNoAnswer(f"lost Rasa's answer ({type(exc).__name__})") from None
        except ValueError:
            raise RasaNoAnswer("Rasa answered invalid JSON") from None
        try:
            messages = parse_rasa_output(items)
        except RasaUnavailable as exc:
            raise RasaNoAnswer(str(exc)) from None
        logger.debug("rasa answered %d message(s)", len(messages))
        return messages

    async def healthy(self, *, timeout: float = HEALTH_TIMEOUT_SECONDS) -> bool:
        """Whether Rasa's server answers its root page (it listens once its model is loaded)."""
        return await http_ok(self._http, self._root, timeout=timeout)


async def http_ok(http: httpx.AsyncClient, url: str, *, timeout: float) -> bool:
    """Whether a GET of `url` answers 2xx in time; never raises for a network failure."""
    try:
        response = await http.get(url, timeout=timeout)
    except httpx.HTTPError:
        return False
    return response.is_success
