"""Parsing of what Rasa's REST channel answers into typed messages (bot/rasa_messages.py); a
malformed custom payload becomes UnknownCustom, logged by its type only."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Final, TypeGuard

from bot.money import parse_amount
from bot.rasa_errors import RasaUnavailable
from bot.rasa_messages import (
    GOAL_PICTURE_IDS,
    ActivationCode,
    BotMessage,
    Button,
    Celebration,
    DeepLink,
    GoalProgress,
    ImageKeyboard,
    ImageMessage,
    ImageOption,
    Picture,
    QrCode,
    SensitiveMarker,
    TextMessage,
    UnknownCustom,
    is_celebration_reason,
)
from bot.secure_input import is_channel_secret_kind, parse_input_request

logger = logging.getLogger(__name__)

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
