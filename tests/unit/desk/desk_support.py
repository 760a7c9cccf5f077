"""Drivers for the desk tests: a migrated, seeded SQLite bank on a file, the desk app on it,
signing in through the form, and a customer's chat stuck after a PIN lock."""

from __future__ import annotations

import re
import secrets
from typing import Any

from sqlalchemy import select
from starlette.testclient import TestClient

from bank.assist.desk_accounts import DeskAccounts
from bank.bootstrap import Bank
from bank.db import unit_of_work
from bank.models import AuditEntry, CustomerNotification
from bank.settings import Settings

MARIA_CEDULA = "1710034065"
CHAT = "tg:1001"  # María José's chat in the playground
PAULA_LOGIN, PAULA_PASSWORD = "paula", "paula-escritorio-demo"
ROSA_LOGIN, ROSA_PASSWORD = "rosa", "rosa-supervisora-demo"
LAURA_ID, LAURA_LOGIN, LAURA_PASSWORD = "1006", "laura", "laura-escritorio-prueba"

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def cheap_settings(database_url: str) -> Settings:
    """Settings with a random key and the cheapest argon2id cost (tests only)."""
    return Settings(
        database_url=database_url,
        secret_key=secrets.token_hex(32),
        argon2_time_cost=1,
        argon2_memory_kib=8,
        argon2_parallelism=1,
    )


def csrf_of(html: str) -> str:
    """The CSRF token of the first form of a page."""
    match = _CSRF.search(html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def sign_in(client: TestClient, login: str, password: str) -> Any:
    """Sign in through the form (GET for its token, then POST); the POST's response."""
    form = client.get("/entrar")
    assert form.status_code == 200
    return client.post(
        "/entrar",
        data={"csrf": csrf_of(form.text), "usuario": login, "clave": password},
        follow_redirects=False,
    )


def signed_in(client: TestClient, login: str, password: str) -> str:
    """Sign in (it must work); the session's CSRF token, read from the queue page."""
    response = sign_in(client, login, password)
    assert response.status_code == 303, response.text
    page = client.get("/")
    assert page.status_code == 200
    return csrf_of(page.text)


def add_laura(bank: Bank) -> None:
    """A second agent with a desk login."""
    assert bank.agents.add(telegram_user_id=LAURA_ID, display_name="Laura").code == "added"
    accounts = DeskAccounts(session_factory=bank.sessions, clock=bank.clock, hasher=bank.hasher)
    code = accounts.set_account(
        telegram_user_id=LAURA_ID, login=LAURA_LOGIN, role="agent", password=LAURA_PASSWORD
    )
    assert code == "set"


def lock_maria(bank: Bank, chat: str = CHAT) -> int:
    """María José types her cédula and three wrong PINs (locked), then asks for a person: the
    ticket's number."""
    reg = bank.registration
    codes = []
    for _ in range(3):
        reg.start(sender_id=chat)
        assert reg.submit_identity_number(sender_id=chat, text=MARIA_CEDULA).code == "ok"
        codes.append(reg.submit_pin(sender_id=chat, pin="0000").code)
    assert codes[-1] == "locked", codes
    opened = bank.tickets.open(sender_id=chat, reason="locked")
    assert opened.code == "opened", opened
    return int(opened.data["ticket"])


def open_ticket(bank: Bank, chat: str, reason: str = "asked") -> int:
    """A waiting ticket for `chat`."""
    opened = bank.tickets.open(sender_id=chat, reason=reason)
    assert opened.code == "opened", opened
    return int(opened.data["ticket"])


def desk_audit(bank: Bank) -> list[AuditEntry]:
    """The desk's audit rows, oldest first."""
    with unit_of_work(bank.sessions) as session:
        return list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.action.startswith("desk."))
                .order_by(AuditEntry.id)
            )
        )


def desk_notices(bank: Bank, chat: str = CHAT) -> list[tuple[str, dict[str, Any]]]:
    """The desk's notices queued for a chat, oldest first (kind, data)."""
    with unit_of_work(bank.sessions) as session:
        rows = session.scalars(
            select(CustomerNotification)
            .where(
                CustomerNotification.sender_id == chat,
                CustomerNotification.kind.startswith("assist_desk_"),
            )
            .order_by(CustomerNotification.id)
        )
        return [(row.kind, dict(row.data)) for row in rows]
