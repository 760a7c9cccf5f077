"""Assisted mode on PostgreSQL: the races for a ticket, the JSON lookups, the audit filter.

Same fixtures as test_postgres.py (a fresh schema, migrated by Alembic, dropped at the end).
"""

from __future__ import annotations

import pytest
from bank_helpers import MARIA_CEDULA, expect, to_otp, to_pin
from test_bank_assist_tickets import PAULA, claim_notices, expect_code, held_by_paula
from test_postgres import migrated, pg_bank, schema_url  # noqa: F401 (fixtures)

from bank.bootstrap import Bank
from bank.clock import FixedClock
from bank.registration import Step
from tests.support.concurrency import race

pytestmark = pytest.mark.postgres


def test_agents_racing_for_one_ticket_one_wins(pg_bank: Bank) -> None:  # noqa: F811
    agents = [PAULA, "2001", "2002", "2003"]
    for agent in agents[1:]:
        pg_bank.agents.add(telegram_user_id=agent, display_name=f"Agente {agent}")
    number = pg_bank.tickets.open(sender_id="tg:pga1", reason="asked").data["ticket"]
    results = race(
        4, lambda i: pg_bank.assist_desk.take(agent=agents[i], ticket_number=number).code
    )
    assert sorted(results) == ["already_taken", "already_taken", "already_taken", "taken"]
    holder = pg_bank.tickets.holder(sender_id="tg:pga1")
    assert holder is not None and holder.agent_id in agents
    rows = pg_bank.audit_log.read(agent=holder.agent_id)
    assert [row.action for row in rows] == ["assist.take"]


def test_racing_opens_of_one_chat_make_one_ticket(pg_bank: Bank) -> None:  # noqa: F811
    results = race(4, lambda _: pg_bank.tickets.open(sender_id="tg:pga2", reason="asked").code)
    assert sorted(results) == ["already_waiting", "already_waiting", "already_waiting", "opened"]
    assert [kind for _, kind, _ in claim_notices(pg_bank)] == ["assist_new_ticket"]


def test_racing_expiries_tell_the_customer_once(
    pg_bank: Bank,  # noqa: F811
    clock: FixedClock,
) -> None:
    pg_bank.tickets.open(sender_id="tg:pga3", reason="asked")
    claim_notices(pg_bank)
    clock.advance(minutes=10)
    results = race(3, lambda _: pg_bank.tickets.expire_waiting().code)
    assert sorted(results).count("expired") == 1
    assert [kind for _, kind, _ in claim_notices(pg_bank)] == ["assist_no_agent"]


def test_state_lookup_and_hand_back_on_postgres(pg_bank: Bank) -> None:  # noqa: F811
    to_otp(pg_bank, "tg:pga4")
    found = expect_code(
        pg_bank.assist_phone.lookup(agent=PAULA, cedula_or_ruc=MARIA_CEDULA), "found"
    )
    assert [(j["journey"], j["step"]) for j in found.data["journeys"]] == [("registration", "otp")]
    assert found.data["otp"]["attempts_left"] == 5
    held_by_paula(pg_bank, "tg:pga4", reason="not_my_number")
    state = pg_bank.assist_desk.state_for_agent(agent=PAULA).data
    assert state["journeys"][0]["can_return_to"] == ["contact_confirmation", "identity_number"]
    back = expect_code(
        pg_bank.assist_desk.hand_back(agent=PAULA, step="contact_confirmation"), "handed_back"
    )
    assert back.data["step"] == "contact_confirmation"
    expect(pg_bank.registration.touch(sender_id="tg:pga4"), "active", Step.CONTACT_CONFIRMATION)


def test_the_audit_filters_by_customer_on_postgres(pg_bank: Bank) -> None:  # noqa: F811
    for _ in range(3):
        to_pin(pg_bank, "tg:pga5")
        pg_bank.registration.submit_pin(sender_id="tg:pga5", pin="9999")
    reason = "Verificada por teléfono con preguntas"
    expect_code(
        pg_bank.assist_phone.unlock(agent=PAULA, cedula_or_ruc=MARIA_CEDULA, reason=reason),
        "unlocked",
    )
    pg_bank.assist_phone.lookup(agent=PAULA, cedula_or_ruc="0912345675")
    actions = [row.action for row in pg_bank.audit_log.read(customer=MARIA_CEDULA)]
    assert "assist.unlock" in actions and "identity.unlocked" in actions
    assert "assist.lookup" not in actions
