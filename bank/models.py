"""SQLAlchemy models of the bank core (portable across SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Customer kinds
PERSON = "person"
COMPANY = "company"

# Journey statuses
ACTIVE = "active"
COMPLETED = "completed"
CANCELLED = "cancelled"
ENDED = "ended"

# Cuenta Mini states
MINI_IN_APPROVAL = "in_approval"
MINI_APPROVED = "approved"

# Second factor of an online user
SECOND_FACTOR_TOKEN = "token"  # noqa: S105 (a method name)
SECOND_FACTOR_PENDING = "pending"


class Base(DeclarativeBase):
    """Declarative base with a naming convention, so migrations name constraints the same."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Customer(Base):
    """A bank customer: a person (cédula) or a company (RUC)."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    id_number: Mapped[str] = mapped_column(String(13), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    mobile: Mapped[str | None] = mapped_column(String(20), default=None)  # E.164
    pin_hash: Mapped[str | None] = mapped_column(String(200), default=None)  # argon2id


class AdditionalUser(Base):
    """A person who operates a company's banking with the company's RUC and their own cédula."""

    __tablename__ = "additional_users"
    __table_args__ = (UniqueConstraint("company_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    pin_hash: Mapped[str | None] = mapped_column(String(200), default=None)  # argon2id


class OnlineUser(Base):
    """A Produbanco en línea user, created only when a registration completes."""

    __tablename__ = "online_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    additional_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("additional_users.id"), default=None
    )
    # "<customer_id>:<additional_user_id or 0>": one user per (customer, additional user), as a
    # plain unique column because NULLs never collide in a composite unique constraint.
    owner_key: Mapped[str] = mapped_column(String(40), unique=True)
    username: Mapped[str] = mapped_column(String(20))
    username_key: Mapped[str] = mapped_column(String(20), unique=True)  # lower case
    password_hash: Mapped[str] = mapped_column(String(200))
    security_image: Mapped[str] = mapped_column(String(40))
    home_phone: Mapped[str | None] = mapped_column(String(20), default=None)
    work_phone: Mapped[str | None] = mapped_column(String(20), default=None)
    challenge_first_name_hash: Mapped[str] = mapped_column(String(200))
    challenge_mother_surname_hash: Mapped[str] = mapped_column(String(200))
    challenge_father_surname_hash: Mapped[str] = mapped_column(String(200))
    second_factor: Mapped[str] = mapped_column(String(16))
    totp_secret_encrypted: Mapped[str | None] = mapped_column(Text, default=None)
    totp_last_timestep: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Journey(Base):
    """One customer journey (registration today) driven by a chat sender."""

    __tablename__ = "journeys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    sender_id: Mapped[str] = mapped_column(String(200), index=True)
    # Equal to "<kind>:<sender_id>" while active, NULL afterwards: one active journey per
    # sender and kind, enforced by the database.
    active_key: Mapped[str | None] = mapped_column(String(240), unique=True, default=None)
    status: Mapped[str] = mapped_column(String(16))
    step: Mapped[str] = mapped_column(String(40))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), default=None)
    additional_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("additional_users.id"), default=None
    )
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    last_activity_at: Mapped[datetime] = mapped_column(DateTime)


class IdentityGuard(Base):
    """Failure counters and locks for one identity key (RUC, or RUC+cédula)."""

    __tablename__ = "identity_guards"

    identity_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    held_for_agent: Mapped[bool] = mapped_column(Boolean, default=False)
    # Locks before this moment no longer count for the "third lock in 24 hours" rule.
    history_reset_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    otp_locked_until: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class IdentityLockEvent(Base):
    """One lock of an identity (history for the 24-hour rule)."""

    __tablename__ = "identity_lock_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    identity_key: Mapped[str] = mapped_column(String(40), index=True)
    locked_at: Mapped[datetime] = mapped_column(DateTime)
    held: Mapped[bool] = mapped_column(Boolean, default=False)


class OtpChallenge(Base):
    """A one-time code sent by SMS, stored only as a keyed hash."""

    __tablename__ = "otp_challenges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id"), index=True)
    identity_key: Mapped[str] = mapped_column(String(40), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    consumed_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    invalidated_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    wrong_attempts: Mapped[int] = mapped_column(Integer, default=0)


class OutboxMessage(Base):
    """An SMS or e-mail the bank "sent" (the local stand-in for the gateways)."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))  # sms | email
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str | None] = mapped_column(String(200), default=None)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class AuditEntry(Base):
    """Who did what, when, on whose behalf. Never holds a secret."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    actor: Mapped[str] = mapped_column(String(240))
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str] = mapped_column(String(240))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class SecretBoxEntry(Base):
    """A secret typed by a customer, encrypted, single use, minutes of life."""

    __tablename__ = "secret_box"

    ref: Mapped[str] = mapped_column(String(40), primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    ciphertext: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)


# Bot-side state of a chat channel (bank.channel_state). It never holds a secret in clear.


class ChannelPendingInput(Base):
    """The secret kind the chat's next typed message will be read as."""

    __tablename__ = "channel_pending_inputs"

    chat_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class ChannelKeyboard(Base):
    """One inline keyboard the bot sent; its buttons are ChannelCallback rows."""

    __tablename__ = "channel_keyboards"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    chat_key: Mapped[str] = mapped_column(String(200), index=True)
    message_id: Mapped[int | None] = mapped_column(Integer, default=None)
    # For multi-pick image keyboards: how many picks, the payload template and the picks so far
    # (encrypted: a picture password is a secret).
    choose: Mapped[int] = mapped_column(Integer, default=1)
    payload_template: Mapped[str | None] = mapped_column(Text, default=None)
    picks_sealed: Mapped[str | None] = mapped_column(Text, default=None)
    used: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class ChannelCallback(Base):
    """A button's opaque callback id and what a tap on it means."""

    __tablename__ = "channel_callbacks"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    keyboard_id: Mapped[str] = mapped_column(
        ForeignKey("channel_keyboards.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(16))
    payload: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(String(200))


class ChannelUpdate(Base):
    """An update id already handled, so a repeated delivery is ignored."""

    __tablename__ = "channel_updates"

    bot_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class ChannelMedia(Base):
    """A picture already uploaded: the platform's file id under our cache key."""

    __tablename__ = "channel_media"

    bot_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    cache_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    file_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ChannelNotice(Base):
    """A one-time notice already shown in a chat."""

    __tablename__ = "channel_notices"

    chat_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    notice: Mapped[str] = mapped_column(String(64), primary_key=True)
    shown_at: Mapped[datetime] = mapped_column(DateTime)


class MiniAccount(Base):
    """A child's Cuenta Mini, linked to the parent customer whose account it moves money with."""

    __tablename__ = "mini_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    child_full_name: Mapped[str] = mapped_column(String(200))
    child_cedula: Mapped[str] = mapped_column(String(10), unique=True)
    child_birth_date: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)


class MiniActivationCode(Base):
    """A 6-digit activation code for a child's registration, kept only as a keyed digest."""

    __tablename__ = "mini_activation_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mini_account_id: Mapped[int] = mapped_column(ForeignKey("mini_accounts.id"), index=True)
    code_digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    invalidated_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    wrong_entries: Mapped[int] = mapped_column(Integer, default=0)


class ParentSession(Base):
    """A parent signed in (or signing in) to "Cuenta para mis hijos" from one chat."""

    __tablename__ = "parent_sessions"

    sender_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    online_user_id: Mapped[int] = mapped_column(ForeignKey("online_users.id"), index=True)
    state: Mapped[str] = mapped_column(String(16))  # awaiting_token, active
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_activity_at: Mapped[datetime] = mapped_column(DateTime)


class SignInGuard(Base):
    """Failed sign-ins per username (known or not), and the lock or hold they lead to."""

    __tablename__ = "sign_in_guards"

    username_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    # Wrong second-factor codes in a row (Token digital); a right password does not reset them.
    token_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Set when the sign-in is held until someone releases it (`token`, `locks`); None when open.
    held_reason: Mapped[str | None] = mapped_column(String(24), default=None)
    held_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    # Locks before this moment no longer count for the "third lock in 24 hours" rule.
    history_reset_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class SignInLockEvent(Base):
    """One lock of a sign-in username key (history for the "third lock in 24 hours" rule)."""

    __tablename__ = "sign_in_lock_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username_key: Mapped[str] = mapped_column(String(40), index=True)
    locked_at: Mapped[datetime] = mapped_column(DateTime)
    held: Mapped[bool] = mapped_column(Boolean, default=False)


class RateLimitHit(Base):
    """One counted attempt in a named bucket (sliding-window rate limits; keys hold no PII)."""

    __tablename__ = "rate_limit_hits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bucket: Mapped[str] = mapped_column(String(120), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)


class MiniUser(Base):
    """A child's Cuenta Mini user: a username, an avatar and a picture password (argon2id)."""

    __tablename__ = "mini_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mini_account_id: Mapped[int] = mapped_column(ForeignKey("mini_accounts.id"), unique=True)
    username: Mapped[str] = mapped_column(String(20))
    username_key: Mapped[str] = mapped_column(String(20), unique=True)  # lower case
    avatar: Mapped[str] = mapped_column(String(40))
    picture_password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # Background music and sounds; off means the bot's messages to the child arrive silently.
    music_on: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class CustomerChat(Base):
    """The chat a customer last signed in from: where the bank's notices reach them."""

    __tablename__ = "customer_chats"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(200))
    linked_at: Mapped[datetime] = mapped_column(DateTime)


class CustomerNotification(Base):
    """A notice for a customer (an approval, a lock), delivered by the channel to their chat, or
    for a chat itself (`sender_id`, no customer: a child's "your code is ready")."""

    __tablename__ = "customer_notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id"), index=True, default=None
    )
    sender_id: Mapped[str | None] = mapped_column(String(200), default=None)
    kind: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime, default=None, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class ScheduledDeletion(Base):
    """A message the channel must delete later (an activation code shown until it expires)."""

    __tablename__ = "scheduled_deletions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_key: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[int] = mapped_column(BigInteger)
    delete_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    done_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class LedgerAccount(Base):
    """An account of the double-entry ledger (a parent's account, a Cuenta Mini, the bank's own).

    `balance` is the sum of the account's entries, kept up to date inside the transfer that posts
    them (the account row is locked first), so a balance check and the posting are one step.
    """

    __tablename__ = "ledger_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    owner_kind: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[int | None] = mapped_column(Integer, default=None)
    balance: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    # Only the bank's own clearing account may go below zero (it stands for money from outside).
    allow_negative: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class LedgerTransfer(Base):
    """One balanced movement of money; its key makes a retried request move money once."""

    __tablename__ = "ledger_transfers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    memo: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)


class LedgerEntry(Base):
    """One side of a transfer: a signed amount on one account (a transfer's entries sum to 0)."""

    __tablename__ = "ledger_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("ledger_transfers.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    balance_after: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    created_at: Mapped[datetime] = mapped_column(DateTime)


# Cuenta Mini money: goals, missions and requests (issue 5)
GOAL_ACTIVE = "active"
GOAL_WITHDRAWN = "withdrawn"
GOAL_REMOVED = "removed"
MISSION_OPEN = "open"
MISSION_CLAIMED = "claimed"
MISSION_REWARDED = "rewarded"
MISSION_REMOVED = "removed"
REQUEST_MONEY = "money"
REQUEST_WITHDRAWAL = "withdrawal"
REQUEST_MISSION = "mission"
REQUEST_PENDING = "pending"
REQUEST_APPROVED = "approved"
REQUEST_REJECTED = "rejected"


class MiniGoal(Base):
    """A child's savings goal: a name, an amount to reach and a picture."""

    __tablename__ = "mini_goals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mini_account_id: Mapped[int] = mapped_column(ForeignKey("mini_accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    target: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    picture: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)


class MiniMission(Base):
    """A mission a parent set for a child, with the reward paid from the parent's account."""

    __tablename__ = "mini_missions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mini_account_id: Mapped[int] = mapped_column(ForeignKey("mini_accounts.id"), index=True)
    title: Mapped[str] = mapped_column(String(80))
    reward: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    state: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)


class MiniLesson(Base):
    """A bank learning mission (a lesson about saving) a child has completed."""

    __tablename__ = "mini_lessons"
    __table_args__ = (UniqueConstraint("mini_account_id", "lesson"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mini_account_id: Mapped[int] = mapped_column(ForeignKey("mini_accounts.id"), index=True)
    lesson: Mapped[str] = mapped_column(String(40))
    completed_at: Mapped[datetime] = mapped_column(DateTime)


class MiniRequest(Base):
    """Something a child asks and the parent decides once: money, a withdrawal or a reward."""

    __tablename__ = "mini_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mini_account_id: Mapped[int] = mapped_column(ForeignKey("mini_accounts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    reason: Mapped[str] = mapped_column(String(120), default="")
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("mini_goals.id"), default=None)
    mission_id: Mapped[int | None] = mapped_column(ForeignKey("mini_missions.id"), default=None)
    state: Mapped[str] = mapped_column(String(16), index=True)
    child_sender_id: Mapped[str] = mapped_column(String(200))  # the chat to tell the decision
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    decided_by: Mapped[str | None] = mapped_column(String(200), default=None)
    transfer_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_transfers.id"), default=None)


# Assisted mode (issue 6): call-center agents, their tickets, and the chats' redacted transcripts
TICKET_WAITING = "waiting"
TICKET_TAKEN = "taken"
TICKET_FOLLOW_UP = "follow_up"
TICKET_HANDED_BACK = "handed_back"
TICKET_CLOSED = "closed"
TICKET_CANCELLED = "cancelled"


class AssistAgent(Base):
    """A call-center agent: a Telegram user the bank lets use the agent commands."""

    __tablename__ = "assist_agents"

    telegram_user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    added_at: Mapped[datetime] = mapped_column(DateTime)
    removed_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)


class AssistTicket(Base):
    """A customer's request for a person: waiting in the queue, held by an agent, or over."""

    __tablename__ = "assist_tickets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # the ticket number
    sender_id: Mapped[str] = mapped_column(String(200), index=True)
    # Equal to sender_id while waiting, taken or in follow-up, NULL once over: one open ticket
    # per chat, enforced by the database (and the one-query lookup of who holds a chat).
    open_key: Mapped[str | None] = mapped_column(String(200), unique=True, default=None)
    state: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str] = mapped_column(String(24))
    journey_kind: Mapped[str | None] = mapped_column(String(32), default=None)
    journey_id: Mapped[int | None] = mapped_column(ForeignKey("journeys.id"), default=None)
    journey_step: Mapped[str | None] = mapped_column(String(40), default=None)
    # Who the customer is (or says they are): the identity key (not a secret, never shown to an
    # agent), its masked form, and its keyed hash (what audit rows are filtered on).
    identity_key: Mapped[str | None] = mapped_column(String(40), default=None)
    identity_masked: Mapped[str | None] = mapped_column(String(60), default=None)
    customer_ref: Mapped[str | None] = mapped_column(String(64), default=None)
    agent_id: Mapped[str | None] = mapped_column(
        ForeignKey("assist_agents.telegram_user_id"), index=True, default=None
    )
    created_at: Mapped[datetime] = mapped_column(DateTime)
    queued_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    taken_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    # The ticket an agent holding several works on is the one focused last.
    focused_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    follow_up_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)


class AssistNote(Base):
    """An agent's private note on a ticket (redacted; never shown to the customer)."""

    __tablename__ = "assist_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("assist_tickets.id"), index=True)
    agent_id: Mapped[str] = mapped_column(ForeignKey("assist_agents.telegram_user_id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class AssistTranscriptLine(Base):
    """One line of a chat's rolling transcript, redacted before it is stored."""

    __tablename__ = "assist_transcript_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(200), index=True)
    role: Mapped[str] = mapped_column(String(16))  # cliente, asistente, asesor
    author: Mapped[str | None] = mapped_column(String(80), default=None)  # the agent's name
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime)
