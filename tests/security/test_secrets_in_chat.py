"""Findings 4, 9 and 14: PINs and codes typed where Rasa, the tracker store or an agent would
see them. Each test types the secret the way an attacker (or a careless customer) would and
checks what Rasa received, what the agent saw and whether the message left the chat.

The channel is driven through the Conversation (a fake Rasa), the terminal chat, and the real
Telegram handlers polling the playground (the Bot API stand-in), so the playground is covered.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from bot_fakes import RASA_URL, FakeRasa, FakeSecretStore
from playground_support import CUSTOMER, running_playground
from telegram_harness import RunningBot, reply, running_bot
from test_assist_support import (
    AGENT,
    AGENT_NAME,
    CUSTOMER_KEY,
    agent_says,
    assisted_bot,
    count,
    everything_shown,
    has_text,
    open_ticket,
)

from bank.chat_redaction import redact_chat_text
from bot.chat_state import chat_state_of
from bot.conversation import Conversation
from bot.conversation_stores import InMemoryPendingInputStore
from bot.playground.client import ChatState, bot_messages
from bot.rasa_client import RasaClient
from bot.terminal import TerminalChat
from formats.digit_runs import has_secret_digits
from formats.domain_files import load_domain

REPO = Path(__file__).resolve().parents[2]
SENDER = "cli:attacker"
PIN = "4826"
CODE = "731946"


def ask(kind: str) -> list[dict[str, object]]:
    """Rasa's answer to a step that asks for a secret of `kind`."""
    return [
        {"recipient_id": SENDER, "text": "Escríbelo"},
        {"recipient_id": SENDER, "custom": {"type": "secure_input", "kind": kind}},
    ]


async def at_prompt(conversation: Conversation, fake_rasa: FakeRasa, kind: str) -> None:
    fake_rasa.reply_with(*ask(kind))
    await conversation.handle_text(SENDER, "quiero registrarme")


def secret_ref(message: str) -> str:
    """The reference of an `/inform{"secret_ref": ...}` payload (fails for anything else)."""
    assert message.startswith("/inform{"), message
    return str(json.loads(message.removeprefix("/inform"))["secret_ref"])


def message_by_id(state: ChatState, message_id: int) -> dict[str, Any]:
    return next(m for m in state["messages"] if m["message_id"] == message_id)


@pytest.fixture
async def chat_bot(tmp_path: Path) -> AsyncIterator[RunningBot]:
    async with (
        running_playground() as playground,
        running_bot(playground, FakeRasa(), tmp_path) as running,
    ):
        yield running


# ---- finding 4: at a secret prompt ------------------------------------------------------------


async def test_pin_inside_a_sentence_at_the_pin_prompt_never_reaches_rasa(
    chat_bot: RunningBot,
) -> None:
    chat_bot.rasa.reply_with(
        reply(text="Escribe tu clave"), reply(custom={"type": "secure_input", "kind": "pin"})
    )
    await chat_bot.say(CUSTOMER, "quiero registrarme")
    chat_bot.rasa.reply_with(reply(text="Clave recibida"))

    _, typed_id = await chat_bot.playground.client.send_text(CUSTOMER, f"mi clave es {PIN}")
    state = await chat_bot.wait(CUSTOMER, lambda s: bot_messages(s)[-1]["text"] == "Clave recibida")

    assert message_by_id(state, typed_id)["deleted"], "the sentence left the chat"
    assert PIN not in chat_bot.rasa.everything_received()
    assert "mi clave es" not in chat_bot.rasa.everything_received()
    ref = secret_ref(chat_bot.rasa.messages[-1])
    box = chat_bot.bank.secret_box
    assert box.take(ref=ref, sender_id=f"tg:{CUSTOMER}", kind="pin") == PIN


@pytest.mark.parametrize(
    ("kind", "typed", "stored"),
    [
        ("otp", "el código es ١٢٣-٤٥٦", "123456"),  # Arabic-Indic digits, a dash
        ("otp", "es 7\u200b3\u200b1\u200b9\u200b4\u200b6 gracias", CODE),  # zero-width spaces
        ("pin", "clave: 4.8.2.6!", PIN),
        ("pin", "mi pin es cuatro ocho dos seis", PIN),
        ("pin", "Mi PIN: ４８２６", PIN),  # full-width digits
    ],
)
async def test_disguised_secret_in_a_sentence_at_a_code_prompt_is_collected_not_forwarded(
    conversation: Conversation,
    fake_rasa: FakeRasa,
    secret_store: FakeSecretStore,
    kind: str,
    typed: str,
    stored: str,
) -> None:
    await at_prompt(conversation, fake_rasa, kind)
    called: list[str] = []

    async def deleted() -> None:
        called.append("deleted")

    turn = await conversation.handle_text(SENDER, typed, on_secret=deleted)

    assert called == ["deleted"] and turn.secret_consumed
    assert secret_store.puts[-1] == (SENDER, kind, stored)
    secret_ref(fake_rasa.messages[-1])
    received = fake_rasa.everything_received()
    assert stored not in received and typed not in received


async def test_two_numbers_at_the_pin_prompt_are_stored_malformed_not_forwarded(
    conversation: Conversation, fake_rasa: FakeRasa, secret_store: FakeSecretStore
) -> None:
    await at_prompt(conversation, fake_rasa, "pin")

    turn = await conversation.handle_text(SENDER, f"es {PIN} o tal vez 9731")

    assert turn.secret_consumed
    (_, kind, value) = secret_store.puts[-1]
    assert kind == "pin" and not value.isdigit(), "malformed: the bank answers its format message"
    secret_ref(fake_rasa.messages[-1])
    assert PIN not in fake_rasa.everything_received()
    assert "9731" not in fake_rasa.everything_received()


@pytest.mark.parametrize("kind", ["password", "answer"])
async def test_a_question_carrying_a_code_at_a_password_prompt_is_taken_as_the_secret(
    conversation: Conversation, fake_rasa: FakeRasa, secret_store: FakeSecretStore, kind: str
) -> None:
    await at_prompt(conversation, fake_rasa, kind)

    turn = await conversation.handle_text(SENDER, f"¿puede ser Clave{PIN}?")

    assert turn.secret_consumed
    assert secret_store.puts[-1][:2] == (SENDER, kind)
    assert PIN not in fake_rasa.everything_received()


# ---- finding 4: outside a secret prompt -------------------------------------------------------


async def test_a_bare_pin_at_the_menu_is_deleted_and_rasa_gets_only_a_marker(
    chat_bot: RunningBot,
) -> None:
    chat_bot.rasa.reply_with(reply(text="Recuerda: nunca compartas tus claves"))

    _, typed_id = await chat_bot.playground.client.send_text(CUSTOMER, PIN)
    state = await chat_bot.wait(
        CUSTOMER, lambda s: bot_messages(s) and "nunca compartas" in bot_messages(s)[-1]["text"]
    )

    assert message_by_id(state, typed_id)["deleted"]
    assert any("No compartas tus claves" in (m["text"] or "") for m in bot_messages(state))
    assert chat_bot.rasa.messages == ["/typed_secret"]
    assert PIN not in chat_bot.rasa.everything_received()
    lines = chat_bot.bank.transcripts.lines(sender_id=f"tg:{CUSTOMER}")
    assert not any(PIN in line.text for line in lines)


@pytest.mark.parametrize(
    "typed", [CODE, "731 946", "73-19-46", "4 8 2 6", " 4826 ", "٤٨٢٦", "cuatro ocho dos seis"]
)
async def test_a_bare_code_after_an_answer_that_did_not_re_ask_is_refused(
    conversation: Conversation,
    fake_rasa: FakeRasa,
    secret_store: FakeSecretStore,
    typed: str,
) -> None:
    await at_prompt(conversation, fake_rasa, "otp")
    fake_rasa.reply_with({"recipient_id": SENDER, "text": "Código incorrecto"})  # no re-ask
    await conversation.handle_text(SENDER, "000000")
    puts = len(secret_store.puts)
    refused: list[str] = []

    async def refuse() -> None:
        refused.append("deleted")

    await conversation.handle_text(SENDER, typed, on_refused=refuse)

    assert refused == ["deleted"]
    assert fake_rasa.messages[-1] == "/typed_secret"
    assert len(secret_store.puts) == puts, "not kept anywhere"
    digits = "".join(ch for ch in typed if ch.isascii() and ch.isdigit())
    assert not digits or digits not in fake_rasa.everything_received()


async def test_a_bare_pin_is_refused_unless_the_step_expects_a_number(
    conversation: Conversation, fake_rasa: FakeRasa
) -> None:
    # An amount prompt tells the channel it expects a number: "1500" is the amount.
    fake_rasa.reply_with(
        {"recipient_id": SENDER, "text": "¿Cuánto cuesta tu meta?"},
        {"recipient_id": SENDER, "custom": {"type": "expected_input", "kind": "number"}},
    )
    await conversation.handle_text(SENDER, "quiero una meta")
    fake_rasa.reply_with({"recipient_id": SENDER, "text": "¡Meta creada!"})
    await conversation.handle_text(SENDER, "1500")
    assert fake_rasa.messages[-1] == "1500"

    # The next step expects nothing of the kind: the same four digits are a PIN out of turn.
    await conversation.handle_text(SENDER, "1500")
    assert fake_rasa.messages[-1] == "/typed_secret"


def test_a_pin_typed_at_the_terminal_menu_never_reaches_rasa() -> None:
    fake_rasa, store = FakeRasa(), FakeSecretStore()
    fake_rasa.reply_with({"recipient_id": SENDER, "text": "Nunca compartas tus claves"})

    async def run() -> list[str]:
        async with httpx.AsyncClient(transport=httpx.MockTransport(fake_rasa.handler)) as http:
            conversation = Conversation(
                RasaClient(http, RASA_URL), store, InMemoryPendingInputStore()
            )
            return await TerminalChat(conversation, SENDER).submit(PIN)

    printed = asyncio.run(run())

    assert fake_rasa.messages == ["/typed_secret"]
    assert PIN not in fake_rasa.everything_received()
    assert any("No compartas tus claves" in line for line in printed)


def _domain() -> dict[str, Any]:
    return load_domain()


def test_every_amount_prompt_tells_the_channel_a_number_is_expected() -> None:
    responses = _domain()["responses"]
    for name in (
        "utter_ask_goal_amount",
        "utter_ask_money_amount",
        "utter_ask_withdrawal_amount",
        "utter_ask_mission_reward",
    ):
        customs = [variation.get("custom") for variation in responses[name]]
        assert customs and all(
            custom == {"type": "expected_input", "kind": "number"} for custom in customs
        ), name


def test_the_typed_secret_marker_is_answered_outside_and_inside_every_form() -> None:
    domain = _domain()
    assert "typed_secret" in domain["intents"]
    assert "utter_typed_secret_refused" in domain["responses"]
    answered: set[str | None] = set()
    for path in sorted((REPO / "dialogues").glob("*.yml")):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8")).get("rules") or []:
            steps = rule.get("steps", [])
            if {"intent": "typed_secret"} not in steps:
                continue
            assert {"action": "utter_typed_secret_refused"} in steps, rule["rule"]
            loops = [c["active_loop"] for c in rule.get("condition", []) if "active_loop" in c]
            answered.update(loops or [None])
            for form in loops:
                if form is not None:
                    assert {"action": form} in steps, f"{rule['rule']} continues the form"
    assert answered >= {None, *domain["forms"]}
    # A form's free-text slots must never be filled with the marker.
    for slot in domain["slots"].values():
        for mapping in slot.get("mappings", []):
            if "typed_command" in (mapping.get("not_intent") or []):
                assert "typed_secret" in mapping["not_intent"]


# ---- finding 9: the held chat's filter --------------------------------------------------------

DISGUISED_PINS = [
    "1,2,3,4",
    "12/34",
    "mi clave 9\u200b7\u200b3\u200b1",
    "uno dos tres cuatro",
    "cuatro cinco seis siete ocho nueve",
    "cero ocho seis dos",
    "séis siete ocho nueve",
]


@pytest.mark.parametrize("text", DISGUISED_PINS)
def test_split_and_spelled_out_pins_are_digit_runs(text: str) -> None:
    assert has_secret_digits(text)


@pytest.mark.parametrize(
    "text", ["no me llega el SMS", "tengo 2 hijos", "son las 10 y 30", "uno o dos días"]
)
def test_ordinary_messages_to_an_agent_are_not_mistaken_for_pins(text: str) -> None:
    assert not has_secret_digits(text)


async def test_split_and_spelled_out_pins_in_a_held_chat_are_never_relayed_to_the_agent(
    tmp_path: Path,
) -> None:
    async with assisted_bot(tmp_path) as bot:
        number = open_ticket(bot)
        await agent_says(bot, f"/tomar {number}", "Estado de")
        await bot.wait(CUSTOMER, has_text(f"{AGENT_NAME}, de nuestro equipo, se unió"))
        for text in DISGUISED_PINS:
            before_agent = await count(bot, AGENT)
            _, typed_id = await bot.playground.client.send_text(CUSTOMER, text)
            await bot.wait(AGENT, lambda s, n=before_agent: len(bot_messages(s)) > n)
            customer = await bot.wait(
                CUSTOMER, lambda s, i=typed_id: message_by_id(s, i)["deleted"]
            )
            assert message_by_id(customer, typed_id)["deleted"], text
        agent_chat = await bot.playground.client.chat(AGENT)
        shown = everything_shown(agent_chat)
        for text in DISGUISED_PINS:
            assert text not in shown, f"relayed to the agent: {text!r}"
        lines = bot.bank.transcripts.lines(sender_id=CUSTOMER_KEY)
        assert not any(text in line.text for line in lines for text in DISGUISED_PINS)
        assert bot.rasa.messages == [], "nothing reaches Rasa while the agent holds the chat"


# ---- finding 14: the agent's own secret -------------------------------------------------------


async def test_an_agents_own_pin_is_collected_not_relayed_to_the_customer(
    tmp_path: Path,
) -> None:
    async with assisted_bot(tmp_path) as bot:
        number = open_ticket(bot)
        await agent_says(bot, f"/tomar {number}", "Estado de")
        await bot.wait(CUSTOMER, has_text(f"{AGENT_NAME}, de nuestro equipo, se unió"))
        # Paula is registering herself: her own chat waits for her PIN.
        agent_key = f"tg:{AGENT}"
        chat_state_of(bot.bank).pending_inputs.set(agent_key, "pin")
        bot.rasa.reply_with(reply(text="Clave recibida"))

        _, typed_id = await bot.playground.client.send_text(AGENT, PIN)
        agent_chat = await bot.wait(AGENT, has_text("Clave recibida"))

        assert message_by_id(agent_chat, typed_id)["deleted"]
        await asyncio.sleep(0.5)  # a relay would show up with "typing..." first
        customer_chat = await bot.playground.client.chat(CUSTOMER)
        assert PIN not in everything_shown(customer_chat), "relayed to the customer"
        assert [body["sender"] for body in bot.rasa.received] == [agent_key]
        ref = secret_ref(bot.rasa.messages[-1])
        assert bot.bank.secret_box.take(ref=ref, sender_id=agent_key, kind="pin") == PIN
        lines = bot.bank.transcripts.lines(sender_id=CUSTOMER_KEY)
        assert not any(PIN in line.text for line in lines)

        # A reply that is no secret still reaches the customer while her own prompt waits.
        chat_state_of(bot.bank).pending_inputs.set(agent_key, "pin")
        before = await count(bot, CUSTOMER)
        await bot.playground.client.send_text(AGENT, "Hola María José, ya te ayudo")
        await bot.wait(CUSTOMER, has_text("ya te ayudo", after=before))


@pytest.mark.parametrize("text", DISGUISED_PINS)
def test_split_and_spelled_out_pins_never_reach_the_transcript_agents_read(text: str) -> None:
    stored = redact_chat_text(f"mi clave es {text}")
    assert not has_secret_digits(stored)
    assert text not in stored
