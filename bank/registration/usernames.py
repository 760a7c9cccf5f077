"""Username suggestions when the one chosen is taken: name-based, with digits, available."""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bank.models import OnlineUser
from bank.validators import USERNAME_MAX, validate_username

SUGGESTION_COUNT = 3
_MAX_ROUNDS = 5


def _ascii_words(full_name: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", full_name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = ["".join(c for c in word if c.isascii() and c.isalnum()) for word in plain.split()]
    return [word for word in words if word]


def _bases(full_name: str) -> list[str]:
    words = _ascii_words(full_name) or ["usuario"]
    first = words[0]
    # Spanish names end with two surnames: the first surname is the one before last.
    surname = words[-2] if len(words) >= 3 else words[-1]
    bases = [first[0] + surname, first + surname[0], first + surname]
    if len(words) >= 4:
        bases.insert(1, first[0] + words[1][0] + surname)
    unique: list[str] = []
    for base in bases:
        trimmed = base[: USERNAME_MAX - 4]
        if trimmed not in unique:
            unique.append(trimmed)
    return unique


def suggest_usernames(
    session: Session, *, full_name: str, identities: Iterable[str], count: int = SUGGESTION_COUNT
) -> list[str]:
    """`count` usernames that pass the policy and no online user has (ignoring case)."""
    numbers = list(identities)
    bases = _bases(full_name)
    chosen: list[str] = []
    for _ in range(_MAX_ROUNDS):
        candidates = []
        for index in range(count * 2):
            base = bases[index % len(bases)]
            candidate = f"{base}{secrets.randbelow(9000) + 1000}"
            if validate_username(candidate, identities=numbers).ok and candidate not in chosen:
                candidates.append(candidate)
        taken = set(
            session.scalars(
                select(OnlineUser.username_key).where(OnlineUser.username_key.in_(candidates))
            )
        )
        for candidate in candidates:
            if candidate not in taken and candidate not in chosen:
                chosen.append(candidate)
            if len(chosen) == count:
                return chosen
    return chosen
