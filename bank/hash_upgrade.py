"""The migration path of stored hashes to the peppered scheme (bank.crypto).

`python -m bank migrate` seals every hash written before the pepper with the bank's key, so a
stolen database holds none that can be cracked on its own; each sealed hash is replaced by a
peppered one the next time its owner types the right secret (`upgrade_if_needed`). So is a hash
made at another argon2id cost, or with the pepper of the version 1 key derivation (bank.keys).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from bank.crypto import HashCheck, SecretHasher
from bank.models import AdditionalUser, Customer, MiniUser, OnlineUser

# Every column that holds an argon2id hash of a customer's secret.
HASH_COLUMNS: tuple[InstrumentedAttribute[str] | InstrumentedAttribute[str | None], ...] = (
    Customer.pin_hash,
    AdditionalUser.pin_hash,
    OnlineUser.password_hash,
    OnlineUser.challenge_first_name_hash,
    OnlineUser.challenge_mother_surname_hash,
    OnlineUser.challenge_father_surname_hash,
    MiniUser.picture_password_hash,
)


def seal_legacy_hashes(session: Session, hasher: SecretHasher) -> int:
    """Seal every unpeppered hash in the caller's unit of work; return how many were sealed."""
    sealed = 0
    for column in HASH_COLUMNS:
        entity = column.class_
        for row in session.scalars(select(entity)):
            stored = getattr(row, column.key)
            if stored is None or not hasher.needs_upgrade(stored):
                continue
            new = hasher.seal_legacy(stored)
            if new != stored:
                setattr(row, column.key, new)
                sealed += 1
    return sealed


def upgrade_if_needed(hasher: SecretHasher, check: HashCheck, secret: str) -> str | None:
    """The current hash to store after `secret` was verified (`check`, from `hasher.check`)
    against an outdated stored hash, or None when the stored hash is current."""
    return hasher.hash(secret) if check.ok and check.outdated else None
