"""Fictitious demo customers (see README, "Demo identities"); loading them is idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bank.assist.desk_accounts import NewAccount, set_account_in
from bank.audit import record_audit
from bank.clock import Clock
from bank.crypto import SecretHasher
from bank.guards import LOCK_DURATION
from bank.identity import mask_identity_key, person_key
from bank.ledger import post_transfer
from bank.mini.wallets import (
    CLEARING,
    mini_account_code,
    open_clearing,
    open_family_accounts,
    parent_account_code,
)
from bank.models import (
    COMPANY,
    DESK_AGENT,
    DESK_SUPERVISOR,
    MINI_APPROVED,
    MINI_IN_APPROVAL,
    PERSON,
    SECOND_FACTOR_PENDING,
    AdditionalUser,
    AssistAgent,
    Customer,
    DeskAccount,
    IdentityGuard,
    IdentityLockEvent,
    MiniAccount,
    OnlineUser,
)
from bank.registration.lookup import owner_key
from bank.validators import validate_phone


@dataclass(frozen=True)
class DemoCustomer:
    """One demo customer as the README lists it."""

    kind: str
    id_number: str
    full_name: str
    email: str
    mobile: str | None
    pin: str | None


MARIA = DemoCustomer(
    PERSON,
    "1710034065",
    "María José Andrade Salazar",
    "maria.andrade@example.com",
    "0991234567",
    "1234",
)
COMERCIAL_ANDINA = DemoCustomer(
    COMPANY, "1791234561001", "Comercial Andina S.A.", "tesoreria.andina@example.com", None, None
)
LUIS = DemoCustomer(
    PERSON,
    "1704567898",
    "Luis Fernando Paredes Vega",
    "luis.paredes@example.com",
    "0987654321",
    None,
)
LUIS_ADDITIONAL_PIN = "5678"
CARLOS = DemoCustomer(
    PERSON,
    "0912345675",
    "Carlos Alberto Mora Ruiz",
    "carlos.mora@example.com",
    "0998887766",
    "2580",
)
CARLOS_USERNAME = "CMORA2019"
CARLOS_PASSWORD = "Quito2024seguro"  # noqa: S105 (fictitious demo user, in the README)
JORGE = DemoCustomer(
    PERSON,
    "0928765437",
    "Jorge Luis Vera Cedeño",
    "jorge.vera@example.com",
    "0976543210",
    "4321",
)
ANA = DemoCustomer(
    PERSON, "1109876548", "Ana Lucía Torres Mena", "ana.torres@example.com", None, "2468"
)
DEMO_CUSTOMERS = (MARIA, COMERCIAL_ANDINA, LUIS, CARLOS, JORGE, ANA)


@dataclass(frozen=True)
class DemoChild:
    """A child of Carlos with a Cuenta Mini."""

    full_name: str
    cedula: str
    birth_date: date
    state: str
    opening_balance: Decimal = Decimal("0.00")


# Opening balances of the demo money (US dollars): Carlos's savings account and the Cuentas Mini.
CARLOS_OPENING_BALANCE = Decimal("500.00")
ANDREA = DemoChild(
    "Andrea Estefanía Mora León", "1722334453", date(2015, 3, 14), MINI_APPROVED, Decimal("10.00")
)
MATEO = DemoChild("Mateo Mora León", "1711223345", date(2017, 8, 2), MINI_APPROVED, Decimal("3.00"))
SOFIA = DemoChild("Sofía Mora León", "1803456787", date(2019, 11, 20), MINI_IN_APPROVAL)
CARLOS_CHILDREN = (ANDREA, MATEO, SOFIA)


@dataclass(frozen=True)
class DemoAgent:
    """A call-center agent of the playground (a Telegram user id and a display name)."""

    telegram_user_id: str
    display_name: str


# The playground's agent persona (bot/playground/personas.py).
PAULA = DemoAgent("1005", "Paula")
DEMO_AGENTS = (PAULA,)


@dataclass(frozen=True)
class DemoDeskAccount:
    """A web-desk sign-in of a demo agent (README, "Agent desk"): demo only, like the demo PINs."""

    agent: DemoAgent | None  # a supervisor who takes no tickets has none
    display_name: str
    login: str
    role: str
    password: str


DEMO_DESK_ACCOUNTS = (
    DemoDeskAccount(PAULA, "Paula", "paula", DESK_AGENT, "paula-escritorio-demo"),
    DemoDeskAccount(None, "Rosa", "rosa", DESK_SUPERVISOR, "rosa-supervisora-demo"),
)


@dataclass
class SeedReport:
    """What a seeding run added (zero everywhere on a second run)."""

    customers: int = 0
    additional_users: int = 0
    online_users: int = 0
    locks: int = 0
    mini_accounts: int = 0
    opening_balances: int = 0
    agents: int = 0
    desk_accounts: int = 0


def seed_demo(session: Session, *, hasher: SecretHasher, clock: Clock) -> SeedReport:
    """Add whatever demo data is missing; existing rows are never changed."""
    report = SeedReport()
    by_number = {c.id_number: _ensure_customer(session, c, hasher, report) for c in DEMO_CUSTOMERS}
    _ensure_additional_user(
        session, by_number[COMERCIAL_ANDINA.id_number], by_number[LUIS.id_number], hasher, report
    )
    _ensure_carlos_online_user(session, by_number[CARLOS.id_number], hasher, clock, report)
    _ensure_jorge_held(session, clock, report)
    _ensure_carlos_children(session, by_number[CARLOS.id_number], clock, report)
    _ensure_family_money(session, by_number[CARLOS.id_number], clock.now(), report)
    _ensure_agents(session, clock.now(), report)
    _ensure_desk_accounts(session, hasher, clock.now(), report)
    return report


def _ensure_customer(
    session: Session, demo: DemoCustomer, hasher: SecretHasher, report: SeedReport
) -> Customer:
    existing = session.scalar(select(Customer).where(Customer.id_number == demo.id_number))
    if existing is not None:
        return existing
    mobile = validate_phone(demo.mobile).value if demo.mobile else None
    customer = Customer(
        kind=demo.kind,
        id_number=demo.id_number,
        full_name=demo.full_name,
        email=demo.email,
        mobile=mobile,
        pin_hash=hasher.hash(demo.pin) if demo.pin else None,
    )
    session.add(customer)
    session.flush()
    report.customers += 1
    return customer


def _ensure_additional_user(
    session: Session, company: Customer, person: Customer, hasher: SecretHasher, report: SeedReport
) -> None:
    existing = session.scalar(
        select(AdditionalUser).where(
            AdditionalUser.company_id == company.id, AdditionalUser.person_id == person.id
        )
    )
    if existing is None:
        session.add(
            AdditionalUser(
                company_id=company.id,
                person_id=person.id,
                pin_hash=hasher.hash(LUIS_ADDITIONAL_PIN),
            )
        )
        report.additional_users += 1


def _ensure_carlos_online_user(
    session: Session, carlos: Customer, hasher: SecretHasher, clock: Clock, report: SeedReport
) -> None:
    key = owner_key(carlos.id, None)
    if session.scalar(select(OnlineUser.id).where(OnlineUser.owner_key == key)) is not None:
        return
    session.add(
        OnlineUser(
            customer_id=carlos.id,
            owner_key=key,
            username=CARLOS_USERNAME,
            username_key=CARLOS_USERNAME.lower(),
            password_hash=hasher.hash(CARLOS_PASSWORD),
            security_image="sec_volcano",
            challenge_first_name_hash=hasher.hash("carlos"),
            challenge_mother_surname_hash=hasher.hash("ruiz"),
            challenge_father_surname_hash=hasher.hash("mora"),
            second_factor=SECOND_FACTOR_PENDING,
            created_at=clock.now(),
        )
    )
    report.online_users += 1


def _ensure_jorge_held(session: Session, clock: Clock, report: SeedReport) -> None:
    key = person_key(JORGE.id_number)
    if session.get(IdentityGuard, key) is not None:
        return
    now = clock.now()
    session.add(
        IdentityGuard(
            identity_key=key,
            consecutive_failures=0,
            locked_until=now + LOCK_DURATION,
            held_for_agent=True,
            updated_at=now,
        )
    )
    # Three locks within a day is what holds an identity for an agent.
    for hours_ago in (3, 2, 0):
        session.add(
            IdentityLockEvent(
                identity_key=key, locked_at=now - timedelta(hours=hours_ago), held=hours_ago == 0
            )
        )
    record_audit(
        session,
        at=now,
        actor="seed",
        action="identity.held",
        subject=mask_identity_key(key),
        details={"reason": "demo data"},
    )
    report.locks += 1


def _ensure_carlos_children(
    session: Session, carlos: Customer, clock: Clock, report: SeedReport
) -> None:
    now = clock.now()
    for child in CARLOS_CHILDREN:
        if session.scalar(select(MiniAccount.id).where(MiniAccount.child_cedula == child.cedula)):
            continue
        session.add(
            MiniAccount(
                parent_id=carlos.id,
                child_full_name=child.full_name,
                child_cedula=child.cedula,
                child_birth_date=child.birth_date,
                state=child.state,
                created_at=now,
                approved_at=now if child.state == MINI_APPROVED else None,
            )
        )
        report.mini_accounts += 1


def _ensure_family_money(
    session: Session, carlos: Customer, now: datetime, report: SeedReport
) -> None:
    """Opening balances from the bank's clearing account, once (the transfer keys say so)."""
    open_clearing(session, now)
    accounts = session.scalars(select(MiniAccount).where(MiniAccount.parent_id == carlos.id))
    openings: list[tuple[str, Decimal]] = []
    for account in accounts:
        open_family_accounts(session, account, now)
        child = next(c for c in CARLOS_CHILDREN if c.cedula == account.child_cedula)
        if child.opening_balance > 0:
            openings.append((mini_account_code(account.id), child.opening_balance))
    openings.append((parent_account_code(carlos.id), CARLOS_OPENING_BALANCE))
    for code, amount in openings:
        result = post_transfer(
            session,
            now=now,
            key=f"demo-opening:{code}",
            debit_code=CLEARING,
            credit_code=code,
            amount=amount,
            kind="opening",
            memo="Saldo inicial",
            actor="seed",
        )
        report.opening_balances += result.code == "done"


def _ensure_agents(session: Session, now: datetime, report: SeedReport) -> None:
    """The demo agents, added once (an agent an admin removed stays removed)."""
    for agent in DEMO_AGENTS:
        if session.get(AssistAgent, agent.telegram_user_id) is not None:
            continue
        session.add(
            AssistAgent(
                telegram_user_id=agent.telegram_user_id,
                display_name=agent.display_name,
                active=True,
                added_at=now,
            )
        )
        record_audit(
            session,
            at=now,
            actor="seed",
            action="assist.agent_added",
            subject=f"agent:{agent.telegram_user_id}",
            details={"agent_id": agent.telegram_user_id, "display_name": agent.display_name},
        )
        report.agents += 1


def _ensure_desk_accounts(
    session: Session, hasher: SecretHasher, now: datetime, report: SeedReport
) -> None:
    """The demo desk sign-ins, added once (a password an admin changed stays changed)."""
    for account in DEMO_DESK_ACCOUNTS:
        if session.get(DeskAccount, account.login) is not None:
            continue
        agent_id = account.agent.telegram_user_id if account.agent else None
        if agent_id is not None:
            agent = session.get(AssistAgent, agent_id)
            if agent is None or not agent.active:
                continue
        new = NewAccount(account.login, account.role, account.display_name, agent_id)
        set_account_in(session, new, hasher.hash(account.password), now, "seed")
        report.desk_accounts += 1
