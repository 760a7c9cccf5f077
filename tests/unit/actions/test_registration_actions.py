"""Registration actions with trackers built in code, the real domain and a real bank on SQLite."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.registration import outcomes
from actions.registration.form import ValidateRegistrationForm
from actions.registration.lifecycle import (
    CancelRegistration,
    FinishRegistration,
    RegistrationGoBack,
    StartRegistration,
)
from actions.registration.prompts import AskContactDecision, AskSecurityImage, AskTokenCode
from actions.registration.steps import FORM_SLOTS, SLOT_FOR_STEP
from bank.bootstrap import Bank
from bank.outbox import read_outbox
from bank.registration import Step

REPO = Path(__file__).resolve().parents[3]
SENDER = "test:maria"


def tracker_with(slot: str | None, value: Any, *, requested: str | None = None) -> Tracker:
    """A tracker in the form, where the user's last message filled `slot` with `value`."""
    events: list[dict[str, Any]] = [
        {"event": "active_loop", "name": "registration_form"},
        {"event": "user", "text": "…", "parse_data": {"intent": {"name": "inform"}}},
    ]
    slots: dict[str, Any] = {name: None for name in FORM_SLOTS}
    slots["requested_slot"] = requested or slot
    if slot is not None:
        events.append(SlotSet(slot, value))
        slots[slot] = value
    return Tracker(
        sender_id=SENDER,
        slots=slots,
        latest_message={"intent": {"name": "inform"}, "entities": [], "text": "…"},
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": "registration_form"},
        latest_action_name="action_listen",
    )


async def answer(
    domain: dict[str, Any], slot: str | None, value: Any
) -> tuple[list[dict[str, Any]], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = await ValidateRegistrationForm().run(dispatcher, tracker_with(slot, value), domain)
    return events, dispatcher


def responses(dispatcher: CollectingDispatcher) -> list[str]:
    return [m["response"] for m in dispatcher.messages if m.get("response")]


def requested(events: list[dict[str, Any]]) -> Any:
    return next(e["value"] for e in reversed(events) if e.get("name") == "requested_slot")


def step(bank: Bank) -> Step | None:
    return bank.registration.current_step(sender_id=SENDER)


async def start(domain: dict[str, Any]) -> None:
    await StartRegistration().run(CollectingDispatcher(), tracker_with(None, None), domain)


async def test_form_asks_only_the_slot_of_the_banks_step(bank: Bank, domain: dict) -> None:
    await start(domain)
    events, _ = await answer(domain, None, None)
    assert requested(events) == "id_number"
    events, dispatcher = await answer(domain, "id_number", "171003406-5")
    assert step(bank) == Step.PIN
    assert requested(events) == "pin_ref"
    assert SlotSet("id_number", None) in events, "the answer must not stay in the slot"
    assert responses(dispatcher) == []


async def test_invalid_identity_is_explained_and_asked_again(bank: Bank, domain: dict) -> None:
    await start(domain)
    events, dispatcher = await answer(domain, "id_number", "1710034066")
    assert responses(dispatcher) == ["utter_invalid_id_number_check_digit"]
    assert requested(events) == "id_number"
    assert step(bank) == Step.IDENTITY_NUMBER


async def test_pin_is_read_from_the_secret_box_once(bank: Bank, domain: dict) -> None:
    await start(domain)
    await answer(domain, "id_number", "1710034065")
    ref = bank.secret_box.put(sender_id=SENDER, kind="pin", value="1234")
    events, _ = await answer(domain, "pin_ref", ref)
    assert step(bank) == Step.CONTACT_CONFIRMATION
    assert requested(events) == "contact_decision"
    assert bank.secret_box.take(ref=ref, sender_id=SENDER, kind="pin") is None


async def test_a_reference_from_another_chat_is_useless(bank: Bank, domain: dict) -> None:
    await start(domain)
    await answer(domain, "id_number", "1710034065")
    stolen = bank.secret_box.put(sender_id="test:attacker", kind="pin", value="1234")
    events, dispatcher = await answer(domain, "pin_ref", stolen)
    assert responses(dispatcher) == ["utter_secret_expired"]
    assert step(bank) == Step.PIN
    assert requested(events) == "pin_ref"


async def test_wrong_pin_gets_the_shared_reply_with_attempts(bank: Bank, domain: dict) -> None:
    await start(domain)
    await answer(domain, "id_number", "1710034065")
    ref = bank.secret_box.put(sender_id=SENDER, kind="pin", value="9999")
    _, dispatcher = await answer(domain, "pin_ref", ref)
    assert responses(dispatcher) == ["utter_wrong_credentials"]
    attempts = dispatcher.messages[0]
    assert attempts["attempts_left"] == "2"


async def test_contact_data_prompt_shows_masked_data(bank: Bank, domain: dict) -> None:
    await start(domain)
    await answer(domain, "id_number", "1710034065")
    await answer(domain, "pin_ref", bank.secret_box.put(sender_id=SENDER, kind="pin", value="1234"))
    dispatcher = CollectingDispatcher()
    await AskContactDecision().run(dispatcher, tracker_with(None, None), domain)
    message = dispatcher.messages[0]
    assert message["response"] == "utter_contact_data"
    assert "0991234567" not in message["mobile_masked"]
    assert message["mobile_masked"].endswith("67")


async def test_otp_resend_and_entry(bank: Bank, domain: dict) -> None:
    await start(domain)
    await answer(domain, "id_number", "1710034065")
    await answer(domain, "pin_ref", bank.secret_box.put(sender_id=SENDER, kind="pin", value="1234"))
    events, dispatcher = await answer(domain, "contact_decision", "generate")
    assert responses(dispatcher) == ["utter_otp_sent"]
    assert requested(events) == "otp_ref"
    _, dispatcher = await answer(domain, "otp_ref", "resend")
    assert responses(dispatcher) == ["utter_otp_too_soon"], "a resend within 60 s is refused"
    sms = read_outbox(bank.sessions, to="0991234567")[-1].body
    code = re.search(r"\b(\d{6})\b", sms)
    assert code is not None
    ref = bank.secret_box.put(sender_id=SENDER, kind="otp", value=code.group(1))
    events, dispatcher = await answer(domain, "otp_ref", ref)
    assert responses(dispatcher) == ["utter_otp_verified"]
    assert requested(events) == "username"


async def test_stale_answer_for_another_step_is_cleared(bank: Bank, domain: dict) -> None:
    await start(domain)
    # The journey is at identity_number, but a username arrives (e.g. after an idle restart).
    events, _ = await answer(domain, "username", "mjandrade2024")
    assert SlotSet("username", None) in events
    assert step(bank) == Step.IDENTITY_NUMBER


async def test_go_back_and_cancel(bank: Bank, domain: dict) -> None:
    await start(domain)
    await answer(domain, "id_number", "1710034065")
    dispatcher = CollectingDispatcher()
    await RegistrationGoBack().run(dispatcher, tracker_with(None, None), domain)
    assert responses(dispatcher) == ["utter_went_back"]
    assert step(bank) == Step.IDENTITY_NUMBER
    dispatcher = CollectingDispatcher()
    events = await CancelRegistration().run(dispatcher, tracker_with(None, None), domain)
    assert responses(dispatcher) == ["utter_registration_cancelled"]
    assert {"event": "active_loop", "name": None, "timestamp": None} in events
    assert step(bank) is None or step(bank) == Step.CANCELLED


async def test_security_image_keyboard_payload(bank: Bank, domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    await AskSecurityImage().run(dispatcher, tracker_with(None, None), domain)
    keyboard = dispatcher.messages[1]["custom"]
    assert keyboard["type"] == "image_keyboard"
    assert len(keyboard["options"]) >= 9
    assert keyboard["payload_template"] % "sec_condor" == '/inform{"image_id": "sec_condor"}'


async def test_token_qr_travels_only_as_a_reference(bank: Bank, domain: dict) -> None:
    journey_to_token_code(bank)
    dispatcher = CollectingDispatcher()
    await AskTokenCode().run(dispatcher, tracker_with(None, None), domain)
    qr = next(m["custom"] for m in dispatcher.messages if m["custom"].get("type") == "qr")
    assert "otpauth" not in str(dispatcher.messages)
    uri = bank.secret_box.take(ref=qr["ref"], sender_id=SENDER, kind="qr")
    assert uri is not None and uri.startswith("otpauth://totp/")


async def test_finish_creates_the_user_and_sends_the_email(bank: Bank, domain: dict) -> None:
    registration = journey_to_token_code(bank)
    registration.go_back(sender_id=SENDER)  # back to token_activation
    registration.submit_token_activation(sender_id=SENDER, now=False)
    assert step(bank) == Step.FINISH
    dispatcher = CollectingDispatcher()
    await FinishRegistration().run(dispatcher, tracker_with(None, None), domain)
    assert responses(dispatcher) == [
        "utter_registration_completed",
        "utter_registration_completed_token_pending",
    ]
    assert dispatcher.messages[0]["username"] == "mjandrade2024"
    mails = read_outbox(bank.sessions, to="maria.andrade@example.com")
    assert mails, "a confirmation e-mail is in the outbox"


def journey_to_token_code(bank: Bank) -> Any:
    """Drive the bank directly (not the actions) to the token_code step."""
    registration = bank.registration
    registration.start(sender_id=SENDER)
    registration.submit_identity_number(sender_id=SENDER, text="1710034065")
    registration.submit_pin(sender_id=SENDER, pin="1234")
    registration.request_otp(sender_id=SENDER)
    sms = read_outbox(bank.sessions, to="0991234567")[-1].body
    code = re.search(r"\b(\d{6})\b", sms)
    assert code is not None
    assert registration.submit_otp(sender_id=SENDER, code=code.group(1)).code == "ok"
    registration.submit_username(sender_id=SENDER, text="mjandrade2024")
    registration.submit_username_confirmation(sender_id=SENDER, text="mjandrade2024")
    registration.submit_password(sender_id=SENDER, password="Centinela7Qx9")
    registration.submit_password_confirmation(sender_id=SENDER, password="Centinela7Qx9")
    registration.submit_security_image(sender_id=SENDER, image_id="sec_condor")
    registration.submit_home_phone(sender_id=SENDER, text="02 234 5678")
    registration.submit_work_phone(sender_id=SENDER, text=None)
    for question in ("first_name", "mother_surname", "father_surname"):
        registration.submit_challenge_answer(sender_id=SENDER, question=question, answer="Ana")
    registration.submit_terms(sender_id=SENDER, accepted=True)
    registration.submit_smart_device(sender_id=SENDER, has_device=True)
    registration.submit_second_factor(sender_id=SENDER, choice="token")
    registration.submit_token_activation(sender_id=SENDER, now=True)
    assert step(bank) == Step.TOKEN_CODE
    return registration


def test_every_step_has_a_form_slot_and_every_slot_is_in_the_domain(domain: dict) -> None:
    bank_steps = {member.value for member in Step}
    assert set(SLOT_FOR_STEP) <= bank_steps
    asked_steps = bank_steps - {"finish", "completed", "ended", "cancelled"}
    assert asked_steps == set(SLOT_FOR_STEP), "a bank step without a form slot would end the form"
    form_slots = domain["forms"]["registration_form"]["required_slots"]
    assert set(FORM_SLOTS) == set(form_slots)
    assert set(FORM_SLOTS) <= set(domain["slots"])


def test_every_response_the_actions_send_exists_in_the_domain(domain: dict) -> None:
    names = set()
    for path in (REPO / "actions").rglob("*.py"):
        names |= set(re.findall(r'"(utter_[a-z_]+)"', path.read_text()))
    reasons = {
        "id_number": ["empty", "not_digits", "length", "check_digit"],
        "username": ["too_short", "too_long", "bad_chars", "is_identity"],
        "password": [
            "too_short",
            "too_long",
            "not_alphanumeric",
            "needs_letter_and_digit",
            "contains_username",
            "contains_identity",
            "common",
        ],
        "pin": ["pin_format"],
        "otp": ["otp_format"],
        "phone": ["phone_format"],
        "answer": ["answer_format"],
        "security_image": ["unknown_image"],
    }
    for field, field_reasons in reasons.items():
        names |= {outcomes.invalid_response(field, reason) for reason in field_reasons}
    missing = sorted(name for name in names if name not in domain["responses"])
    assert missing == []


def test_every_form_slot_has_exactly_one_way_to_the_bank() -> None:
    from actions.registration.submissions import CHOICES, SUBMISSIONS

    assert set(SUBMISSIONS).isdisjoint(CHOICES)
    assert set(SUBMISSIONS) | set(CHOICES) == set(FORM_SLOTS)


async def test_starting_again_resumes_the_active_journey(bank: Bank, domain: dict) -> None:
    first = CollectingDispatcher()
    events = await StartRegistration().run(first, tracker_with(None, None), domain)
    assert responses(first) == ["utter_registration_started"]
    assert all(e["value"] is None for e in events if e.get("event") == "slot")
    await answer(domain, "id_number", "1710034065")
    again = CollectingDispatcher()
    await StartRegistration().run(again, tracker_with(None, None), domain)
    assert responses(again) == ["utter_registration_resumed"]
    assert step(bank) == Step.PIN, "resuming keeps the step"


async def test_home_phone_prompt_shows_the_masked_email_first(bank: Bank, domain: dict) -> None:
    from actions.registration.prompts import AskHomePhone

    journey_to_token_code(bank)
    dispatcher = CollectingDispatcher()
    await AskHomePhone().run(dispatcher, tracker_with(None, None), domain)
    assert responses(dispatcher) == ["utter_email_on_file", "utter_ask_home_phone"]
    masked = dispatcher.messages[0]["email_masked"]
    assert masked.endswith("@example.com") and "maria.andrade" not in masked
