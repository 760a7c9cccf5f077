"""The playground's in-memory model and its Telegram HTML parser, without HTTP."""

from __future__ import annotations

import asyncio

import pytest

from bot.playground.entities import EntityParseError, command_entities, parse_html
from bot.playground.errors import BotApiError, PageError
from bot.playground.messages import Content
from bot.playground.state import PlaygroundState

CUSTOMER = 1001


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_html_becomes_text_and_utf16_entities() -> None:
    text, entities = parse_html(
        '<b>Hola <i>😀 María</i></b> &lt;3 <a href="https://www.produbanco.com.ec">web</a>'
        '\n<pre><code class="language-python">x = 1</code></pre> <span class="tg-spoiler">s</span>'
    )
    assert text == "Hola 😀 María <3 web\nx = 1 s"
    assert entities == [
        {"offset": 0, "length": 13, "type": "bold"},
        {"offset": 5, "length": 8, "type": "italic"},
        {"offset": 17, "length": 3, "type": "text_link", "url": "https://www.produbanco.com.ec"},
        {"offset": 21, "length": 5, "type": "pre", "language": "python"},
        {"offset": 27, "length": 1, "type": "spoiler"},
    ]


@pytest.mark.parametrize(
    ("markup", "error"),
    [
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("é<br/>", 'Unsupported start tag "br" at byte offset 2'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ('<span class="x">y</span>', 'Unsupported start tag "span" at byte offset 0'),
    ],
)
def test_html_that_telegram_refuses(markup: str, error: str) -> None:
    with pytest.raises(EntityParseError) as caught:
        parse_html(markup)
    assert str(caught.value) == error


def test_command_entities_only_for_a_leading_command() -> None:
    assert command_entities("/start@ProdubancoPlaygroundBot hola") == [
        {"offset": 0, "length": 30, "type": "bot_command"}
    ]
    assert command_entities("hola /start") == []
    assert command_entities("/ñandú") == []
    assert command_entities('/saludo{"x": 1}') == []


def test_typing_lasts_five_seconds() -> None:
    clock = FakeClock()
    state = PlaygroundState(monotonic=clock, first_update_id=1)
    state.set_chat_action(CUSTOMER, "typing")
    assert state.chat_snapshot(CUSTOMER)["typing"] is True
    clock.now += 4.9
    assert state.chat_snapshot(CUSTOMER)["typing"] is True
    version = state.chat_snapshot(CUSTOMER)["version"]
    clock.now += 0.2
    snapshot = state.chat_snapshot(CUSTOMER)
    assert snapshot["typing"] is False
    assert snapshot["version"] > version  # the page is told


async def test_a_chat_long_poll_wakes_when_typing_runs_out() -> None:
    state = PlaygroundState(first_update_id=1)
    state.set_chat_action(CUSTOMER, "typing")
    state.chats[CUSTOMER].action_until -= 4.9  # 0.1 s left
    version = state.chat_snapshot(CUSTOMER)["version"]
    await asyncio.wait_for(state.wait_chat(CUSTOMER, version, wait=5), timeout=1)
    assert state.chat_snapshot(CUSTOMER)["typing"] is False


def test_message_ids_are_per_chat_and_update_ids_increase() -> None:
    state = PlaygroundState(first_update_id=77)
    assert state.user_sends(CUSTOMER, "hola") == (77, 1)
    assert state.bot_send(CUSTOMER, Content(text="¡Hola!")).message_id == 2
    assert state.user_sends(1003, "buenas") == (78, 1)


def test_allowed_updates_stops_unwanted_kinds_from_being_queued() -> None:
    state = PlaygroundState(first_update_id=1)

    async def poll(allowed: list[str] | None) -> list[dict[str, object]]:
        return await state.get_updates(offset=0, limit=100, timeout=0, allowed_updates=allowed)

    assert asyncio.run(poll(["callback_query"])) == []
    assert state.user_sends(CUSTOMER, "hola") == (None, 1)
    assert asyncio.run(poll([])) == []  # [] means every kind again
    update_id, _ = state.user_sends(CUSTOMER, "otra vez")
    assert [u["update_id"] for u in asyncio.run(poll(None))] == [update_id]


def test_negative_offset_keeps_only_the_last_updates() -> None:
    state = PlaygroundState(first_update_id=1)
    for text in ("a", "b", "c"):
        state.user_sends(CUSTOMER, text)
    updates = asyncio.run(state.get_updates(offset=-1, limit=100, timeout=0, allowed_updates=None))
    assert [u["update_id"] for u in updates] == [3]
    assert state.pending_update_count == 1


def test_only_the_bot_s_own_live_messages_can_be_edited() -> None:
    state = PlaygroundState(first_update_id=1)
    with pytest.raises(BotApiError, match="chat not found") as caught:
        state.bot_send(5, Content(text="x"))
    assert caught.value.error_code == 400
    message = state.bot_send(CUSTOMER, Content(text="x"))
    state.bot_delete(CUSTOMER, message.message_id)
    with pytest.raises(BotApiError, match="message to edit not found"):
        state.bot_edit_text(CUSTOMER, message.message_id, Content(text="y"))
    with pytest.raises(PageError):
        state.chat_snapshot(5)


def test_answer_texts_are_limited_like_telegram() -> None:
    state = PlaygroundState(first_update_id=1)
    message = state.bot_send(
        CUSTOMER,
        Content(
            text="x", reply_markup={"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
        ),
    )
    _, query_id = state.user_taps(CUSTOMER, message.message_id, "a")
    with pytest.raises(BotApiError, match="MESSAGE_TOO_LONG"):
        state.answer_callback(query_id, text="x" * 201, show_alert=False, url=None)
    state.answer_callback(query_id, text="¡Listo!", show_alert=True, url=None)
    (answer,) = state.chat_snapshot(CUSTOMER)["callback_answers"]
    assert (answer["text"], answer["show_alert"], answer["answered"]) == ("¡Listo!", True, True)
