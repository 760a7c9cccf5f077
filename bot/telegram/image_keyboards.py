"""Picture keyboards in a Telegram chat: the numbered grid picture with numbered buttons under
it (and "Borrar" / "Listo" when several pictures are picked)."""

from __future__ import annotations

from bot.channel_texts import ChannelTexts
from bot.chat_state.async_state import AsyncChatState
from bot.chat_state.keyboards import ACTION_DONE, ACTION_PICK, ACTION_SEND, ACTION_UNDO, ButtonSpec
from bot.pictures import keyboard_cache_key, render_keyboard
from bot.pictures.grid import grid_columns
from bot.rasa_messages import ImageKeyboard
from bot.telegram.media import MediaSender
from bot.telegram.ui import numbered_keyboard, progress


def button_columns(option_count: int) -> int:
    """Numbered buttons per row: the picture's columns, so buttons line up with its cells."""
    return min(option_count, grid_columns(option_count))


async def send_image_keyboard(
    *,
    state: AsyncChatState,
    texts: ChannelTexts,
    media: MediaSender,
    chat_key: str,
    chat_id: int,
    keyboard: ImageKeyboard,
    silent: bool = False,
) -> None:
    """Send the numbered grid picture with numbered buttons (and Borrar/Listo if multi).

    A keyboard whose picks are a secret always collects them (even one) until "Listo", and
    neither its stored button titles nor anything shown later names a picked picture.
    """
    numbers = [str(number) for number in range(1, len(keyboard.options) + 1)]
    multi = keyboard.choose > 1 or keyboard.secret is not None
    if multi:
        specs = [
            ButtonSpec(ACTION_PICK, option.id, n if keyboard.secret else f"{n} · {option.label}")
            for n, option in zip(numbers, keyboard.options, strict=True)
        ]
        extra_titles = [
            texts.get("utter_channel_undo_button"),
            texts.get("utter_channel_done_button"),
        ]
        specs += [
            ButtonSpec(ACTION_UNDO, "", extra_titles[0]),
            ButtonSpec(ACTION_DONE, keyboard.secret or "", extra_titles[1]),
        ]
        caption = texts.get(
            "utter_channel_pick_many",
            choose=keyboard.choose,
            progress=progress(0, keyboard.choose),
        )
    else:
        specs = [
            ButtonSpec(ACTION_SEND, keyboard.payload_for(option.id), f"{n} · {option.label}")
            for n, option in zip(numbers, keyboard.options, strict=True)
        ]
        extra_titles = []
        caption = texts.get("utter_channel_pick_one")
    keyboard_id, callback_ids = await state.register_keyboard(
        chat_key,
        specs,
        choose=keyboard.choose,
        payload_template=keyboard.payload_template if multi else None,
    )
    count = len(keyboard.options)
    markup = numbered_keyboard(
        numbers,
        callback_ids[:count],
        per_row=button_columns(count),
        extra_titles=extra_titles,
        extra_callback_ids=callback_ids[count:],
    )
    sent = await media.send_cached_picture(
        chat_id,
        cache_key=keyboard_cache_key(keyboard.kind, keyboard.options),
        draw=lambda: render_keyboard(keyboard.options, kind=keyboard.kind).png,
        caption=caption,
        markup=markup,
        # A secret keyboard is shuffled every time: a cached upload would never be reused.
        cache=keyboard.secret is None,
        silent=silent,
    )
    await state.attach_message(keyboard_id, sent.message_id)
