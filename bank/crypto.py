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

# Stored hashes of the current scheme: argon2id over an HMAC of the secret keyed with the bank's
# pepper, so a stolen database alone cannot be cracked (a 4-digit PIN is 10,000 guesses).
PEPPERED_PREFIX = "pep1$"
# Hashes written before the pepper, then sealed with the bank's key (`seal_legacy`): verifiable
# with the key, useless without it, upgraded to the current scheme at the next right secret.
SEALED_PREFIX = "seal1$"

# argon2id's cost: the OWASP Password Storage Cheat Sheet's configuration (19 MiB, 2 passes,
# 1 lane), over the pepper above. A hash keeps the cost it was made with; one made with another
# cost is re-made at its owner's next right secret (`needs_upgrade`). docs/security.md says why.
ARGON2_TIME_COST = 2
ARGON2_MEMORY_KIB = 19456
ARGON2_PARALLELISM = 1


class SecretHasher:
    """argon2id hashing of low-entropy secrets (PINs, passwords, challenge answers), peppered."""

    def __init__(
        self,
        *,
        pepper: bytes,
        time_cost: int = ARGON2_TIME_COST,
        memory_kib: int = ARGON2_MEMORY_KIB,
        parallelism: int = ARGON2_PARALLELISM,
    ) -> None:
        if len(pepper) < 32:
            raise ValueError("SecretHasher needs a pepper of at least 32 bytes")
        self._pepper = pepper
        self._legacy_cipher = SecretCipher(hmac.new(pepper, b"seal", hashlib.sha256).digest())
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID
        )

    def hash(self, secret: str) -> str:
        """Return the peppered argon2id hash of `secret` (salted, self-describing)."""
        return PEPPERED_PREFIX + self._hasher.hash(self._peppered(secret))

    def verify(self, stored_hash: str | None, secret: str) -> bool:
        """Check `secret` against `stored_hash`; with no hash, burn the same time and refuse."""
        if stored_hash is None:
            self._verify(self._dummy_hash, self._peppered(secret))
            return False
        if stored_hash.startswith(PEPPERED_PREFIX):
            return self._verify(stored_hash.removeprefix(PEPPERED_PREFIX), self._peppered(secret))
        if stored_hash.startswith(SEALED_PREFIX):
            legacy = self._legacy_cipher.decrypt(stored_hash.removeprefix(SEALED_PREFIX))
            return legacy is not None and self._verify(legacy, secret)
        # An unsealed legacy hash (before `python -m bank migrate` sealed it).
        return self._verify(stored_hash, secret)

    def needs_upgrade(self, stored_hash: str | None) -> bool:
        """Whether a stored hash predates the pepper or the current cost (re-hash it when the
        right secret is seen)."""
        if stored_hash is None:
            return False
        if not stored_hash.startswith(PEPPERED_PREFIX):
            return True
        try:
            return self._hasher.check_needs_rehash(stored_hash.removeprefix(PEPPERED_PREFIX))
        except InvalidHashError:
            return False

    def seal_legacy(self, stored_hash: str) -> str:
        """A legacy (unpeppered) hash sealed with the bank's key; other hashes unchanged."""
        if stored_hash.startswith((PEPPERED_PREFIX, SEALED_PREFIX)):
            return stored_hash
        return SEALED_PREFIX + self._legacy_cipher.encrypt(stored_hash)

    def _peppered(self, secret: str) -> str:
        return hmac.new(self._pepper, secret.encode(), hashlib.sha256).hexdigest()

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
