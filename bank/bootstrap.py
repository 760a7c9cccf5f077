"""Wiring: one function builds the bank from settings (nothing happens at import)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine

from bank.assist import (
    Agents,
    AssistDesk,
    AuditLog,
    CustomerRefs,
    PhoneAssist,
    Tickets,
    Transcripts,
)
from bank.clock import Clock, SystemClock
from bank.crypto import SecretCipher, SecretHasher
from bank.db import SessionFactory, make_engine, make_session_factory
from bank.gateways import (
    MailGatewayFactory,
    SmsGatewayFactory,
    outbox_mail_factory,
    outbox_sms_factory,
)
from bank.ledger import Ledger
from bank.mini import ActivationCodes, MiniAccounts
from bank.mini.child_users import ChildUsers
from bank.mini.family import FamilyWiring
from bank.mini.goals import MiniGoals
from bank.mini.missions import MiniMissions
from bank.mini.music import MiniMusic
from bank.mini.parent_journey import ParentMini
from bank.mini.parent_sign_in import ParentSignIn
from bank.mini.registration import MiniRegistration
from bank.mini.request_limits import Limits
from bank.mini.requests import MiniRequests
from bank.mini.sign_in_journey import ChildSignInJourney
from bank.notifications import Notifications
from bank.otp import OtpIssuer
from bank.rate_limits import RateLimiter
from bank.registration import RegistrationService
from bank.registration.context import Services
from bank.secretbox import SecretBox
from bank.settings import Settings, load_settings

SUBKEY_OTP = "otp-hmac"
SUBKEY_SECRET_BOX = "secret-box"  # noqa: S105 (a key name, not a key)
SUBKEY_TOTP = "totp-secret"
SUBKEY_MINI_ACTIVATION = "mini-activation"
SUBKEY_ASSIST_CUSTOMER_REF = "assist-customer-ref"
SUBKEY_HASH_PEPPER = "hash-pepper"
SUBKEY_RATE_LIMITS = "rate-limits"


@dataclass(frozen=True)
class Bank:
    """The bank core, wired: services for the actions and the channel, and their plumbing."""

    settings: Settings
    clock: Clock
    engine: Engine
    sessions: SessionFactory
    hasher: SecretHasher
    sms: SmsGatewayFactory
    mail: MailGatewayFactory
    registration: RegistrationService
    secret_box: SecretBox
    mini_accounts: MiniAccounts
    activation_codes: ActivationCodes
    parent_sign_in: ParentSignIn
    child_users: ChildUsers
    notifications: Notifications
    ledger: Ledger
    mini_registration: MiniRegistration
    mini_sign_in: ChildSignInJourney
    parent_mini: ParentMini
    mini_goals: MiniGoals
    mini_requests: MiniRequests
    mini_missions: MiniMissions
    mini_music: MiniMusic
    agents: Agents
    tickets: Tickets
    transcripts: Transcripts
    assist_desk: AssistDesk
    assist_phone: PhoneAssist
    audit_log: AuditLog
    customer_refs: CustomerRefs

    def dispose(self) -> None:
        """Close the database connections."""
        self.engine.dispose()


def make_hasher(settings: Settings) -> SecretHasher:
    """The argon2id hasher with the configured cost, peppered with a key of the bank's."""
    return SecretHasher(
        pepper=settings.key_ring(SUBKEY_HASH_PEPPER),
        time_cost=settings.argon2_time_cost,
        memory_kib=settings.argon2_memory_kib,
        parallelism=settings.argon2_parallelism,
    )


def build_bank(settings: Settings | None = None, clock: Clock | None = None) -> Bank:
    """Build the bank from `settings` (default: the environment) and `clock` (default: real)."""
    settings = settings or load_settings()
    clock = clock or SystemClock()
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    hasher = make_hasher(settings)
    sms = outbox_sms_factory(clock)
    mail = outbox_mail_factory(clock)
    token_cipher = SecretCipher(settings.key_ring(SUBKEY_TOTP))
    refs = CustomerRefs(key=settings.key_ring(SUBKEY_ASSIST_CUSTOMER_REF))
    services = Services(
        hasher=hasher,
        otp=OtpIssuer(key=settings.key_ring(SUBKEY_OTP)),
        token_cipher=token_cipher,
        sms=sms,
        mail=mail,
        refs=refs,
    )
    mini_accounts = MiniAccounts(session_factory=sessions, clock=clock)
    activation_codes = ActivationCodes(
        session_factory=sessions, clock=clock, key=settings.key_ring(SUBKEY_MINI_ACTIVATION)
    )
    parent_sign_in = ParentSignIn(
        session_factory=sessions,
        clock=clock,
        hasher=hasher,
        token_cipher=token_cipher,
        sms=sms,
        mail=mail,
    )
    child_users = ChildUsers(session_factory=sessions, clock=clock, hasher=hasher)
    mini_sign_in = ChildSignInJourney(
        session_factory=sessions, clock=clock, child_users=child_users
    )
    family = FamilyWiring(
        session_factory=sessions, clock=clock, children=mini_sign_in, parents=parent_sign_in
    )
    limits = Limits(per_request=settings.mini_max_per_request, per_day=settings.mini_max_per_day)
    registration = RegistrationService(session_factory=sessions, clock=clock, services=services)
    return Bank(
        settings=settings,
        clock=clock,
        engine=engine,
        sessions=sessions,
        hasher=hasher,
        sms=sms,
        mail=mail,
        registration=registration,
        secret_box=SecretBox(
            session_factory=sessions,
            clock=clock,
            cipher=SecretCipher(settings.key_ring(SUBKEY_SECRET_BOX)),
        ),
        mini_accounts=mini_accounts,
        activation_codes=activation_codes,
        parent_sign_in=parent_sign_in,
        child_users=child_users,
        notifications=Notifications(session_factory=sessions, clock=clock),
        ledger=Ledger(session_factory=sessions, clock=clock),
        mini_registration=MiniRegistration(
            session_factory=sessions,
            clock=clock,
            hasher=hasher,
            activation_codes=activation_codes,
            child_users=child_users,
            limiter=RateLimiter(key=settings.key_ring(SUBKEY_RATE_LIMITS)),
            cedula_ref=refs.ref_of_text,
        ),
        mini_sign_in=mini_sign_in,
        parent_mini=ParentMini(
            session_factory=sessions,
            clock=clock,
            parent_sign_in=parent_sign_in,
            activation_codes=activation_codes,
        ),
        mini_goals=MiniGoals(family),
        mini_requests=MiniRequests(family, limits=limits),
        mini_missions=MiniMissions(family, limits=limits),
        mini_music=MiniMusic(family),
        agents=Agents(session_factory=sessions, clock=clock),
        tickets=Tickets(
            session_factory=sessions,
            clock=clock,
            refs=refs,
            wait_limit=timedelta(minutes=settings.assist_wait_minutes),
            call_center_hours=settings.call_center_hours,
        ),
        transcripts=Transcripts(session_factory=sessions, clock=clock),
        assist_desk=AssistDesk(session_factory=sessions, clock=clock, services=services),
        assist_phone=PhoneAssist(
            session_factory=sessions,
            clock=clock,
            refs=refs,
            registration=registration,
            sms=sms,
            bot_username=settings.telegram_bot_username,
        ),
        audit_log=AuditLog(session_factory=sessions, refs=refs),
        customer_refs=refs,
    )
