"""Hashing and encryption primitives: argon2id, keyed HMAC, Fernet."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import cached_property

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.fernet import Fernet, InvalidToken


class SecretHasher:
    """argon2id hashing of low-entropy secrets (PINs, passwords, challenge answers)."""

    def __init__(
        self, *, time_cost: int = 3, memory_kib: int = 65536, parallelism: int = 4
    ) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID
        )

    def hash(self, secret: str) -> str:
        """Return the argon2id hash of `secret` (salted, self-describing)."""
        return self._hasher.hash(secret)

    def verify(self, stored_hash: str | None, secret: str) -> bool:
        """Check `secret` against `stored_hash`; with no hash, burn the same time and refuse."""
        if stored_hash is None:
            self._verify(self._dummy_hash, secret)
            return False
        return self._verify(stored_hash, secret)

    def _verify(self, stored_hash: str, secret: str) -> bool:
        try:
            return self._hasher.verify(stored_hash, secret)
        except (VerificationError, InvalidHashError):
            return False

    @cached_property
    def _dummy_hash(self) -> str:
        # A hash with our parameters, so a missing user costs what a wrong secret costs.
        return self._hasher.hash(secrets.token_urlsafe(16))


def keyed_digest(key: bytes, *parts: str) -> str:
    """HMAC-SHA256 of the parts (unit-separated), as hex."""
    message = "\x1f".join(parts).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def digests_match(expected: str, actual: str) -> bool:
    """Compare two digests in constant time."""
    return hmac.compare_digest(expected.encode(), actual.encode())


class SecretCipher:
    """Authenticated symmetric encryption (Fernet) with a derived 32-byte key."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("SecretCipher needs a 32-byte key")
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def encrypt(self, plaintext: str) -> str:
        """Encrypt `plaintext`; the token is ASCII."""
        return self._fernet.encrypt(plaintext.encode()).decode("ascii")

    def decrypt(self, token: str) -> str | None:
        """Decrypt `token`, or None when it was tampered with or made with another key."""
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode()
        except (InvalidToken, UnicodeError):
            return None
