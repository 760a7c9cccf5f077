"""The ticket queue: open, position, cancel, take (and the race for it), switch, reply, note,
hand back (also to an earlier step), close, and tickets nobody took in time.

The drivers at the top are shared with the other assisted-mode tests.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from bank_helpers import (
    MARIA_CEDULA,
    PASSWORD,
    changed_settings,
    cheap_settings,
    expect,
    to_otp,
    to_pin,
    to_username,
)
from mini_journey_helpers import PICTURES, registration_to_avatar
from sqlalchemy import select

from bank.assist.outcome import AssistCode
from bank.bootstrap import Bank, build_bank
from bank.clock import FixedClock
from bank.db import unit_of_work
from bank.models import AssistNote, AuditEntry, Base, Journey, OtpChallenge
from bank.outcome import Outcome
from bank.registration import Step
from bank.settings import SettingsError

PAULA = "1005"  # seeded by the demo data
LAURA = "1006"
CHAT = "tg:5001"


def add_laura(bank: Bank) -> None:
    """A second agent."""
    assert bank.agents.add(telegram_user_id=LAURA, display_name="Laura").code == "added"


def expect_code(outcome: Outcome, code: str) -> Outcome:
    """Assert the outcome's code, showing the whole outcome when it differs."""
    assert outcome.code == code, outcome
    return outcome


def claim_notices(bank: Bank) -> list[tuple[str, str, dict[str, Any]]]:
    """Every pending notice as (chat, kind, data), marked delivered."""
    claimed = bank.notifications.claim(limit=100)
    for notice in claimed:
        bank.notifications.delivered(notice.id)
    return [(n.sender_id, n.kind, dict(n.data)) for n in claimed]


def audit_rows(bank: Bank, prefix: str = "assist.") -> list[AuditEntry]:
    """Audit rows whose action starts with `prefix`, oldest first."""
    with unit_of_work(bank.sessions) as session:
        return list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.action.startswith(prefix))
                .order_by(AuditEntry.id)
            )
        )


def race(count: int, action: Callable[[int], str]) -> list[str]:
    """Run `action(i)` in `count` threads released at once; their results."""
    barrier = threading.Barrier(count)
    results: list[str] = []
    errors: list[BaseException] = []

    def run(index: int) -> None:
        barrier.wait()
        try:
            results.append(action(index))
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


def held_by_paula(bank: Bank, chat: str = CHAT, reason: str = "asked") -> int:
    """Open a ticket in `chat` and let Paula take it; its number."""
    number = int(
        expect_code(bank.tickets.open(sender_id=chat, reason=reason), "opened").data["ticket"]
    )
    expect_code(bank.assist_desk.take(agent=PAULA, ticket_number=number), "taken")
    return number


# Opening, position, cancel -----------------------------------------------------------------


def test_open_records_reason_journey_step_and_masked_identity(bank: Bank) -> None:
    to_pin(bank, CHAT)
    opened = expect_code(bank.tickets.open(sender_id=CHAT, reason="not_understood"), "opened")
    assert opened.data["position"] == 1
    assert opened.data["reason"] == "not_understood"
    assert (opened.data["journey"], opened.data["step"]) == ("registration", "pin")
    assert opened.data["identity_masked"] == "17******65"
    assert MARIA_CEDULA not in repr(opened)


def test_a_chat_without_a_journey_gets_a_ticket_too(bank: Bank) -> None:
    opened = expect_code(bank.tickets.open(sender_id=CHAT, reason="asked"), "opened")
    assert (opened.data["journey"], opened.data["step"], opened.data["identity_masked"]) == (
        "",
        "",
        "",
    )


def test_a_bad_reason_is_refused(bank: Bank) -> None:
    refused = expect_code(bank.tickets.open(sender_id=CHAT, reason="bored"), "invalid_reason")
    assert refused.data["allowed"] == ["asked", "locked", "not_my_number", "not_understood"]
    expect_code(bank.tickets.position(sender_id=CHAT), "none")


def test_one_open_ticket_per_chat_and_positions_oldest_first(bank: Bank, clock: FixedClock) -> None:
    first = bank.tickets.open(sender_id="tg:1", reason="asked")
    clock.advance(seconds=5)
    second = bank.tickets.open(sender_id="tg:2", reason="locked")
    clock.advance(seconds=5)
    third = bank.tickets.open(sender_id="tg:3", reason="asked")
    assert [o.data["position"] for o in (first, second, third)] == [1, 2, 3]
    again = expect_code(bank.tickets.open(sender_id="tg:2", reason="asked"), "already_waiting")
    assert (again.data["ticket"], again.data["position"]) == (second.data["ticket"], 2)
    assert again.data["reason"] == "locked"  # the first reason stays
    expect_code(bank.tickets.cancel(sender_id="tg:1"), "cancelled")
    waiting = expect_code(bank.tickets.position(sender_id="tg:3"), "waiting")
    assert waiting.data["position"] == 2
    clock.advance(minutes=3)
    assert bank.tickets.position(sender_id="tg:3").data["waiting_minutes"] == 3
    expect_code(bank.tickets.cancel(sender_id="tg:1"), "none")
    expect_code(bank.tickets.position(sender_id="tg:1"), "none")
    # After cancelling, the chat may ask again: a new ticket, at the end of the queue.
    reopened = expect_code(bank.tickets.open(sender_id="tg:1", reason="asked"), "opened")
    assert reopened.data["ticket"] != first.data["ticket"] and reopened.data["position"] == 3


def test_racing_opens_of_one_chat_make_one_ticket(file_bank: Bank) -> None:
    results = race(4, lambda _: file_bank.tickets.open(sender_id=CHAT, reason="asked").code)
    assert sorted(results) == ["already_waiting", "already_waiting", "already_waiting", "opened"]


def test_every_active_agent_is_told_of_a_new_ticket(bank: Bank) -> None:
    add_laura(bank)
    bank.agents.add(telegram_user_id="1007", display_name="Ex")
    bank.agents.remove(telegram_user_id="1007")
    claim_notices(bank)
    to_otp(bank, CHAT)
    number = bank.tickets.open(sender_id=CHAT, reason="not_my_number").data["ticket"]
    notices = claim_notices(bank)
    data = {
        "ticket": number,
        "reason": "not_my_number",
        "journey": "registration",
        "step": "otp",
        "identity_masked": "17******65",
        "waiting": 1,
    }
    assert notices == [
        ("tg:1005", "assist_new_ticket", data),
        ("tg:1006", "assist_new_ticket", data),
    ]


def test_the_customer_cancelling_a_held_chat_tells_the_agent(bank: Bank) -> None:
    number = held_by_paula(bank)
    claim_notices(bank)
    cancelled = expect_code(bank.tickets.cancel(sender_id=CHAT), "cancelled")
    assert cancelled.data == {"ticket": number, "was": "taken"}
    assert claim_notices(bank) == [("tg:1005", "assist_customer_left", {"ticket": number})]
    assert bank.tickets.holder(sender_id=CHAT) is None
    expect_code(bank.assist_desk.current_ticket(agent=PAULA), "none")


# Taking, switching, the holder ----------------------------------------------------------------


def test_take_makes_the_agent_the_holder(bank: Bank) -> None:
    to_pin(bank, CHAT)
    number = bank.tickets.open(sender_id=CHAT, reason="asked").data["ticket"]
    assert bank.tickets.holder(sender_id=CHAT) is None
    taken = expect_code(bank.assist_desk.take(agent=PAULA, ticket_number=f"#{number}"), "taken")
    assert taken.data["sender_id"] == CHAT and taken.data["agent_name"] == "Paula"
    assert (taken.data["state"], taken.data["held"], taken.data["notes"]) == ("taken", [number], [])
    holder = bank.tickets.holder(sender_id=CHAT)
    assert holder is not None
    assert (holder.ticket, holder.agent_id, holder.agent_name) == (number, PAULA, "Paula")
    assert holder.agent_sender_id == "tg:1005"
    position = expect_code(bank.tickets.position(sender_id=CHAT), "with_agent")
    assert position.data["agent_name"] == "Paula"
    expect_code(bank.tickets.open(sender_id=CHAT, reason="asked"), "with_agent")
    assert bank.tickets.holder(sender_id="tg:other") is None


def test_a_taken_ticket_cannot_be_taken_again(bank: Bank) -> None:
    add_laura(bank)
    number = held_by_paula(bank)
    again = expect_code(bank.assist_desk.take(agent=LAURA, ticket_number=number), "already_taken")
    assert again.data == {"ticket": number, "agent_name": "Paula", "yours": False}
    mine = expect_code(bank.assist_desk.take(agent=PAULA, ticket_number=number), "already_taken")
    assert mine.data["yours"] is True
    expect_code(bank.assist_desk.take(agent=PAULA, ticket_number=999), "unknown")
    expect_code(bank.assist_desk.take(agent=PAULA, ticket_number="doce"), "unknown")


def test_two_agents_racing_for_one_ticket_one_wins(file_bank: Bank) -> None:
    agents = [PAULA, "2001", "2002", "2003"]
    for agent in agents[1:]:
        file_bank.agents.add(telegram_user_id=agent, display_name=f"Agente {agent}")
    number = file_bank.tickets.open(sender_id=CHAT, reason="asked").data["ticket"]
    results = race(
        4, lambda i: file_bank.assist_desk.take(agent=agents[i], ticket_number=number).code
    )
    assert sorted(results) == ["already_taken", "already_taken", "already_taken", "taken"]
    assert len([r for r in audit_rows(file_bank) if r.action == "assist.take"]) == 1


def test_an_agent_holds_several_tickets_and_switches(bank: Bank, clock: FixedClock) -> None:
    first = held_by_paula(bank, "tg:1")
    clock.advance(seconds=1)
    second = held_by_paula(bank, "tg:2")
    current = expect_code(bank.assist_desk.current_ticket(agent=PAULA), "ok")
    assert (current.data["ticket"], current.data["held"]) == (second, [second, first])
    clock.advance(seconds=1)
    switched = expect_code(bank.assist_desk.switch(agent=PAULA, ticket_number=first), "switched")
    assert switched.data["sender_id"] == "tg:1"
    assert bank.assist_desk.current_ticket(agent=PAULA).data["ticket"] == first
    sent = expect_code(bank.assist_desk.reply(agent=PAULA, text="Hola"), "sent")
    assert sent.data["sender_id"] == "tg:1"
    sent = expect_code(
        bank.assist_desk.reply(agent=PAULA, text="Hola", ticket_number=second), "sent"
    )
    assert sent.data["sender_id"] == "tg:2"
    queue = expect_code(bank.assist_desk.queue(agent=PAULA), "ok")
    assert [(t["ticket"], t["current"]) for t in queue.data["mine"]] == [
        (first, True),
        (second, False),
    ]
    closed = expect_code(bank.assist_desk.close(agent=PAULA), "closed")
    assert (closed.data["ticket"], closed.data["next_ticket"]) == (first, second)
    assert bank.assist_desk.current_ticket(agent=PAULA).data["ticket"] == second


def test_agents_act_only_on_tickets_they_hold(bank: Bank) -> None:
    add_laura(bank)
    number = held_by_paula(bank)
    desk = bank.assist_desk
    expect_code(desk.reply(agent=LAURA, text="hola"), "no_ticket")
    for outcome in (
        desk.reply(agent=LAURA, text="hola", ticket_number=number),
        desk.note(agent=LAURA, text="nota", ticket_number=number),
        desk.transcript(agent=LAURA, ticket_number=number),
        desk.state_for_agent(agent=LAURA, ticket_number=number),
        desk.switch(agent=LAURA, ticket_number=number),
        desk.hand_back(agent=LAURA, ticket_number=number),
        desk.close(agent=LAURA, ticket_number=number),
    ):
        assert outcome == Outcome(AssistCode.NOT_YOURS, data={"ticket": number, "state": "taken"})
    expect_code(desk.switch(agent=LAURA, ticket_number=404), "unknown")
    expect_code(desk.switch(agent=LAURA, ticket_number=None), "unknown")


def test_the_queue_view(bank: Bank, clock: FixedClock) -> None:
    to_pin(bank, "tg:1")
    bank.tickets.open(sender_id="tg:1", reason="asked")
    clock.advance(minutes=2)
    bank.tickets.open(sender_id="tg:2", reason="locked")
    clock.advance(minutes=1)
    queue = expect_code(bank.assist_desk.queue(agent=PAULA), "ok")
    assert [(t["position"], t["reason"], t["waiting_minutes"]) for t in queue.data["waiting"]] == [
        (1, "asked", 3),
        (2, "locked", 1),
    ]
    first = queue.data["waiting"][0]
    assert (first["journey"], first["step"], first["identity_masked"]) == (
        "registration",
        "pin",
        "17******65",
    )
    assert queue.data["follow_up"] == [] and queue.data["mine"] == []
    assert "sender_id" not in first


# Replies, notes, transcript ----------------------------------------------------------------


def test_replies_and_customer_lines_form_the_redacted_transcript(
    bank: Bank, clock: FixedClock
) -> None:
    transcripts = bank.transcripts
    transcripts.append(sender_id=CHAT, role="cliente", text="quiero un asesor")
    transcripts.append(sender_id=CHAT, role="asistente", text="Te comunico con un asesor.")
    transcripts.append(sender_id=CHAT, role="cliente", text="1234", secret=True)
    transcripts.append(sender_id=CHAT, role="cliente", text="mi clave es Centinela7Qx9Lm")
    number = held_by_paula(bank)
    clock.advance(minutes=1)
    expect_code(bank.assist_desk.reply(agent=PAULA, text="Hola, soy Paula"), "sent")
    expect_code(bank.assist_desk.reply(agent=PAULA, text="   "), "empty")
    lines = expect_code(bank.assist_desk.transcript(agent=PAULA), "ok").data["lines"]
    assert [(line["role"], line["author"], line["text"]) for line in lines] == [
        ("cliente", "", "quiero un asesor"),
        ("asistente", "", "Te comunico con un asesor."),
        ("cliente", "", "[dato secreto oculto]"),
        ("cliente", "", "mi clave es [clave oculta]"),
        ("asesor", "Paula", "Hola, soy Paula"),
    ]
    assert lines[0]["at"] == "2026-01-15T12:00:00" and lines[0]["time"] == "07:00"
    assert lines[-1]["time"] == "07:01"
    reply = [r for r in audit_rows(bank) if r.action == "assist.reply"]
    assert len(reply) == 1 and reply[0].details["ticket"] == number
    assert "Hola" not in repr(reply[0].details)


def test_the_transcript_keeps_the_last_40_lines(bank: Bank) -> None:
    for index in range(45):
        bank.transcripts.append(sender_id=CHAT, role="cliente", text=f"mensaje {index}")
    bank.transcripts.append(sender_id="tg:other", role="cliente", text="otro chat")
    lines = bank.transcripts.lines(sender_id=CHAT)
    assert len(lines) == 40
    assert lines[0].text == "mensaje 5" and lines[-1].text == "mensaje 44"
    assert len(bank.transcripts.lines(sender_id="tg:other")) == 1


def test_unknown_roles_are_a_programming_error(bank: Bank) -> None:
    try:
        bank.transcripts.append(sender_id=CHAT, role="bot", text="x")
    except ValueError:
        return
    raise AssertionError("an unknown role was accepted")


def test_private_notes_stay_on_the_ticket(bank: Bank) -> None:
    number = held_by_paula(bank)
    noted = expect_code(
        bank.assist_desk.note(agent=PAULA, text="Verificada por teléfono, cédula 1710034065"),
        "noted",
    )
    assert noted.data == {"ticket": number, "notes": 1}
    expect_code(bank.assist_desk.note(agent=PAULA, text=""), "empty")
    notes = bank.assist_desk.current_ticket(agent=PAULA).data["notes"]
    assert [(n["agent_name"], n["text"]) for n in notes] == [
        ("Paula", "Verificada por teléfono, cédula [número oculto]")
    ]
    assert bank.transcripts.lines(sender_id=CHAT) == []
    (row,) = [r for r in audit_rows(bank) if r.action == "assist.note"]
    assert "Verificada" not in repr(row.details)
    with unit_of_work(bank.sessions) as session:
        assert session.scalar(select(AssistNote.text)) is not None


# Handing back -----------------------------------------------------------------------------


def test_hand_back_at_the_current_step_keeps_the_journey_alive(
    bank: Bank, clock: FixedClock
) -> None:
    to_otp(bank, CHAT)
    number = held_by_paula(bank, reason="not_my_number")
    clock.advance(minutes=15)  # a long talk with the agent
    back = expect_code(bank.assist_desk.hand_back(agent=PAULA), "handed_back")
    assert back.data == {
        "ticket": number,
        "sender_id": CHAT,
        "journey": "registration",
        "step": "otp",
        "journey_active": True,
        "went_back": False,
        "next_ticket": None,
    }
    assert bank.tickets.holder(sender_id=CHAT) is None
    expect(bank.registration.touch(sender_id=CHAT), "active", Step.OTP)
    expect_code(bank.assist_desk.hand_back(agent=PAULA), "no_ticket")
    (row,) = [r for r in audit_rows(bank) if r.action == "assist.hand_back"]
    assert row.actor == "agent:1005 Paula" and row.subject == f"ticket:{number}"
    assert row.details["identity_masked"] == "17******65"


def test_hand_back_to_an_earlier_step_of_the_registration(bank: Bank) -> None:
    to_username(bank, CHAT)
    reg = bank.registration
    expect(reg.submit_username(sender_id=CHAT, text="MariaJose26"), "ok")
    expect(reg.submit_username_confirmation(sender_id=CHAT, text="MariaJose26"), "ok")
    expect(reg.submit_password(sender_id=CHAT, password=PASSWORD), "ok")
    expect(reg.submit_password_confirmation(sender_id=CHAT, password=PASSWORD), "ok")
    held_by_paula(bank)
    state = bank.assist_desk.state_for_agent(agent=PAULA).data
    assert state["journeys"][0]["step"] == "security_image"
    assert state["journeys"][0]["can_return_to"] == ["password", "username"]
    for refused in ("home_phone", "otp", "identity_number", "pin", "nonsense"):
        outcome = expect_code(
            bank.assist_desk.hand_back(agent=PAULA, step=refused), "cannot_go_back"
        )
        assert outcome.data["can_return_to"] == ["password", "username"]
        assert outcome.data["step"] == "security_image"
    back = expect_code(bank.assist_desk.hand_back(agent=PAULA, step="username"), "handed_back")
    assert (back.data["step"], back.data["went_back"]) == ("username", True)
    assert reg.current_step(sender_id=CHAT) == Step.USERNAME
    with unit_of_work(bank.sessions) as session:
        journey = session.scalar(select(Journey).where(Journey.sender_id == CHAT))
        assert journey is not None
        assert "password_hash" not in journey.data and "username" not in journey.data
        assert "otp_verified_at" in journey.data  # the SMS code stays proven
    went_back = [r for r in audit_rows(bank, "registration.went_back")]
    assert len(went_back) == 2  # security_image -> password -> username, the journey's own way


def test_hand_back_before_the_pin_asks_for_the_identity_again(bank: Bank) -> None:
    to_otp(bank, CHAT)
    held_by_paula(bank, reason="not_my_number")
    back = expect_code(
        bank.assist_desk.hand_back(agent=PAULA, step="identity_number"), "handed_back"
    )
    assert back.data["step"] == "identity_number"
    with unit_of_work(bank.sessions) as session:
        journey = session.scalar(select(Journey).where(Journey.sender_id == CHAT))
        assert journey is not None and journey.customer_id is None and journey.data == {}
        open_codes = session.scalars(
            select(OtpChallenge).where(OtpChallenge.invalidated_at.is_(None))
        ).all()
        assert open_codes == []


def test_after_the_sms_code_the_registration_cannot_go_back(bank: Bank) -> None:
    to_username(bank, CHAT)
    held_by_paula(bank)
    refused = expect_code(bank.assist_desk.hand_back(agent=PAULA, step="otp"), "cannot_go_back")
    assert refused.data["can_return_to"] == []
    expect_code(bank.assist_desk.hand_back(agent=PAULA, step="username"), "handed_back")


def test_hand_back_to_an_earlier_step_of_the_childs_registration(bank: Bank) -> None:
    registration_to_avatar(bank, CHAT)
    reg = bank.mini_registration
    reg.submit_avatar(sender_id=CHAT, avatar_id="avatar_fox")
    reg.submit_username(sender_id=CHAT, text="andreita2015")
    reg.submit_picture_password(sender_id=CHAT, picture_ids=PICTURES)
    held_by_paula(bank)
    state = bank.assist_desk.state_for_agent(agent=PAULA).data
    assert state["journeys"][0]["journey"] == "mini_registration"
    assert state["journeys"][0]["can_return_to"] == ["picture_password", "username", "avatar"]
    expect_code(bank.assist_desk.hand_back(agent=PAULA, step="activation_code"), "cannot_go_back")
    back = expect_code(bank.assist_desk.hand_back(agent=PAULA, step="avatar"), "handed_back")
    assert (back.data["journey"], back.data["step"]) == ("mini_registration", "avatar")
    assert reg.current_step(sender_id=CHAT) == "avatar"


def test_hand_back_to_a_step_needs_an_active_journey(bank: Bank) -> None:
    number = held_by_paula(bank)
    refused = expect_code(bank.assist_desk.hand_back(agent=PAULA, step="pin"), "no_journey")
    assert refused.data == {"ticket": number}
    back = expect_code(bank.assist_desk.hand_back(agent=PAULA), "handed_back")
    assert (back.data["journey"], back.data["journey_active"]) == ("", False)


def test_a_ticket_opened_on_a_lock_is_about_the_ended_journey(bank: Bank) -> None:
    reg = bank.registration
    for _ in range(3):
        to_pin(bank, CHAT)
        reg.submit_pin(sender_id=CHAT, pin="9999")
    opened = expect_code(bank.tickets.open(sender_id=CHAT, reason="locked"), "opened")
    assert (opened.data["journey"], opened.data["step"]) == ("registration", "ended")
    assert opened.data["identity_masked"] == "17******65"
    expect_code(bank.assist_desk.take(agent=PAULA, ticket_number=opened.data["ticket"]), "taken")
    state = bank.assist_desk.state_for_agent(agent=PAULA).data
    assert state["lock"]["state"] == "locked" and state["lock"]["minutes"] == 30
    assert [(j["journey"], j["step"], j["active"]) for j in state["journeys"]] == [
        ("registration", "ended", False)
    ]
    back = expect_code(bank.assist_desk.hand_back(agent=PAULA), "handed_back")
    assert (back.data["step"], back.data["journey_active"]) == ("ended", False)


# Nobody took it ---------------------------------------------------------------------------


def test_tickets_waiting_too_long_go_to_follow_up(bank: Bank, clock: FixedClock) -> None:
    first = bank.tickets.open(sender_id="tg:1", reason="asked").data["ticket"]
    clock.advance(minutes=5)
    bank.tickets.open(sender_id="tg:2", reason="asked")
    claim_notices(bank)
    clock.advance(minutes=4, seconds=59)
    assert bank.tickets.expire_waiting() == Outcome(AssistCode.NONE, data={"tickets": []})
    clock.advance(seconds=1)
    expired = expect_code(bank.tickets.expire_waiting(), "expired")
    assert expired.data["tickets"] == [{"ticket": first, "sender_id": "tg:1"}]
    assert claim_notices(bank) == [
        ("tg:1", "assist_no_agent", {"ticket": first, "call_center": "1700 123 123", "hours": ""})
    ]
    expect_code(bank.tickets.expire_waiting(), "none")  # told once
    follow = expect_code(bank.tickets.position(sender_id="tg:1"), "follow_up")
    assert follow.data["call_center"] == "1700 123 123"
    queue = bank.assist_desk.queue(agent=PAULA).data
    assert [t["ticket"] for t in queue["follow_up"]] == [first]
    assert [t["position"] for t in queue["waiting"]] == [1]
    (row,) = [r for r in audit_rows(bank) if r.action == "assist.no_agent"]
    assert row.actor == "system:assist"
    # An agent may still take it later (and write to the customer).
    expect_code(bank.assist_desk.take(agent=PAULA, ticket_number=first), "taken")


def test_the_wait_limit_is_a_setting_and_expire_takes_a_time(bank: Bank, clock: FixedClock) -> None:
    number = bank.tickets.open(sender_id="tg:1", reason="asked").data["ticket"]
    later = clock.now().replace(minute=10)
    expired = expect_code(bank.tickets.expire_waiting(now=later), "expired")
    assert expired.data["tickets"][0]["ticket"] == number
    assert bank.settings.assist_wait_minutes == 10


def test_asking_again_from_follow_up_queues_the_ticket_again(bank: Bank, clock: FixedClock) -> None:
    to_pin(bank, "tg:1")
    number = bank.tickets.open(sender_id="tg:1", reason="asked").data["ticket"]
    clock.advance(minutes=10)
    bank.tickets.expire_waiting()
    bank.tickets.open(sender_id="tg:2", reason="asked")
    claim_notices(bank)
    clock.advance(seconds=1)
    again = expect_code(bank.tickets.open(sender_id="tg:1", reason="not_understood"), "opened")
    assert (again.data["ticket"], again.data["position"], again.data["waiting_minutes"]) == (
        number,
        2,
        0,
    )
    assert again.data["reason"] == "not_understood"
    assert [kind for _, kind, _ in claim_notices(bank)] == ["assist_new_ticket"]
    assert bank.assist_desk.queue(agent=PAULA).data["follow_up"] == []


def test_removing_an_agent_puts_their_tickets_back_in_the_queue(bank: Bank) -> None:
    number = held_by_paula(bank)
    removed = expect_code(bank.agents.remove(telegram_user_id=PAULA), "removed")
    assert removed.data["requeued"] == [number]
    assert bank.tickets.holder(sender_id=CHAT) is None
    assert bank.tickets.position(sender_id=CHAT).code == "waiting"


def test_the_call_center_hours_are_told_when_the_bank_sets_them(clock: FixedClock) -> None:
    hours = "de lunes a viernes de 9:00 a 17:00"
    settings = changed_settings(cheap_settings("sqlite://"), call_center_hours=hours)
    with_hours = build_bank(settings, clock)
    Base.metadata.create_all(with_hours.engine)
    try:
        number = with_hours.tickets.open(sender_id="tg:1", reason="asked").data["ticket"]
        clock.advance(minutes=10)
        expect_code(with_hours.tickets.expire_waiting(), "expired")
        kinds = [(n.kind, n.data.get("hours")) for n in with_hours.notifications.claim()]
        assert ("assist_no_agent_hours", hours) in kinds
        assert with_hours.tickets.position(sender_id="tg:1").data["ticket"] == number
    finally:
        with_hours.dispose()


def test_the_call_center_hours_setting_is_one_short_line() -> None:
    with pytest.raises(SettingsError):
        changed_settings(cheap_settings("sqlite://"), call_center_hours="x" * 121)
    with pytest.raises(SettingsError):
        changed_settings(cheap_settings("sqlite://"), call_center_hours="de 9:00\na 17:00")
