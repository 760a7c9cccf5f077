"""The Cuenta Mini journeys on PostgreSQL: whole journeys and the races that matter.

Same fixtures as test_postgres.py (a fresh schema, migrated by Alembic, dropped at the end).
"""

from __future__ import annotations

import pytest
from mini_journey_helpers import (
    PARENT_CHAT,
    carlos_id,
    expect,
    registration_to_finish,
    sign_in_carlos,
)
from sqlalchemy import func, select
from test_postgres import migrated, pg_bank, schema_url  # noqa: F401 (fixtures)

from bank.bootstrap import Bank
from bank.db import unit_of_work
from bank.demo import ANDREA, CARLOS_PASSWORD, CARLOS_USERNAME, MATEO
from bank.models import Journey, MiniUser
from tests.support.concurrency import race

pytestmark = pytest.mark.postgres


def _users(bank: Bank) -> int:
    with unit_of_work(bank.sessions) as session:
        return int(session.scalar(select(func.count()).select_from(MiniUser)) or 0)


def test_racing_completes_of_one_chat_create_one_user(pg_bank: Bank) -> None:  # noqa: F811
    registration_to_finish(pg_bank, "tg:pgm1", username="andreita2015")
    results = race(4, lambda _: pg_bank.mini_registration.complete(sender_id="tg:pgm1").code)
    assert sorted(results) == ["completed", "wrong_step", "wrong_step", "wrong_step"]
    assert _users(pg_bank) == 1


def test_racing_completes_of_two_chats_of_one_child_create_one_user(
    pg_bank: Bank,  # noqa: F811
) -> None:
    registration_to_finish(pg_bank, "tg:pgm2", username="andreita2015")
    registration_to_finish(pg_bank, "tg:pgm3", username="andreaotra1")
    chats = ["tg:pgm2", "tg:pgm3"]
    results = race(2, lambda i: pg_bank.mini_registration.complete(sender_id=chats[i]).code)
    assert sorted(results) == ["already_has_user", "completed"]
    assert _users(pg_bank) == 1


def test_two_children_racing_for_one_username(pg_bank: Bank) -> None:  # noqa: F811
    registration_to_finish(pg_bank, "tg:pgm4", username="superkid2015")
    registration_to_finish(pg_bank, "tg:pgm5", username="SuperKid2015", cedula=MATEO.cedula)
    chats = ["tg:pgm4", "tg:pgm5"]
    results = race(2, lambda i: pg_bank.mini_registration.complete(sender_id=chats[i]).code)
    assert sorted(results) == ["completed", "username_taken"]


def test_a_code_request_and_the_parent_on_postgres(pg_bank: Bank) -> None:  # noqa: F811
    reg = pg_bank.mini_registration
    reg.start(sender_id="tg:pgm6")
    reg.submit_cedula(sender_id="tg:pgm6", text=ANDREA.cedula)
    sign_in_carlos(pg_bank, "tg:pgm-carlos")
    expect(reg.request_code(sender_id="tg:pgm6"), "asked")
    parent = pg_bank.parent_mini
    parent.start(sender_id=PARENT_CHAT)
    parent.submit_username(sender_id=PARENT_CHAT, text=CARLOS_USERNAME)
    expect(parent.submit_password(sender_id=PARENT_CHAT, password=CARLOS_PASSWORD), "signed_in")
    expect(parent.submit_child(sender_id=PARENT_CHAT, text="Andrea"), "ok")
    issued = expect(parent.generate_code(sender_id=PARENT_CHAT), "issued")
    kinds = sorted((n.sender_id, n.kind) for n in pg_bank.notifications.claim())
    # Carlos signed in again from PARENT_CHAT: his notices now go there.
    assert kinds == [(PARENT_CHAT, "mini_code_requested"), ("tg:pgm6", "mini_code_ready")]
    assert issued.secret is not None
    expect(reg.submit_activation_code(sender_id="tg:pgm6", code=issued.secret), "ok", "avatar")


def test_concurrent_starts_open_one_journey_each_kind(pg_bank: Bank) -> None:  # noqa: F811
    services = [pg_bank.mini_registration, pg_bank.mini_sign_in, pg_bank.parent_mini]
    for service in services:

        def start(_: int, service: object = service) -> str:
            return str(service.start(sender_id="tg:pgm7").code)  # type: ignore[attr-defined]

        assert sorted(race(4, start)) == ["resumed", "resumed", "resumed", "started"]
    with unit_of_work(pg_bank.sessions) as session:
        active = session.scalar(
            select(func.count()).select_from(Journey).where(Journey.active_key.is_not(None))
        )
    assert active == 3


def test_one_code_typed_in_two_chats_at_once(pg_bank: Bank) -> None:  # noqa: F811
    reg = pg_bank.mini_registration
    chats = ["tg:pgm8", "tg:pgm9"]
    for chat in chats:
        reg.start(sender_id=chat)
        reg.submit_cedula(sender_id=chat, text=ANDREA.cedula)
    issue = pg_bank.activation_codes.generate(
        parent_id=carlos_id(pg_bank), child_cedula=ANDREA.cedula
    )
    code = str(issue.activation_code)
    results = race(2, lambda i: reg.submit_activation_code(sender_id=chats[i], code=code).code)
    assert sorted(results) == ["ok", "used"]
    steps = sorted(str(reg.current_step(sender_id=chat)) for chat in chats)
    assert steps == ["activation_code", "avatar"]
