"""The bank on PostgreSQL: the Alembic migration, whole journeys and the races that matter.

Each run works in a fresh schema that is dropped afterwards. PostgreSQL must be reachable
(127.0.0.1:5432, database `test`, user `postgres`); these tests fail, not skip, without it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from bank_helpers import (
    COMPANY_RUC,
    LUIS_CEDULA,
    LUIS_MOBILE,
    LUIS_PIN,
    cheap_settings,
    expect,
    from_username_to_finish,
    latest_sms_code,
    to_otp,
    to_username,
)
from sqlalchemy import create_engine, select, text

from bank.bootstrap import Bank, build_bank
from bank.clock import FixedClock
from bank.db import unit_of_work
from bank.demo import seed_demo
from bank.migrate import upgrade_database
from bank.models import Base, OnlineUser, OtpChallenge
from bank.otp import OtpIssuer
from bank.registration import Step
from bot.chat_state.tables import ChatBase
from tests.support.concurrency import fresh_postgres_schema, race

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def schema_url() -> Iterator[str]:
    """A URL whose connections work in a new, empty schema (dropped at the end)."""
    with fresh_postgres_schema("bank_test") as url:
        yield url


@pytest.fixture(scope="module")
def migrated(schema_url: str) -> str:
    """The schema, migrated by Alembic."""
    upgrade_database(schema_url)
    return schema_url


@pytest.fixture
def pg_bank(migrated: str, clock: FixedClock) -> Iterator[Bank]:
    """A seeded bank on PostgreSQL; tables are emptied after each test."""
    bank = build_bank(cheap_settings(migrated), clock)
    with unit_of_work(bank.sessions) as session:
        seed_demo(session, hasher=bank.hasher, clock=clock)
    yield bank
    with bank.engine.begin() as connection:
        tables = [*Base.metadata.sorted_tables, *ChatBase.metadata.sorted_tables]
        names = ", ".join(table.name for table in tables)
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    bank.dispose()


def test_migration_matches_the_models_on_postgres(migrated: str) -> None:
    engine = create_engine(migrated)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT current_schema()")).scalar() != "public"
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, [Base.metadata, ChatBase.metadata]) == []
    finally:
        engine.dispose()


def test_maria_jose_happy_path(pg_bank: Bank) -> None:
    reg = pg_bank.registration
    to_username(pg_bank, "tg:pg1")
    from_username_to_finish(pg_bank, "tg:pg1", username="MariaPg2026", token=True)
    done = expect(reg.complete(sender_id="tg:pg1"), "completed", Step.COMPLETED)
    assert done.data == {
        "username": "MariaPg2026",
        "email_masked": "ma*****@example.com",
        "token_active": True,
    }
    with unit_of_work(pg_bank.sessions) as session:
        user = session.scalar(select(OnlineUser).where(OnlineUser.username_key == "mariapg2026"))
        assert user is not None and user.second_factor == "token"


def test_luis_fernando_happy_path(pg_bank: Bank) -> None:
    reg = pg_bank.registration
    sender = "tg:pg2"
    reg.start(sender_id=sender)
    expect(reg.submit_identity_number(sender_id=sender, text=COMPANY_RUC), "ok")
    expect(reg.submit_additional_user(sender_id=sender, is_additional=True), "ok")
    expect(reg.submit_additional_cedula(sender_id=sender, text=LUIS_CEDULA), "ok")
    expect(reg.submit_pin(sender_id=sender, pin=LUIS_PIN), "ok", Step.CONTACT_CONFIRMATION)
    expect(reg.request_otp(sender_id=sender), "sent")
    expect(reg.submit_otp(sender_id=sender, code=latest_sms_code(pg_bank, LUIS_MOBILE)), "ok")
    from_username_to_finish(pg_bank, sender, username="lparedespg")
    expect(reg.complete(sender_id=sender), "completed")


def test_locks_on_postgres(pg_bank: Bank) -> None:
    reg = pg_bank.registration
    codes = []
    for _ in range(3):
        reg.start(sender_id="tg:pg3")
        reg.submit_identity_number(sender_id="tg:pg3", text="1710034065")
        codes.append(reg.submit_pin(sender_id="tg:pg3", pin="0000").code)
    assert codes == ["wrong_credentials", "last_attempt", "locked"]


def test_otp_race_through_the_service(pg_bank: Bank) -> None:
    reg = pg_bank.registration
    to_otp(pg_bank, "tg:pg4")
    code = latest_sms_code(pg_bank)
    results = race(4, lambda _: reg.submit_otp(sender_id="tg:pg4", code=code).code)
    assert sorted(results) == ["ok", "wrong_step", "wrong_step", "wrong_step"]


def test_otp_race_on_the_conditional_update(pg_bank: Bank) -> None:
    # Without the journey lock in front: only the conditional UPDATE keeps the code single use.
    to_otp(pg_bank, "tg:pg5")
    code = latest_sms_code(pg_bank)
    with unit_of_work(pg_bank.sessions) as session:
        challenge = session.scalar(select(OtpChallenge))
        assert challenge is not None
        journey_id, identity_key = challenge.journey_id, challenge.identity_key
    issuer = OtpIssuer(key=pg_bank.settings.subkey("otp-hmac"))

    def verify(_: int) -> str:
        with unit_of_work(pg_bank.sessions) as session:
            return issuer.verify(
                session,
                journey_id=journey_id,
                identity_key=identity_key,
                code=code,
                now=pg_bank.clock.now(),
            ).code

    results = race(6, verify)
    assert sorted(results) == ["no_active_code"] * 5 + ["ok"]


def test_secret_boxrace(pg_bank: Bank) -> None:
    ref = pg_bank.secret_box.put(sender_id="tg:pg6", kind="pin", value="1234")
    results = race(
        4, lambda _: str(pg_bank.secret_box.take(ref=ref, sender_id="tg:pg6", kind="pin"))
    )
    assert sorted(results) == ["1234", "None", "None", "None"]


def test_concurrent_start_opens_one_journey(pg_bank: Bank) -> None:
    results = race(4, lambda _: pg_bank.registration.start(sender_id="tg:pg7").code)
    assert sorted(results) == ["resumed", "resumed", "resumed", "started"]


def test_usernamerace(pg_bank: Bank) -> None:
    reg = pg_bank.registration
    to_username(pg_bank, "tg:pg8")
    from_username_to_finish(pg_bank, "tg:pg8", username="racerpg1")
    sender = "tg:pg9"
    reg.start(sender_id=sender)
    reg.submit_identity_number(sender_id=sender, text=COMPANY_RUC)
    reg.submit_additional_user(sender_id=sender, is_additional=True)
    reg.submit_additional_cedula(sender_id=sender, text=LUIS_CEDULA)
    reg.submit_pin(sender_id=sender, pin=LUIS_PIN)
    reg.request_otp(sender_id=sender)
    reg.submit_otp(sender_id=sender, code=latest_sms_code(pg_bank, LUIS_MOBILE))
    from_username_to_finish(pg_bank, sender, username="RACERPG1")
    senders = ["tg:pg8", sender]
    results = race(2, lambda i: reg.complete(sender_id=senders[i]).code)
    assert sorted(results) == ["completed", "username_taken"]


def test_channel_state_on_postgres(pg_bank: Bank) -> None:
    from bot.chat_state import chat_state_of
    from bot.chat_state.keyboards import ACTION_SEND, ButtonSpec

    state = chat_state_of(pg_bank)
    keyboard_id, (tap_id,) = state.keyboards.register(
        "tg:1", [ButtonSpec(ACTION_SEND, "/affirm", "Sí")]
    )
    assert sorted(race(4, lambda _: str(state.keyboards.use(keyboard_id)))) == [
        "False",
        "False",
        "False",
        "True",
    ]
    assert sorted(race(4, lambda _: str(state.updates.claim("bot", 2**40)))) == [
        "False",
        "False",
        "False",
        "True",
    ]
    resolved = state.keyboards.resolve_tap(tap_id, "tg:1")
    assert resolved is not None and resolved.keyboard_used


def test_activation_code_used_once_on_postgres(pg_bank: Bank) -> None:
    from sqlalchemy import select

    from bank.demo import ANDREA, CARLOS
    from bank.models import Customer

    with unit_of_work(pg_bank.sessions) as session:
        carlos = session.scalar(select(Customer.id).where(Customer.id_number == CARLOS.id_number))
    assert carlos is not None
    issue = pg_bank.activation_codes.generate(parent_id=carlos, child_cedula=ANDREA.cedula)
    assert issue.activation_code is not None
    code = issue.activation_code
    results = race(
        5,
        lambda _: pg_bank.activation_codes.check(child_cedula=ANDREA.cedula, code=code).code,
    )
    assert sorted(results) == ["ok", "used", "used", "used", "used"]
