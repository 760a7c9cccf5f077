"""The journeys' step history (`journey_steps`): every journey's steps are recorded, in order,
when they are entered, by the one listener on `Journey`, with no personal data."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from bank_helpers import (
    MARIA_CEDULA,
    MARIA_MOBILE,
    expect,
    from_username_to_finish,
    latest_sms_code,
    to_otp,
    to_pin,
    to_username,
)
from mini_journey_helpers import (
    CHILD_CHAT,
    PARENT_CHAT,
    registration_to_finish,
)
from sqlalchemy import select, text
from test_bank_assist_tickets import PAULA

from bank.bootstrap import Bank
from bank.clock import FixedClock
from bank.db import make_engine, unit_of_work
from bank.demo import CARLOS_PASSWORD, CARLOS_USERNAME
from bank.migrate import upgrade_database
from bank.models import Journey, JourneyStep

SENDER = "tg:5550001"


def history(bank: Bank, kind: str, sender: str) -> list[tuple[str, datetime]]:
    """The steps the sender's latest journey of `kind` entered, oldest first."""
    with unit_of_work(bank.sessions) as session:
        journey_id = session.scalar(
            select(Journey.id)
            .where(Journey.kind == kind, Journey.sender_id == sender)
            .order_by(Journey.id.desc())
            .limit(1)
        )
        rows = session.execute(
            select(JourneyStep.step, JourneyStep.entered_at, JourneyStep.kind)
            .where(JourneyStep.journey_id == journey_id)
            .order_by(JourneyStep.id)
        ).all()
    assert {row.kind for row in rows} <= {kind}
    return [(row.step, row.entered_at) for row in rows]


def steps_of(bank: Bank, kind: str, sender: str) -> list[str]:
    return [step for step, _ in history(bank, kind, sender)]


def test_a_finished_registration_records_every_step_in_order(bank: Bank) -> None:
    to_username(bank, SENDER)
    from_username_to_finish(bank, SENDER, username="mariajose2026")
    expect(bank.registration.complete(sender_id=SENDER), "completed")

    assert steps_of(bank, "registration", SENDER) == [
        "identity_number",
        "pin",
        "contact_confirmation",
        "otp",
        "username",
        "username_confirmation",
        "password",
        "password_confirmation",
        "security_image",
        "home_phone",
        "work_phone",
        "challenge_first_name",
        "challenge_mother_surname",
        "challenge_father_surname",
        "terms",
        "smart_device",
        "second_factor",
        "finish",
        "completed",
    ]


def test_each_step_is_recorded_when_it_is_entered(bank: Bank, clock: FixedClock) -> None:
    start = clock.now()
    bank.registration.start(sender_id=SENDER)
    clock.advance(seconds=40)
    expect(bank.registration.submit_identity_number(sender_id=SENDER, text=MARIA_CEDULA), "ok")
    clock.advance(seconds=25)
    expect(bank.registration.cancel(sender_id=SENDER), "cancelled")

    assert history(bank, "registration", SENDER) == [
        ("identity_number", start),
        ("pin", start.replace(second=40)),
        ("cancelled", start.replace(second=5, minute=1)),
    ]


def test_a_lock_going_back_and_an_idle_restart_are_recorded(bank: Bank, clock: FixedClock) -> None:
    to_otp(bank, SENDER)
    expect(bank.registration.go_back(sender_id=SENDER), "ok")  # otp -> contact_confirmation
    clock.advance(minutes=11)
    bank.registration.touch(sender_id=SENDER)  # idle: back at the identity number
    to_pin(bank, SENDER)
    for _ in range(3):
        bank.registration.submit_pin(sender_id=SENDER, pin="0000")
        if steps_of(bank, "registration", SENDER)[-1] == "ended":
            break
        bank.registration.submit_identity_number(sender_id=SENDER, text=MARIA_CEDULA)

    steps = steps_of(bank, "registration", SENDER)
    assert steps[:6] == [
        "identity_number",
        "pin",
        "contact_confirmation",
        "otp",
        "contact_confirmation",
        "identity_number",
    ]
    assert steps[-2:] == ["pin", "ended"]


def test_a_step_that_does_not_change_writes_nothing(bank: Bank) -> None:
    to_otp(bank, SENDER)
    before = steps_of(bank, "registration", SENDER)
    expect(bank.registration.submit_otp(sender_id=SENDER, code="000000"), "wrong")
    expect(bank.registration.submit_username(sender_id=SENDER, text="x"), "wrong_step")

    assert steps_of(bank, "registration", SENDER) == before


def test_the_childs_registration_records_its_steps(bank: Bank) -> None:
    registration_to_finish(bank, CHILD_CHAT, username="andreita2026")
    expect(bank.mini_registration.complete(sender_id=CHILD_CHAT), "completed")

    assert steps_of(bank, "mini_registration", CHILD_CHAT) == [
        "cedula",
        "activation_code",
        "avatar",
        "username",
        "picture_password",
        "picture_password_confirmation",
        "finish",
        "completed",
    ]


def test_the_parents_journey_records_its_steps(bank: Bank) -> None:
    parent = bank.parent_mini
    expect(parent.start(sender_id=PARENT_CHAT), "started", "username")
    expect(parent.submit_username(sender_id=PARENT_CHAT, text=CARLOS_USERNAME), "ok")
    expect(parent.submit_password(sender_id=PARENT_CHAT, password=CARLOS_PASSWORD), "signed_in")
    children = parent.children(sender_id=PARENT_CHAT)
    approved = next(child for child in children if child.approved)
    expect(parent.submit_child(sender_id=PARENT_CHAT, text=approved.ref), "ok", "child_action")
    expect(parent.finish(sender_id=PARENT_CHAT), "done")

    assert steps_of(bank, "mini_parent", PARENT_CHAT) == [
        "username",
        "password",
        "child",
        "child_action",
        "completed",
    ]


def test_the_history_holds_no_personal_data(bank: Bank) -> None:
    to_username(bank, SENDER)
    code = latest_sms_code(bank, MARIA_MOBILE)
    with unit_of_work(bank.sessions) as session:
        rows = session.scalars(select(JourneyStep)).all()
        stored = [
            value
            for row in rows
            for value in (str(row.journey_id), row.kind, row.step, row.entered_at.isoformat())
        ]
    assert rows
    for secret in (SENDER, MARIA_CEDULA, MARIA_MOBILE, code, "5550001"):
        assert not any(secret in value for value in stored), secret
    assert {column.name for column in JourneyStep.__table__.columns} == {
        "id",
        "journey_id",
        "kind",
        "step",
        "entered_at",
    }


def test_the_migration_gives_older_journeys_their_current_step(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bank.db'}"
    upgrade_database(url, "0008_security")
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO journeys (id, kind, sender_id, status, step, data, created_at, "
                    "updated_at, last_activity_at) VALUES (7, 'registration', 'tg:1', 'active', "
                    "'otp', '{}', '2026-12-01 10:00:00', '2026-12-01 10:05:00', "
                    "'2026-12-01 10:05:00')"
                )
            )
        upgrade_database(url)
        with engine.connect() as connection:
            rows = connection.execute(
                select(
                    JourneyStep.journey_id,
                    JourneyStep.kind,
                    JourneyStep.step,
                    JourneyStep.entered_at,
                )
            ).all()
    finally:
        engine.dispose()

    assert [tuple(row) for row in rows] == [
        (7, "registration", "otp", datetime(2026, 12, 1, 10, 5))
    ]


def test_an_agents_hand_back_at_an_earlier_step_is_recorded(bank: Bank) -> None:
    to_username(bank, SENDER)
    expect(bank.registration.submit_username(sender_id=SENDER, text="mariajose2026"), "ok")
    number = bank.tickets.open(sender_id=SENDER, reason="asked").data["ticket"]
    assert bank.assist_desk.take(agent=PAULA, ticket_number=number).code == "taken"
    handed = bank.assist_desk.hand_back(agent=PAULA, step="username")
    assert handed.code == "handed_back", handed

    assert steps_of(bank, "registration", SENDER)[-3:] == [
        "username",
        "username_confirmation",
        "username",
    ]
