"""The declarative `Base` every bank model derives from, and the column types models share."""

from __future__ import annotations

from typing import Final

from sqlalchemy import MetaData, Numeric, String
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MONEY: Final = Numeric(14, 2)
"""An amount of money: exact, in dollars with cents."""

SENDER_ID: Final = String(200)
"""A chat's sender id as the assistant knows it (`tg:<user id>`, a playground id, ...)."""

PASSWORD_HASH: Final = String(200)
"""An argon2id hash of a PIN, a password or a picture password."""


class Base(DeclarativeBase):
    """Declarative base with a naming convention, so migrations name constraints the same."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
