"""Agents: adding, removing, listing; only agents get anything from the agent calls; agents have
no way to see, set or reset a secret; the settings of assisted mode."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path

import pytest
from bank_helpers import MARIA_CEDULA, to_otp
from test_bank_assist_tickets import PAULA, audit_rows, expect_code

from bank.assist import (
    Agents,
    AgentView,
    AssistDesk,
    PhoneAssist,
    Tickets,
    Transcripts,
)
from bank.assist.agents import normalise_telegram_id
from bank.assist.outcome import AssistCode
from bank.bootstrap import Bank
from bank.outbox import read_outbox
from bank.outcome import Outcome
from bank.settings import SettingsError, load_settings

STRONG = "3f9a1c0e7b5d2a4f8c6e1b3d5f7a9c0e"
FORBIDDEN = ("pin", "password", "otp_code", "secret", "set_", "reset")


def test_paula_is_the_demo_agent(bank: Bank) -> None:
    paula = bank.agents.agent(telegram_user_id=1005)
    assert isinstance(paula, AgentView)
    assert (paula.telegram_user_id, paula.display_name, paula.active) == ("1005", "Paula", True)
    assert (paula.sender_id, paula.actor) == ("tg:1005", "agent:1005 Paula")
    assert bank.agents.is_agent(telegram_user_id="tg:1005")
    assert not bank.agents.is_agent(telegram_user_id="1003")  # Carlos is a customer
    assert not bank.agents.is_agent(telegram_user_id="")
    (row,) = audit_rows(bank, "assist.agent_added")
    assert row.actor == "seed"


def test_add_update_remove_and_add_again(bank: Bank) -> None:
    agents = bank.agents
    assert agents.add(telegram_user_id=" 42 ", display_name="  Ana   María ").data == {
        "telegram_user_id": "42",
        "display_name": "Ana María",
    }
    expect_code(agents.add(telegram_user_id=42, display_name="Ana M."), "updated")
    assert [(a.telegram_user_id, a.display_name, a.active) for a in agents.all_agents()] == [
        ("1005", "Paula", True),
        ("42", "Ana M.", True),
    ]
    expect_code(agents.remove(telegram_user_id=42), "removed")
    expect_code(agents.remove(telegram_user_id=42), "unknown")
    assert not agents.is_agent(telegram_user_id=42)
    assert [a.active for a in agents.all_agents()] == [True, False]
    expect_code(agents.add(telegram_user_id=42, display_name="Ana"), "added")
    assert agents.is_agent(telegram_user_id=42)
    actions = [(r.actor, r.action) for r in audit_rows(bank, "assist.agent")]
    assert actions == [
        ("seed", "assist.agent_added"),
        ("admin:cli", "assist.agent_added"),
        ("admin:cli", "assist.agent_updated"),
        ("admin:cli", "assist.agent_removed"),
        ("admin:cli", "assist.agent_added"),
    ]


@pytest.mark.parametrize(
    ("telegram_id", "name", "reason"),
    [
        ("abc", "Ana", "telegram_id"),
        ("-5", "Ana", "telegram_id"),
        ("0", "Ana", "telegram_id"),
        ("1" * 21, "Ana", "telegram_id"),
        ("42", "   ", "display_name"),
        ("42", "x" * 81, "display_name"),
    ],
)
def test_bad_agents_are_refused(bank: Bank, telegram_id: str, name: str, reason: str) -> None:
    refused = bank.agents.add(telegram_user_id=telegram_id, display_name=name)
    assert refused == Outcome(AssistCode.INVALID, data={"reason": reason})


def test_telegram_ids_are_normalised() -> None:
    assert normalise_telegram_id(1005) == "1005"
    assert normalise_telegram_id("tg:1005") == "1005"
    assert normalise_telegram_id("001005") == "1005"
    assert normalise_telegram_id("١٠٠٥") is None  # digits, but not ASCII
    assert normalise_telegram_id("10 05") is None


def _agent_calls(bank: Bank, agent: str, number: int) -> dict[str, Callable[[], Outcome]]:
    desk, phone = bank.assist_desk, bank.assist_phone
    return {
        "queue": lambda: desk.queue(agent=agent),
        "take": lambda: desk.take(agent=agent, ticket_number=number),
        "current_ticket": lambda: desk.current_ticket(agent=agent),
        "switch": lambda: desk.switch(agent=agent, ticket_number=number),
        "transcript": lambda: desk.transcript(agent=agent, ticket_number=number),
        "state_for_agent": lambda: desk.state_for_agent(agent=agent, ticket_number=number),
        "reply": lambda: desk.reply(agent=agent, text="hola", ticket_number=number),
        "note": lambda: desk.note(agent=agent, text="nota", ticket_number=number),
        "hand_back": lambda: desk.hand_back(agent=agent, ticket_number=number),
        "close": lambda: desk.close(agent=agent, ticket_number=number),
        "lookup": lambda: phone.lookup(agent=agent, cedula_or_ruc=MARIA_CEDULA),
        "resend_otp": lambda: phone.resend_otp(agent=agent, cedula_or_ruc=MARIA_CEDULA),
        "unlock": lambda: phone.unlock(
            agent=agent, cedula_or_ruc=MARIA_CEDULA, reason="una razón suficientemente larga"
        ),
        "send_link": lambda: phone.send_link(
            agent=agent, cedula_or_ruc=MARIA_CEDULA, journey="registro"
        ),
    }


def _public_methods(cls: type) -> set[str]:
    return {
        name
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    }


@pytest.mark.parametrize("who", ["9999", "1003", "abc", "", "tg:", "1007", "removed-paula"])
def test_anyone_but_an_agent_gets_not_agent_from_every_agent_call(bank: Bank, who: str) -> None:
    bank.agents.add(telegram_user_id="1007", display_name="Ex agente")
    bank.agents.remove(telegram_user_id="1007")
    if who == "removed-paula":
        bank.agents.remove(telegram_user_id=PAULA)
        who = PAULA
    to_otp(bank, "tg:5001")
    number = int(bank.tickets.open(sender_id="tg:5001", reason="asked").data["ticket"])
    before = len(audit_rows(bank))
    calls = _agent_calls(bank, who, number)
    assert set(calls) == _public_methods(AssistDesk) | _public_methods(PhoneAssist)
    for name, call in calls.items():
        assert call() == Outcome(AssistCode.NOT_AGENT), name
    assert len(audit_rows(bank)) == before  # nothing happened
    assert bank.tickets.position(sender_id="tg:5001").code == "waiting"
    assert len(read_outbox(bank.sessions)) == 1  # only the customer's own code


@pytest.mark.parametrize("cls", [Agents, AssistDesk, PhoneAssist, Tickets, Transcripts])
def test_no_call_can_see_set_or_reset_a_secret(cls: type) -> None:
    names = [name for name in dir(cls) if not name.startswith("__")]
    for name in names:
        assert not any(word in name.lower() for word in FORBIDDEN), f"{cls.__name__}.{name}"


def test_assist_settings(tmp_path: Path) -> None:
    base = {"BANK_SECRET_KEY": STRONG, "DATABASE_URL": "sqlite://"}
    defaults = load_settings(base, var_dir=tmp_path)
    assert (defaults.assist_wait_minutes, defaults.telegram_bot_username) == (
        10,
        "ProdubancoAsistenteBot",
    )
    chosen = load_settings(
        {**base, "ASSIST_WAIT_MINUTES": "15", "TELEGRAM_BOT_USERNAME": "@MiBancoBot"},
        var_dir=tmp_path,
    )
    assert (chosen.assist_wait_minutes, chosen.telegram_bot_username) == (15, "MiBancoBot")
    for bad in (
        {"ASSIST_WAIT_MINUTES": "0"},
        {"ASSIST_WAIT_MINUTES": "diez"},
        {"ASSIST_WAIT_MINUTES": "-3"},
        {"TELEGRAM_BOT_USERNAME": "mal nombre"},
    ):
        with pytest.raises(SettingsError):
            load_settings({**base, **bad}, var_dir=tmp_path)
