"""Customers and their credentials: people and companies, additional users, online users."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bank.models.columns import PASSWORD_HASH, Base

# Customer kinds
PERSON = "person"
COMPANY = "company"

# Second factor of an online user
SECOND_FACTOR_TOKEN = "token"  # noqa: S105 (a method name)
SECOND_FACTOR_PENDING = "pending"


class Customer(Base):
    """A bank customer: a person (cédula) or a company (RUC)."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    id_number: Mapped[str] = mapped_column(String(13), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    mobile: Mapped[str | None] = mapped_column(String(20), default=None)  # E.164
    pin_hash: Mapped[str | None] = mapped_column(PASSWORD_HASH, default=None)


class AdditionalUser(Base):
    """A person who operates a company's banking with the company's RUC and their own cédula."""

    __tablename__ = "additional_users"
    __table_args__ = (UniqueConstraint("company_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    pin_hash: Mapped[str | None] = mapped_column(PASSWORD_HASH, default=None)


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
    password_hash: Mapped[str] = mapped_column(PASSWORD_HASH)
    security_image: Mapped[str] = mapped_column(String(40))
    home_phone: Mapped[str | None] = mapped_column(String(20), default=None)
    work_phone: Mapped[str | None] = mapped_column(String(20), default=None)
    challenge_first_name_hash: Mapped[str] = mapped_column(PASSWORD_HASH)
    challenge_mother_surname_hash: Mapped[str] = mapped_column(PASSWORD_HASH)
    challenge_father_surname_hash: Mapped[str] = mapped_column(PASSWORD_HASH)
    second_factor: Mapped[str] = mapped_column(String(16))
    totp_secret_encrypted: Mapped[str | None] = mapped_column(Text, default=None)
    totp_last_timestep: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime)
