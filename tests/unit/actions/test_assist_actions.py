"""Assisted mode, the customer's side: the offer, the consent, the queue, cancelling and carrying
on after an agent hands back, on the real domain and a real bank on SQLite."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.assist.queue import CancelAgentWait, OfferAgent, OpenTicket
from actions.assist.resume import ResumeAfterAgent
from actions.registration.form import ValidateRegistrationForm
from bank.bootstrap import Bank
from tests.support import mini_family as family

REPO = Path(__file__).resolve().parents[3]
CHAT = "tg:7001"
OTHER_CHAT = "tg:7002"
PAULA = "1005"  # the demo agent
MARIA_CEDULA = "1710034065"  # demo PIN 1234
JORGE_CEDULA = "0928765437"  # locked in the demo data
NEW_INTENTS = ("agent_consent", "agent_decline", "cancel_agent_wait", "resume_after_agent")


def tracker(
    sender: str = CHAT,
    *,
    intent: str = "request_human",
    entities: dict[str, str] | None = None,
    slots: dict[str, Any] | None = None,
    loops: tuple[str, ...] = (),
) -> Tracker:
    """A tracker whose latest message has `intent` (and button entities); `loops` are the forms
    the chat was in before, oldest first."""
    events: list[dict[str, Any]] = [{"event": "active_loop", "name": name} for name in loops]
    events.append({"event": "user", "text": "…", "parse_data": {"intent": {"name": intent}}})
    return Tracker(
        sender_id=sender,
        slots={"agent_reason": None, "agent_resume": None, "requested_slot": None, **(slots or {})},
        latest_message={
            "intent": {"name": intent},
            "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()],
            "text": "…",
        },
        events=events,
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


async def run(
    action: Any, track: Tracker, domain: dict[str, Any]
) -> tuple[list[Any], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, track, domain)
    return events, dispatcher


def responses(dispatcher: CollectingDispatcher) -> list[str]:
    return [m["response"] for m in dispatcher.messages if m.get("response")]


def message(dispatcher: CollectingDispatcher, response: str) -> dict[str, Any]:
    return next(m for m in dispatcher.messages if m.get("response") == response)


def reason_of(payload: str) -> str:
    """The agent_reason a button payload carries. A domain response's payload is a template whose
    braces are doubled (Rasa's escape, scripts/check_responses.py): Rasa sends them single."""
    sent = payload.replace("{{", "{").replace("}}", "}")
    return str(json.loads(sent[sent.index("{") :])["agent_reason"])


async def consent(domain: dict[str, Any], sender: str = CHAT, reason: str = "asked") -> Any:
    """Offer, then tap "Sí, conéctame": the dispatcher of the consent."""
    _, offered = await run(OfferAgent(), tracker(sender, entities={"agent_reason": reason}), domain)
    tap = message(offered, "utter_agent_offer")["buttons"][0]["payload"]
    assert tap.startswith("/agent_consent") and reason_of(tap) == reason
    _, said = await run(
        OpenTicket(),
        tracker(sender, intent="agent_consent", entities={"agent_reason": reason}),
        domain,
    )
    return said


# --- The offer and the consent ----------------------------------------------------------


async def test_the_offer_says_what_the_agent_sees_and_asks_consent(
    bank: Bank, domain: dict[str, Any]
) -> None:
    events, said = await run(OfferAgent(), tracker(), domain)
    assert responses(said) == ["utter_agent_offer"]
    text = domain["responses"]["utter_agent_offer"][0]["text"]
    assert "claves, códigos y contraseñas ocultos" in text and "paso" in text
    assert "1700 123 123" in text, "the call center stays one tap away"
    buttons = message(said, "utter_agent_offer")["buttons"]
    assert [b["title"] for b in buttons] == ["✅ Sí, conéctame", "No, gracias"]
    assert [b["payload"].split("{")[0] for b in buttons] == ["/agent_consent", "/agent_decline"]
    assert all(reason_of(b["payload"]) == "asked" for b in buttons)
    assert all(len(b["payload"].encode()) <= 64 for b in buttons), "Telegram's callback data"
    assert events == [SlotSet("agent_reason", "asked")]
    assert bank.tickets.position(sender_id=CHAT).code == "none", "nothing is queued before consent"


async def test_consent_opens_a_ticket_with_the_reason_and_tells_the_position(
    bank: Bank, domain: dict[str, Any]
) -> None:
    said = await consent(domain, reason="locked")
    assert responses(said) == ["utter_agent_queued"]
    assert message(said, "utter_agent_queued")["position"] == "1"
    status = bank.tickets.position(sender_id=CHAT)
    assert status.code == "waiting"
    assert status.data["reason"] == "locked" and status.data["position"] == 1
    second = await consent(domain, sender=OTHER_CHAT, reason="not_understood")
    assert message(second, "utter_agent_queued")["position"] == "2"
    assert bank.tickets.position(sender_id=OTHER_CHAT).data["reason"] == "not_understood"
    text = domain["responses"]["utter_agent_queued"][0]
    assert "{position}" in text["text"]
    assert text["buttons"] == [{"title": "Cancelar espera", "payload": "/cancel_agent_wait"}]


@pytest.mark.parametrize("reason", ["asked", "not_understood", "locked", "not_my_number"])
async def test_every_reason_reaches_the_ticket(
    bank: Bank, domain: dict[str, Any], reason: str
) -> None:
    await consent(domain, reason=reason)
    assert bank.tickets.position(sender_id=CHAT).data["reason"] == reason


async def test_a_typed_yes_uses_the_reason_of_the_offer(bank: Bank, domain: dict[str, Any]) -> None:
    offer_events, _ = await run(
        OfferAgent(), tracker(entities={"agent_reason": "not_my_number"}), domain
    )
    assert offer_events == [SlotSet("agent_reason", "not_my_number")]
    events, said = await run(
        OpenTicket(), tracker(intent="affirm", slots={"agent_reason": "not_my_number"}), domain
    )
    assert responses(said) == ["utter_agent_queued"]
    assert events == [SlotSet("agent_reason", None)]
    assert bank.tickets.position(sender_id=CHAT).data["reason"] == "not_my_number"


async def test_an_unknown_reason_is_asked(bank: Bank, domain: dict[str, Any]) -> None:
    _, said = await run(OfferAgent(), tracker(entities={"agent_reason": "vip"}), domain)
    assert reason_of(message(said, "utter_agent_offer")["buttons"][0]["payload"]) == "asked"
    await run(
        OpenTicket(), tracker(intent="agent_consent", entities={"agent_reason": "vip"}), domain
    )
    assert bank.tickets.position(sender_id=CHAT).data["reason"] == "asked"


async def test_already_waiting_is_told_the_position_not_offered_again(
    bank: Bank, domain: dict[str, Any]
) -> None:
    bank.tickets.open(sender_id=OTHER_CHAT, reason="asked")
    await consent(domain)
    _, offered = await run(OfferAgent(), tracker(), domain)
    assert responses(offered) == ["utter_agent_already_waiting"]
    assert message(offered, "utter_agent_already_waiting")["position"] == "2"
    _, again = await run(OpenTicket(), tracker(intent="agent_consent"), domain)
    assert responses(again) == ["utter_agent_already_waiting"]
    assert bank.tickets.position(sender_id=CHAT).data["reason"] == "asked", "the first reason"


async def test_with_an_agent_the_customer_is_told_who(bank: Bank, domain: dict[str, Any]) -> None:
    number = bank.tickets.open(sender_id=CHAT, reason="asked").data["ticket"]
    assert bank.assist_desk.take(agent=PAULA, ticket_number=number).code == "taken"
    _, said = await run(OfferAgent(), tracker(), domain)
    assert responses(said) == ["utter_agent_already_with"]
    assert message(said, "utter_agent_already_with")["agent_name"] == "Paula"


async def test_follow_up_gives_the_call_center_and_a_typed_yes_does_not_queue_again(
    bank: Bank, domain: dict[str, Any]
) -> None:
    bank.tickets.open(sender_id=CHAT, reason="asked")
    later = bank.clock.now() + timedelta(minutes=11)
    assert bank.tickets.expire_waiting(now=later).code == "expired"
    _, said = await run(OfferAgent(), tracker(), domain)
    assert responses(said) == ["utter_agent_follow_up"]
    assert message(said, "utter_agent_follow_up")["call_center"] == "1700 123 123"
    _, typed = await run(OpenTicket(), tracker(intent="affirm"), domain)
    assert responses(typed) == ["utter_agent_follow_up"]
    assert bank.tickets.position(sender_id=CHAT).code == "follow_up"


async def test_offer_data_shows_no_identity_or_journey(bank: Bank, domain: dict[str, Any]) -> None:
    bank.registration.start(sender_id=CHAT)
    bank.registration.submit_identity_number(sender_id=CHAT, text=MARIA_CEDULA)
    said = await consent(domain)
    sent = message(said, "utter_agent_queued")
    assert not {"identity_masked", "journey", "step", "ticket", "reason"} & set(sent)


# --- Cancelling -------------------------------------------------------------------------


async def test_cancel_leaves_the_queue(bank: Bank, domain: dict[str, Any]) -> None:
    await consent(domain)
    events, said = await run(CancelAgentWait(), tracker(intent="cancel_agent_wait"), domain)
    assert responses(said) == ["utter_agent_wait_cancelled"]
    assert events == [SlotSet("agent_reason", None)]
    assert bank.tickets.position(sender_id=CHAT).code == "none"
    _, twice = await run(CancelAgentWait(), tracker(intent="cancel_agent_wait"), domain)
    assert responses(twice) == ["utter_agent_no_wait"]
    _, typed = await run(CancelAgentWait(), tracker(intent="cancel"), domain)
    assert responses(typed) == ["utter_nothing_to_cancel"], "a plain cancelar with nothing open"


async def test_a_typed_cancel_outside_a_journey_leaves_the_queue(
    bank: Bank, domain: dict[str, Any]
) -> None:
    await consent(domain)
    _, said = await run(CancelAgentWait(), tracker(intent="cancel"), domain)
    assert responses(said) == ["utter_agent_wait_cancelled"]


# --- After the agent hands back -----------------------------------------------------------


async def test_resume_with_an_active_journey_runs_its_form(
    bank: Bank, domain: dict[str, Any]
) -> None:
    bank.registration.start(sender_id=CHAT)
    events, said = await run(ResumeAfterAgent(), tracker(intent="resume_after_agent"), domain)
    assert responses(said) == ["utter_resume_after_agent"]
    assert events == [SlotSet("agent_resume", "registration_form")]


async def test_resume_continues_at_the_step_the_agent_took_the_journey_back_to(
    bank: Bank, domain: dict[str, Any]
) -> None:
    registration = bank.registration
    registration.start(sender_id=CHAT)
    assert registration.submit_identity_number(sender_id=CHAT, text=MARIA_CEDULA).code == "ok"
    assert registration.submit_pin(sender_id=CHAT, pin="1234").code == "ok"
    assert registration.current_step(sender_id=CHAT) == "contact_confirmation"
    await consent(domain)
    number = bank.tickets.position(sender_id=CHAT).data["ticket"]
    assert bank.assist_desk.take(agent=PAULA, ticket_number=number).code == "taken"
    back = bank.assist_desk.hand_back(agent=PAULA, step="identity_number")
    assert back.code == "handed_back", back
    events, _ = await run(
        ResumeAfterAgent(),
        tracker(intent="resume_after_agent", loops=("mini_sign_in_form",)),
        domain,
    )
    assert events == [SlotSet("agent_resume", "registration_form")]
    asked = await ValidateRegistrationForm().required_slots(
        [], CollectingDispatcher(), tracker(intent="resume_after_agent"), domain
    )
    assert asked == ["id_number"]


async def test_resume_prefers_the_form_the_chat_was_in_last(
    bank: Bank, domain: dict[str, Any]
) -> None:
    bank.registration.start(sender_id=CHAT)
    bank.mini_registration.start(sender_id=CHAT)
    events, _ = await run(
        ResumeAfterAgent(),
        tracker(intent="resume_after_agent", loops=("registration_form", "mini_registration_form")),
        domain,
    )
    assert events == [SlotSet("agent_resume", "mini_registration_form")]


async def test_resume_after_a_lock_offers_to_start_again(
    bank: Bank, domain: dict[str, Any]
) -> None:
    bank.registration.start(sender_id=CHAT)
    locked = bank.registration.submit_identity_number(sender_id=CHAT, text=JORGE_CEDULA)
    assert locked.code in {"locked", "locked_held"}, locked
    events, said = await run(
        ResumeAfterAgent(),
        tracker(intent="resume_after_agent", loops=("registration_form",)),
        domain,
    )
    assert responses(said) == ["utter_resume_registration_again"]
    assert events == [SlotSet("agent_resume", None)]
    buttons = domain["responses"]["utter_resume_registration_again"][0]["buttons"]
    assert buttons[0]["payload"] == "/start_registration"


async def test_resume_with_nothing_active_shows_the_menu(
    bank: Bank, domain: dict[str, Any]
) -> None:
    events, said = await run(ResumeAfterAgent(), tracker(intent="resume_after_agent"), domain)
    assert responses(said) == ["utter_resume_after_agent_menu", "utter_main_menu"]
    assert events == [SlotSet("agent_resume", None)]


async def test_resume_for_a_signed_in_child_shows_her_menu(
    bank: Bank, domain: dict[str, Any]
) -> None:
    family.sign_in_andrea(bank, chat=CHAT)
    events, said = await run(ResumeAfterAgent(), tracker(intent="resume_after_agent"), domain)
    assert responses(said) == ["utter_resume_after_agent_menu", "utter_mini_child_menu"]
    assert events == [SlotSet("agent_resume", None)]


# --- The domain -----------------------------------------------------------------------------


def test_every_response_the_assist_actions_use_exists(domain: dict[str, Any]) -> None:
    names: set[str] = set()
    for path in (REPO / "actions" / "assist").glob("*.py"):
        names |= set(re.findall(r"\"(utter_[a-z_]+)\"", path.read_text(encoding="utf-8")))
    names |= {"utter_button_agent_consent", "utter_button_agent_decline"}
    assert names, "the scan found the responses"
    missing = sorted(name for name in names if name not in domain["responses"])
    assert missing == []


def test_agent_slots_and_actions_are_in_the_domain(domain: dict[str, Any]) -> None:
    assert set(NEW_INTENTS) <= set(domain["intents"])
    assert "agent_reason" in domain["entities"]
    assert domain["slots"]["agent_resume"]["values"] == [
        "registration_form",
        "mini_registration_form",
        "parent_mini_form",
        "mini_sign_in_form",
    ]
    assert {
        "action_offer_agent",
        "action_open_ticket",
        "action_cancel_agent_wait",
        "action_resume_after_agent",
    } <= set(domain["actions"])


@pytest.mark.parametrize(
    ("response", "reason"),
    [
        ("utter_identity_locked", "locked"),
        ("utter_identity_locked_held", "locked"),
        ("utter_otp_attempts_exhausted", "locked"),
        ("utter_mini_sign_in_locked", "locked"),
        ("utter_parent_sign_in_locked", "locked"),
        ("utter_wrong_contact_info", "not_my_number"),
        ("utter_not_understood_offer_agent", "not_understood"),
    ],
)
def test_locks_wrong_number_and_misses_offer_an_agent_with_their_reason(
    domain: dict[str, Any], response: str, reason: str
) -> None:
    buttons = domain["responses"][response][0]["buttons"]
    agent = [b for b in buttons if b["payload"].startswith("/request_human")]
    assert [b["title"] for b in agent] == ["🙋 Hablar con un asesor"]
    assert reason_of(agent[0]["payload"]) == reason


def test_a_tapped_assist_button_is_never_a_free_text_answer(domain: dict[str, Any]) -> None:
    lists = [
        mapping["not_intent"]
        for slot in domain["slots"].values()
        for mapping in slot.get("mappings", [])
        if mapping.get("type") == "from_text"
    ]
    assert lists
    for not_intent in lists:
        assert {"request_human", *NEW_INTENTS} <= set(not_intent)
