"""Savings goals, celebrations and quiet chats through the real bot and the Bot API stand-in: a
goal card is a cached photo; a celebration is an animation and a voice note, cached; a chat whose
child turned the music off (the bank's `mini_music`) gets every message, notices included,
without a notification sound, and no celebration at all."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from bot_fakes import FakeRasa
from playground_support import CUSTOMER, Playground, running_playground
from sqlalchemy import select
from telegram_harness import RunningBot, cheap_bank, reply, running_bot

from bank.bootstrap import Bank
from bank.db import unit_of_work
from bank.demo import ANDREA, CARLOS, seed_demo
from bank.models import Customer
from bank.notifications import queue_chat_notice
from bot.channel_texts import load_channel_texts
from bot.chat_state import chat_state_of
from bot.chat_state.async_state import AsyncChatState
from bot.conversation import Turn
from bot.pictures.celebration import celebration_animation
from bot.playground.client import ChatState, bot_messages
from bot.quiet_chats import AsyncQuietChats
from bot.rasa_messages import Button, Celebration, GoalProgress, Picture, TextMessage
from bot.rasa_output import parse_custom
from bot.sounds.jingle import celebration_jingle
from bot.sounds.mp3 import mp3_duration
from bot.telegram.render import TurnRenderer

CHILD = 1004  # Andrea's persona in the playground: her chat is tg:1004
GOAL = {
    "type": "goal_progress",
    "picture": "goal_bike",
    "name": "Bicicleta roja",
    "saved": "12.50",
    "target": "80.00",
}
CELEBRATE_GOAL = {"type": "celebration", "reason": "goal"}
PICTURES = ["pic_star", "pic_fish", "pic_star", "pic_kite"]


def sign_in_child_with_music_off(bank: Bank, chat: str = f"tg:{CHILD}") -> None:
    """Andrea gets her Cuenta Mini user, signs in from `chat` and turns the music off."""
    with unit_of_work(bank.sessions) as session:
        seed_demo(session, hasher=bank.hasher, clock=bank.clock)
        carlos = session.scalar(select(Customer.id).where(Customer.id_number == CARLOS.id_number))
    assert carlos is not None
    registration = bank.mini_registration
    registration.start(sender_id=chat)
    assert registration.submit_cedula(sender_id=chat, text=ANDREA.cedula).code == "ok"
    issue = bank.activation_codes.generate(parent_id=carlos, child_cedula=ANDREA.cedula)
    assert issue.activation_code is not None
    steps = [
        registration.submit_activation_code(sender_id=chat, code=issue.activation_code),
        registration.submit_avatar(sender_id=chat, avatar_id="avatar_fox"),
        registration.submit_username(sender_id=chat, text="andreita2015"),
        registration.submit_picture_password(sender_id=chat, picture_ids=PICTURES),
        registration.submit_picture_password_confirmation(sender_id=chat, picture_ids=PICTURES),
    ]
    assert [step.code for step in steps] == ["ok"] * 5
    assert registration.complete(sender_id=chat).code == "completed"
    sign_in = bank.mini_sign_in
    sign_in.start(sender_id=chat)
    assert sign_in.submit_username(sender_id=chat, text="andreita2015").code == "ok"
    signed = sign_in.submit_picture_password(sender_id=chat, picture_ids=PICTURES)
    assert signed.code == "signed_in"
    assert bank.mini_music.set(sender_id=chat, on=False).code == "ok"
    assert bank.mini_music.quiet(chat)


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[RunningBot]:
    async with (
        running_playground() as playground,
        running_bot(playground, FakeRasa(), tmp_path) as running,
    ):
        yield running


@pytest.fixture
async def quiet_bot(bot: RunningBot) -> RunningBot:
    await asyncio.to_thread(sign_in_child_with_music_off, bot.bank)
    return bot


def media_messages(state: ChatState) -> list[dict[str, Any]]:
    return [m for m in bot_messages(state) if m["animation"] or m["voice"] or m["audio"]]


async def say_and_settle(bot: RunningBot, user_id: int, text: str, *, answers: int) -> ChatState:
    """Type a message, wait for its answers, then make sure nothing more comes from that turn:
    the bot answers a chat's updates in order, so once a marker message is answered, the first
    turn is over."""
    await bot.say(user_id, text, answers=answers)
    bot.rasa.reply_with(reply(text="fin"))
    return await bot.say(user_id, "marcador")


async def stats(bot: RunningBot) -> dict[str, Any]:
    return await bot.playground.client.stats()


async def test_a_goal_progress_is_a_drawn_photo_cached_until_its_figures_change(
    bot: RunningBot,
) -> None:
    bot.rasa.reply_with(reply(custom=GOAL))
    state = await bot.say(CUSTOMER, "mi meta")
    card = bot_messages(state)[-1]
    assert card["photo"] and (card["photo_width"], card["photo_height"]) == (640, 320)
    assert card["caption"] is None
    assert (await stats(bot))["uploads"] == 1

    bot.rasa.reply_with(reply(custom=GOAL))
    await bot.say(CUSTOMER, "otra vez")
    assert (await stats(bot))["uploads"] == 1, "the same card is sent by its file_id"

    bot.rasa.reply_with(reply(custom={**GOAL, "saved": "20.00"}))
    state = await bot.say(CUSTOMER, "ahorré más")
    assert (await stats(bot))["uploads"] == 2, "new figures, new card"
    assert bot_messages(state)[-1]["photo"] != card["photo"]


async def test_a_malformed_goal_progress_is_skipped_and_the_turn_goes_on(
    bot: RunningBot,
) -> None:
    bot.rasa.reply_with(
        reply(custom={**GOAL, "picture": "goal_rocket"}),
        reply(custom={**GOAL, "saved": 12.5}),
        reply(text="Sigue ahorrando"),
    )
    state = await bot.say(CUSTOMER, "mi meta")
    assert bot_messages(state)[-1]["text"] == "Sigue ahorrando"
    assert not any(m["photo"] for m in bot_messages(state))


async def test_a_celebration_is_an_animation_and_a_voice_note_in_a_loud_chat(
    bot: RunningBot,
) -> None:
    bot.rasa.reply_with(reply(text="¡Meta cumplida!"), reply(custom=CELEBRATE_GOAL))
    state = await bot.say(CUSTOMER, "deposité", answers=3)
    text, animation, voice = bot_messages(state)[-3:]
    assert text["text"] == "¡Meta cumplida!"
    assert animation["animation"] and "Lo lograste" in animation["caption"]
    assert voice["voice"] and voice["caption"] is None
    assert voice["media_duration"] == 2  # 1.54 s, rounded up as Telegram shows it
    client = bot.playground.client
    assert await client.photo_bytes(animation["animation"]) == celebration_animation()
    mp3 = await client.photo_bytes(voice["voice"])
    assert mp3 == celebration_jingle().mp3 and 1.0 <= mp3_duration(mp3) <= 3.0
    assert not any(m["disable_notification"] for m in (text, animation, voice))
    first = await stats(bot)
    assert first["methods"]["sendAnimation"] == first["methods"]["sendVoice"] == 1
    assert first["uploads"] == 2

    bot.rasa.reply_with(reply(custom={"type": "celebration", "reason": "mission"}))
    state = await bot.say(CUSTOMER, "terminé mi misión", answers=2)
    animation, voice = bot_messages(state)[-2:]
    assert "Misión cumplida" in animation["caption"] and voice["voice"]
    assert (await stats(bot))["uploads"] == 2, "both are sent again by their cached file_ids"


async def test_a_celebration_that_fails_to_send_does_not_stop_the_turn(bot: RunningBot) -> None:
    await bot.playground.client.inject_fault("sendAnimation", error_code=400)
    bot.rasa.reply_with(reply(custom=CELEBRATE_GOAL), reply(text="¿Qué más quieres hacer?"))
    state = await bot.say(CUSTOMER, "deposité", answers=2)
    voice, text = bot_messages(state)[-2:]
    assert voice["voice"] and text["text"] == "¿Qué más quieres hacer?"


async def test_a_user_who_refuses_voice_notes_gets_the_jingle_as_audio(bot: RunningBot) -> None:
    await bot.playground.client.inject_fault(
        "sendVoice", error_code=400, description="Bad Request: VOICE_MESSAGES_FORBIDDEN"
    )
    bot.rasa.reply_with(reply(custom=CELEBRATE_GOAL))
    state = await bot.say(CUSTOMER, "deposité", answers=2)
    sound = bot_messages(state)[-1]
    assert sound["audio"] and not sound["voice"]
    assert await bot.playground.client.photo_bytes(sound["audio"]) == celebration_jingle().mp3


async def test_a_quiet_chat_gets_everything_silently_and_no_celebration(
    quiet_bot: RunningBot,
) -> None:
    turn = [
        reply(text="¡Ahorraste!", buttons=[{"title": "Ver metas", "payload": "/goals"}]),
        reply(custom=GOAL),
        reply(custom={"type": "picture", "id": "avatar_fox", "caption": "Tú"}),
        reply(custom=CELEBRATE_GOAL),
        reply(text="Sigue así"),
    ]
    quiet_bot.rasa.reply_with(*turn)
    state = await say_and_settle(quiet_bot, CHILD, "deposité", answers=4)
    shown = bot_messages(state)
    assert [m["text"] or ("photo" if m["photo"] else None) for m in shown] == [
        "¡Ahorraste!",
        "photo",
        "photo",
        "Sigue así",
        "fin",
    ]
    assert all(m["disable_notification"] for m in shown)
    assert media_messages(state) == []
    methods = (await stats(quiet_bot))["methods"]
    assert "sendAnimation" not in methods and "sendVoice" not in methods

    # The same turn in a loud chat: sound on, and the celebration comes.
    quiet_bot.rasa.reply_with(*turn)
    state = await quiet_bot.say(CUSTOMER, "deposité", answers=6)
    loud = bot_messages(state)
    assert not any(m["disable_notification"] for m in loud)
    assert len(media_messages(state)) == 2


async def test_turning_the_music_back_on_makes_the_chat_loud_again(
    quiet_bot: RunningBot,
) -> None:
    await asyncio.to_thread(quiet_bot.bank.mini_music.set, sender_id=f"tg:{CHILD}", on=True)
    quiet_bot.rasa.reply_with(reply(text="¡Música!"), reply(custom=CELEBRATE_GOAL))
    state = await quiet_bot.say(CHILD, "prender música", answers=3)
    assert not any(m["disable_notification"] for m in bot_messages(state))
    assert len(media_messages(state)) == 2


async def test_notices_to_a_quiet_chat_are_silent_and_never_celebrated(
    quiet_bot: RunningBot,
) -> None:
    bank = quiet_bot.bank
    with unit_of_work(bank.sessions) as session:
        for chat in (CHILD, CUSTOMER):
            queue_chat_notice(
                session,
                sender_id=f"tg:{chat}",
                kind="mini_code_ready",
                data={"celebrate": "mission"},
                now=bank.clock.now(),
            )
    loud = await quiet_bot.wait(CUSTOMER, lambda s: len(bot_messages(s)) == 3)
    notice, animation, voice = bot_messages(loud)
    assert "código nuevo" in notice["text"]
    assert "Misión cumplida" in animation["caption"] and voice["voice"]
    assert not any(m["disable_notification"] for m in (notice, animation, voice))

    quiet = await quiet_bot.wait(CHILD, lambda s: len(bot_messages(s)) >= 1)
    # Both notices were claimed together: once the loud chat's celebration is out, so is
    # everything for the quiet chat.
    assert [m["disable_notification"] for m in bot_messages(quiet)] == [True]
    assert media_messages(quiet) == []


class CountingQuietChats:
    """The bank's quiet look-up, counted."""

    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        self.calls: list[str] = []

    def quiet(self, sender_id: str) -> bool:
        self.calls.append(sender_id)
        return self.bank.mini_music.quiet(sender_id)


@pytest.fixture
async def playground() -> AsyncIterator[Playground]:
    async with running_playground() as running:
        yield running


async def test_the_quiet_flag_is_looked_up_once_per_turn(
    playground: Playground, tmp_path: Path
) -> None:
    bank = cheap_bank(tmp_path)
    try:
        await asyncio.to_thread(sign_in_child_with_music_off, bank)
        counting = CountingQuietChats(bank)
        async with playground.bot() as telegram_bot:
            renderer = TurnRenderer(
                bot=telegram_bot,
                state=AsyncChatState(chat_state_of(bank)),
                texts=load_channel_texts(),
                bot_id="test",
                quiet=AsyncQuietChats(counting),
            )
            goal = parse_custom(GOAL)
            assert isinstance(goal, GoalProgress)
            messages = (
                TextMessage("Hola", (Button("Metas", "/goals"),)),
                goal,
                Picture("avatar_fox", "Tú"),
                Celebration("goal"),
                TextMessage("Chao"),
            )
            await renderer.render(CHILD, Turn(messages=messages))
            await renderer.render(CUSTOMER, Turn(messages=messages))
            await renderer.render(CHILD, Turn(messages=(), delivered=False))
        assert counting.calls == [f"tg:{CHILD}", f"tg:{CUSTOMER}", f"tg:{CHILD}"]
        child = bot_messages(await playground.client.chat(CHILD))
        assert len(child) == 5 and all(m["disable_notification"] for m in child)
        assert "No pude conectarme" in child[-1]["text"]
        customer = bot_messages(await playground.client.chat(CUSTOMER))
        assert len(customer) == 6 and not any(m["disable_notification"] for m in customer)
    finally:
        bank.dispose()


class BrokenQuietChats:
    def quiet(self, sender_id: str) -> bool:
        raise RuntimeError("database is locked")


async def test_a_failed_look_up_counts_as_loud() -> None:
    assert await AsyncQuietChats(BrokenQuietChats()).quiet("tg:1") is False
