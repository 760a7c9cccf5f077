"""Image keyboards of Cuenta Mini: avatars, goal pictures and picture passwords."""

from __future__ import annotations

from collections.abc import Sequence

from rasa_sdk.executor import CollectingDispatcher

IMAGE_CHOICE_PAYLOAD = '/inform{"image_id": "%s"}'
SECRET_REF_PAYLOAD = '/inform{"secret_ref": "%s"}'  # noqa: S105 (a payload template)
PICTURE_PASSWORD_LENGTH = 4


def send_image_choice(
    dispatcher: CollectingDispatcher, kind: str, pictures: Sequence[tuple[str, str]]
) -> None:
    """One picture to pick (an avatar, a goal's picture); its id comes back as `image_id`."""
    dispatcher.utter_message(
        json_message={
            "type": "image_keyboard",
            "kind": kind,
            "choose": 1,
            "ordered": False,
            "options": [{"id": picture_id, "label": label} for picture_id, label in pictures],
            "payload_template": IMAGE_CHOICE_PAYLOAD,
        }
    )


def send_avatar_keyboard(
    dispatcher: CollectingDispatcher, avatars: Sequence[tuple[str, str]]
) -> None:
    """One avatar to pick."""
    send_image_choice(dispatcher, "mini_avatar", avatars)


def send_picture_password_keyboard(
    dispatcher: CollectingDispatcher, pictures: Sequence[tuple[str, str]]
) -> None:
    """Four pictures in order; the channel boxes the picks and Rasa gets only a reference."""
    dispatcher.utter_message(
        json_message={
            "type": "image_keyboard",
            "kind": "mini_picture_password",
            "choose": PICTURE_PASSWORD_LENGTH,
            "ordered": True,
            "secret": "picture_password",
            "options": [{"id": picture_id, "label": label} for picture_id, label in pictures],
            "payload_template": SECRET_REF_PAYLOAD,
        }
    )
