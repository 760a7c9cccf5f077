"""The bank's SQLAlchemy models (portable across SQLite and PostgreSQL), one module per area.

Importing the package registers every table on `Base.metadata` (what Alembic compares with);
`from bank.models import X` works for every model and constant.
"""

from __future__ import annotations

from bank.models.assist import (
    TICKET_CANCELLED,
    TICKET_CLOSED,
    TICKET_FOLLOW_UP,
    TICKET_HANDED_BACK,
    TICKET_TAKEN,
    TICKET_WAITING,
    AssistAgent,
    AssistNote,
    AssistTicket,
    AssistTranscriptLine,
)
from bank.models.audit import AuditEntry
from bank.models.columns import NAMING_CONVENTION, Base
from bank.models.customers import (
    COMPANY,
    PERSON,
    SECOND_FACTOR_PENDING,
    SECOND_FACTOR_TOKEN,
    AdditionalUser,
    Customer,
    OnlineUser,
)
from bank.models.desk import DESK_AGENT, DESK_ROLES, DESK_SUPERVISOR, DeskAccount, DeskSession
from bank.models.guards import (
    IdentityGuard,
    IdentityLockEvent,
    RateLimitHit,
    SignInGuard,
    SignInLockEvent,
)
from bank.models.journey_steps import JourneyStep
from bank.models.journeys import ACTIVE, CANCELLED, COMPLETED, ENDED, Journey
from bank.models.ledger import LedgerAccount, LedgerEntry, LedgerTransfer
from bank.models.messages import CustomerChat, CustomerNotification, OutboxMessage
from bank.models.mini import (
    MINI_APPROVED,
    MINI_IN_APPROVAL,
    MiniAccount,
    MiniActivationCode,
    MiniUser,
    ParentSession,
)
from bank.models.mini_money import (
    GOAL_ACTIVE,
    GOAL_REMOVED,
    GOAL_WITHDRAWN,
    MISSION_CLAIMED,
    MISSION_OPEN,
    MISSION_REMOVED,
    MISSION_REWARDED,
    REQUEST_APPROVED,
    REQUEST_MISSION,
    REQUEST_MONEY,
    REQUEST_PENDING,
    REQUEST_REJECTED,
    REQUEST_WITHDRAWAL,
    MiniGoal,
    MiniLesson,
    MiniMission,
    MiniRequest,
)
from bank.models.short_lived_secrets import OtpChallenge, SecretBoxEntry

__all__ = [
    "ACTIVE",
    "CANCELLED",
    "COMPANY",
    "COMPLETED",
    "DESK_AGENT",
    "DESK_ROLES",
    "DESK_SUPERVISOR",
    "ENDED",
    "GOAL_ACTIVE",
    "GOAL_REMOVED",
    "GOAL_WITHDRAWN",
    "MINI_APPROVED",
    "MINI_IN_APPROVAL",
    "MISSION_CLAIMED",
    "MISSION_OPEN",
    "MISSION_REMOVED",
    "MISSION_REWARDED",
    "NAMING_CONVENTION",
    "PERSON",
    "REQUEST_APPROVED",
    "REQUEST_MISSION",
    "REQUEST_MONEY",
    "REQUEST_PENDING",
    "REQUEST_REJECTED",
    "REQUEST_WITHDRAWAL",
    "SECOND_FACTOR_PENDING",
    "SECOND_FACTOR_TOKEN",
    "TICKET_CANCELLED",
    "TICKET_CLOSED",
    "TICKET_FOLLOW_UP",
    "TICKET_HANDED_BACK",
    "TICKET_TAKEN",
    "TICKET_WAITING",
    "AdditionalUser",
    "AssistAgent",
    "AssistNote",
    "AssistTicket",
    "AssistTranscriptLine",
    "AuditEntry",
    "Base",
    "Customer",
    "CustomerChat",
    "CustomerNotification",
    "DeskAccount",
    "DeskSession",
    "IdentityGuard",
    "IdentityLockEvent",
    "Journey",
    "JourneyStep",
    "LedgerAccount",
    "LedgerEntry",
    "LedgerTransfer",
    "MiniAccount",
    "MiniActivationCode",
    "MiniGoal",
    "MiniLesson",
    "MiniMission",
    "MiniRequest",
    "MiniUser",
    "OnlineUser",
    "OtpChallenge",
    "OutboxMessage",
    "ParentSession",
    "RateLimitHit",
    "SecretBoxEntry",
    "SignInGuard",
    "SignInLockEvent",
]
