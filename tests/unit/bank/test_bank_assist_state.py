"""What an agent sees of a customer: journeys, steps, locks, SMS-code counters, user or not, and
never a secret (a customer mid-journey with known sentinel secrets proves it)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from bank_helpers import (
    ANSWERS,
    CARLOS_CEDULA,
    JORGE_CEDULA,
    MARIA_CEDULA,
    MARIA_MOBILE,
    PASSWORD,
    expect,
    latest_sms_code,
    to_otp,
    unknown_cedula,
)
from mini_journey_helpers import PICTURES, new_code
from sqlalchemy import select
from test_bank_assist_tickets import PAULA, audit_rows, claim_notices, expect_code

from bank.bootstrap import Bank
from bank.clock import FixedClock
from bank.db import unit_of_work
from bank.demo import ANDREA, CARLOS_PASSWORD, CARLOS_USERNAME
from bank.models import PERSON, Customer, Journey, OtpChallenge
from bank.registration import Step

SENTINEL_PIN = "8642"
SENTINEL_MOBILE = "+593991112233"
CHAT = "tg:6001"


def _sentinel_customer(bank: Bank) -> str:
    cedula = unknown_cedula("171111111")
    with unit_of_work(bank.sessions) as session:
        session.add(
            Customer(
                kind=PERSON,
                id_number=cedula,
                full_name="Sentinela Prueba Uno",
                email="sentinela@example.com",
                mobile=SENTINEL_MOBILE,
                pin_hash=bank.hasher.hash(SENTINEL_PIN),
            )
        )
    return cedula


def _to_token_code(bank: Bank, chat: str, cedula: str) -> dict[str, str]:
    """Every secret of the registration typed, up to the Token digital's first code."""
    reg = bank.registration
    reg.start(sender_id=chat)
    expect(reg.submit_identity_number(sender_id=chat, text=cedula), "ok")
    expect(reg.submit_pin(sender_id=chat, pin=SENTINEL_PIN), "ok")
    expect(reg.request_otp(sender_id=chat), "sent")
    otp_code = latest_sms_code(bank, SENTINEL_MOBILE)
    expect(reg.submit_otp(sender_id=chat, code=otp_code), "ok")
    expect(reg.submit_username(sender_id=chat, text="Sentinela2026"), "ok")
    expect(reg.submit_username_confirmation(sender_id=chat, text="Sentinela2026"), "ok")
    expect(reg.submit_password(sender_id=chat, password=PASSWORD), "ok")
    expect(reg.submit_password_confirmation(sender_id=chat, password=PASSWORD), "ok")
    expect(reg.submit_security_image(sender_id=chat, image_id="sec_condor"), "ok")
    expect(reg.submit_home_phone(sender_id=chat, text=None), "ok")
    expect(reg.submit_work_phone(sender_id=chat, text=None), "ok")
    for question, answer in ANSWERS.items():
        expect(reg.submit_challenge_answer(sender_id=chat, question=question, answer=answer), "ok")
    expect(reg.submit_terms(sender_id=chat, accepted=True), "ok")
    expect(reg.submit_smart_device(sender_id=chat, has_device=True), "ok")
    expect(reg.submit_second_factor(sender_id=chat, choice="token"), "ok")
    expect(reg.submit_token_activation(sender_id=chat, now=True), "ok", Step.TOKEN_CODE)
    uri = reg.token_provisioning_uri(sender_id=chat)
    totp_secret = parse_qs(urlparse(uri).query)["secret"][0]
    with unit_of_work(bank.sessions) as session:
        journey = session.scalar(select(Journey).where(Journey.sender_id == chat))
        assert journey is not None
        sealed = str(journey.data["token_secret_encrypted"])
        password_hash = str(journey.data["password_hash"])
        code_hashes = list(session.scalars(select(OtpChallenge.code_hash)))
    return {
        "otp": otp_code,
        "totp_secret": totp_secret,
        "totp_sealed": sealed,
        "password_hash": password_hash,
        **{f"otp_hash_{i}": h for i, h in enumerate(code_hashes)},
    }


def test_nothing_secret_reaches_an_agent(bank: Bank) -> None:
    cedula = _sentinel_customer(bank)
    secrets = _to_token_code(bank, CHAT, cedula)
    secrets.update(pin=SENTINEL_PIN, password=PASSWORD, cedula=cedula, **ANSWERS)
    box_ref = bank.secret_box.put(sender_id=CHAT, kind="password", value="CajaSecreta99x")
    secrets["secret_box"] = "CajaSecreta99x"
    # A child's registration in another chat: an activation code and a picture password.
    reg_mini = bank.mini_registration
    reg_mini.start(sender_id="tg:6002")
    reg_mini.submit_cedula(sender_id="tg:6002", text=ANDREA.cedula)
    activation = new_code(bank, ANDREA.cedula)
    expect(reg_mini.submit_activation_code(sender_id="tg:6002", code=activation), "ok")
    reg_mini.submit_avatar(sender_id="tg:6002", avatar_id="avatar_fox")
    reg_mini.submit_username(sender_id="tg:6002", text="andreita2015")
    reg_mini.submit_picture_password(sender_id="tg:6002", picture_ids=PICTURES)
    secrets["activation_code"] = activation
    # The channel's transcript: the secrets typed as secrets, and one typed by mistake.
    bank.transcripts.append(sender_id=CHAT, role="cliente", text=SENTINEL_PIN, secret=True)
    bank.transcripts.append(sender_id=CHAT, role="cliente", text=f"mi clave es {PASSWORD}")
    bank.transcripts.append(sender_id=CHAT, role="cliente", text=f"el código {secrets['otp']}")
    bank.transcripts.append(sender_id=CHAT, role="cliente", text=f"{ANSWERS['first_name']}1")

    desk, phone, tickets = bank.assist_desk, bank.assist_phone, bank.tickets
    number = tickets.open(sender_id=CHAT, reason="asked").data["ticket"]
    child_ticket = tickets.open(sender_id="tg:6002", reason="asked").data["ticket"]
    seen = [
        tickets.position(sender_id=CHAT),
        desk.queue(agent=PAULA),
        desk.take(agent=PAULA, ticket_number=number),
        desk.state_for_agent(agent=PAULA),
        desk.transcript(agent=PAULA),
        desk.current_ticket(agent=PAULA),
        desk.take(agent=PAULA, ticket_number=child_ticket),
        desk.state_for_agent(agent=PAULA),
        desk.transcript(agent=PAULA),
        phone.lookup(agent=PAULA, cedula_or_ruc=cedula),
        phone.lookup(agent=PAULA, cedula_or_ruc=ANDREA.cedula),
        phone.lookup(agent=PAULA, cedula_or_ruc=CARLOS_CEDULA),
        desk.hand_back(agent=PAULA),
        desk.close(agent=PAULA),
    ]
    assert [o.code for o in seen] == [
        "waiting",
        "ok",
        "taken",
        "ok",
        "ok",
        "ok",
        "taken",
        "ok",
        "ok",
        "found",
        "found",
        "found",
        "handed_back",
        "closed",
    ]
    assert len(seen[4].data["lines"]) == 4
    everything = repr(seen) + repr(claim_notices(bank))
    everything += repr([(r.actor, r.subject, r.details) for r in audit_rows(bank)])
    for name, value in secrets.items():
        assert value not in everything, name
    for leak in ("$argon2", "pic_", box_ref, "sec_condor"):
        assert leak not in everything, leak
    state = seen[3].data
    assert state["journeys"][0]["step"] == "token_code"
    assert state["identity_masked"] == f"{cedula[:2]}******{cedula[-2:]}"
    assert state["identity_verified"] is True


def test_the_state_of_a_customer_waiting_for_the_sms_code(bank: Bank, clock: FixedClock) -> None:
    to_otp(bank, CHAT)
    clock.advance(seconds=30)
    wrong = "000000" if latest_sms_code(bank) != "000000" else "111111"
    expect(bank.registration.submit_otp(sender_id=CHAT, code=wrong), "wrong")
    number = bank.tickets.open(sender_id=CHAT, reason="not_my_number").data["ticket"]
    expect_code(bank.assist_desk.take(agent=PAULA, ticket_number=number), "taken")
    state = expect_code(bank.assist_desk.state_for_agent(agent=PAULA), "ok").data
    assert state == {
        "ticket": number,
        "identity_masked": "17******65",
        "identity_verified": True,
        "known_customer": True,
        "has_user": False,
        "journeys": [
            {
                "journey": "registration",
                "step": "otp",
                "active": True,
                "idle_minutes": 0,
                "expired": False,
                "same_chat": True,
                "can_return_to": ["contact_confirmation", "identity_number"],
            }
        ],
        "lock": {"state": "open", "minutes": 0, "until": "", "failures": 0, "attempts_left": 3},
        "sign_in_lock": {"state": "open", "minutes": 0, "until": ""},
        "otp": {
            "code_active": True,
            "attempts_left": 4,
            "expires_at": "2026-01-15T12:05:00",
            "expires_in_seconds": 270,
            "codes_left": 2,
            "blocked_minutes": 0,
        },
    }
    clock.advance(minutes=11)
    state = bank.assist_desk.state_for_agent(agent=PAULA).data
    assert state["journeys"][0]["expired"] is True
    assert state["otp"]["code_active"] is False and state["otp"]["expires_in_seconds"] == 0


def test_the_same_customer_in_another_chat_is_shown_too(bank: Bank) -> None:
    to_otp(bank, "tg:other")
    found = expect_code(bank.assist_phone.lookup(agent=PAULA, cedula_or_ruc=MARIA_CEDULA), "found")
    assert [(j["journey"], j["step"], j["same_chat"]) for j in found.data["journeys"]] == [
        ("registration", "otp", False)
    ]
    assert found.data["journeys"][0]["can_return_to"] == []
    number = bank.tickets.open(sender_id=CHAT, reason="asked").data["ticket"]
    bank.assist_desk.take(agent=PAULA, ticket_number=number)
    # The ticket's chat has no journey and no identity: nothing of María is shown.
    assert bank.assist_desk.state_for_agent(agent=PAULA).data["journeys"] == []


def test_locks_held_for_an_agent_and_a_users_sign_in_lock(bank: Bank) -> None:
    jorge = expect_code(bank.assist_phone.lookup(agent=PAULA, cedula_or_ruc=JORGE_CEDULA), "found")
    assert jorge.data["lock"]["state"] == "held"
    for _ in range(5):
        bank.parent_sign_in.sign_in(sender_id="tg:c", username=CARLOS_USERNAME, password="mal")
    carlos = bank.assist_phone.lookup(agent=PAULA, cedula_or_ruc=CARLOS_CEDULA).data
    assert carlos["has_user"] is True
    assert carlos["sign_in_lock"] == {
        "state": "locked",
        "minutes": 30,
        "until": "2026-01-15T12:30:00",
    }
    assert carlos["lock"]["state"] == "open"


def test_a_signed_in_parent_and_a_child(bank: Bank) -> None:
    parent = bank.parent_mini
    parent.start(sender_id="tg:p")
    parent.submit_username(sender_id="tg:p", text=CARLOS_USERNAME)
    parent.submit_password(sender_id="tg:p", password=CARLOS_PASSWORD)
    number = bank.tickets.open(sender_id="tg:p", reason="asked").data
    assert (number["journey"], number["step"], number["identity_masked"]) == (
        "mini_parent",
        "child",
        "09******75",
    )
    carlos = bank.assist_phone.lookup(agent=PAULA, cedula_or_ruc=CARLOS_CEDULA).data
    assert [(j["journey"], j["step"]) for j in carlos["journeys"]] == [("mini_parent", "child")]
    reg = bank.mini_registration
    reg.start(sender_id="tg:k")
    reg.submit_cedula(sender_id="tg:k", text=ANDREA.cedula)
    child = expect_code(bank.assist_phone.lookup(agent=PAULA, cedula_or_ruc=ANDREA.cedula), "found")
    assert [(j["journey"], j["step"]) for j in child.data["journeys"]] == [
        ("mini_registration", "activation_code")
    ]
    assert child.data["identity_masked"] == "17******53" and child.data["has_user"] is False
    opened = bank.tickets.open(sender_id="tg:k", reason="asked").data
    assert (opened["journey"], opened["identity_masked"]) == ("mini_registration", "17******53")


@pytest.mark.parametrize("text", ["", "12", "1710034066", "abc"])
def test_a_malformed_number_is_refused(bank: Bank, text: str) -> None:
    expect_code(bank.assist_phone.lookup(agent=PAULA, cedula_or_ruc=text), "invalid_identity")


def test_an_unknown_number_still_shows_its_locks(bank: Bank) -> None:
    stranger = unknown_cedula()
    reg = bank.registration
    for _ in range(3):
        reg.start(sender_id="tg:s")
        reg.submit_identity_number(sender_id="tg:s", text=stranger)
        reg.submit_pin(sender_id="tg:s", pin="1111")
    unknown = expect_code(bank.assist_phone.lookup(agent=PAULA, cedula_or_ruc=stranger), "unknown")
    assert unknown.data["lock"]["state"] == "locked"
    assert unknown.data["known_customer"] is False
    assert MARIA_MOBILE not in repr(unknown)
