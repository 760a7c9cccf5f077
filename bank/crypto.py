"""Hashing and encryption primitives: argon2id, keyed HMAC, Fernet.

Each takes its key as a `bank.keys.KeyRing` (or one key): the current key writes, and the older
keys of the ring still decrypt, verify and match what they wrote (the HKDF migration).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from bank.keys import KeyRing

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


@dataclass(frozen=True)
class HashCheck:
    """A secret checked against a stored hash: `ok`, and whether the hash should be re-made from
    the secret now that it is known (`outdated`: an older scheme, cost or pepper)."""

    ok: bool
    outdated: bool = False


class SecretHasher:
    """argon2id hashing of low-entropy secrets (PINs, passwords, challenge answers), peppered.

    `pepper` is a key ring: new hashes use its current key; a hash made with an older pepper
    still verifies, costs one argon2id run per pepper tried, and is `outdated` once verified.
    """

    def __init__(
        self,
        *,
        pepper: bytes | KeyRing,
        time_cost: int = ARGON2_TIME_COST,
        memory_kib: int = ARGON2_MEMORY_KIB,
        parallelism: int = ARGON2_PARALLELISM,
    ) -> None:
        peppers = KeyRing.of(pepper)
        if any(len(key) < 32 for key in peppers.keys):
            raise ValueError("SecretHasher needs a pepper of at least 32 bytes")
        self._peppers = peppers.keys
        seal_keys = _seal_keys(peppers.keys)
        self._legacy_cipher = SecretCipher(KeyRing(seal_keys[0], seal_keys[1:]))
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID
        )

    def hash(self, secret: str) -> str:
        """Return the peppered argon2id hash of `secret` (salted, self-describing)."""
        return PEPPERED_PREFIX + self._hasher.hash(self._peppered(self._peppers[0], secret))

    def verify(self, stored_hash: str | None, secret: str) -> bool:
        """Check `secret` against `stored_hash`; with no hash, burn the same time and refuse."""
        return self.check(stored_hash, secret).ok

    def check(self, stored_hash: str | None, secret: str) -> HashCheck:
        """Like `verify`, also telling whether the hash should be re-made (`upgrade_if_needed`)."""
        if stored_hash is None:
            # Every pepper is tried against a wrong secret: a missing user costs the same.
            for pepper in self._peppers:
                self._verify(self._dummy_hash, self._peppered(pepper, secret))
            return HashCheck(ok=False)
        if stored_hash.startswith(PEPPERED_PREFIX):
            argon2_hash = stored_hash.removeprefix(PEPPERED_PREFIX)
            for generation, pepper in enumerate(self._peppers):
                if self._verify(argon2_hash, self._peppered(pepper, secret)):
                    return HashCheck(ok=True, outdated=generation > 0 or self._rehash(argon2_hash))
            return HashCheck(ok=False)
        if stored_hash.startswith(SEALED_PREFIX):
            legacy = self._legacy_cipher.decrypt(stored_hash.removeprefix(SEALED_PREFIX))
            ok = legacy is not None and self._verify(legacy, secret)
            return HashCheck(ok=ok, outdated=ok)
        # An unsealed legacy hash (before `python -m bank migrate` sealed it).
        ok = self._verify(stored_hash, secret)
        return HashCheck(ok=ok, outdated=ok)

    def needs_upgrade(self, stored_hash: str | None) -> bool:
        """Whether a stored hash predates the pepper or the current cost (re-hash it when the
        right secret is seen). Which pepper made a hash shows only when it verifies (`check`)."""
        if stored_hash is None:
            return False
        if not stored_hash.startswith(PEPPERED_PREFIX):
            return True
        return self._rehash(stored_hash.removeprefix(PEPPERED_PREFIX))

    def seal_legacy(self, stored_hash: str) -> str:
        """A legacy (unpeppered) hash sealed with the bank's key; other hashes unchanged."""
        if stored_hash.startswith((PEPPERED_PREFIX, SEALED_PREFIX)):
            return stored_hash
        return SEALED_PREFIX + self._legacy_cipher.encrypt(stored_hash)

    @staticmethod
    def _peppered(pepper: bytes, secret: str) -> str:
        return hmac.new(pepper, secret.encode(), hashlib.sha256).hexdigest()

    def _rehash(self, argon2_hash: str) -> bool:
        try:
            return self._hasher.check_needs_rehash(argon2_hash)
        except InvalidHashError:
            return False

    def _verify(self, stored_hash: str, secret: str) -> bool:
        try:
            return self._hasher.verify(stored_hash, secret)
        except (VerificationError, InvalidHashError):
            return False

    @cached_property
    def _dummy_hash(self) -> str:
        # A hash with our parameters, so a missing user costs what a wrong secret costs.
        return self._hasher.hash(secrets.token_urlsafe(16))


def _seal_keys(peppers: Iterable[bytes]) -> tuple[bytes, ...]:
    """The keys that seal pre-pepper hashes, one per pepper."""
    return tuple(hmac.new(pepper, b"seal", hashlib.sha256).digest() for pepper in peppers)


def keyed_digest(key: bytes, *parts: str) -> str:
    """HMAC-SHA256 of the parts (unit-separated), as hex."""
    message = "\x1f".join(parts).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def keyed_digests(keys: KeyRing, *parts: str) -> tuple[str, ...]:
    """`keyed_digest` of the parts under every key of the ring, the current key's first: what
    a stored digest may be, whichever key wrote it."""
    return tuple(keyed_digest(key, *parts) for key in keys.keys)


def digests_match(expected: str, actual: str) -> bool:
    """Compare two digests in constant time."""
    return hmac.compare_digest(expected.encode(), actual.encode())


def digest_matches_any(expected: str, candidates: Iterable[str]) -> bool:
    """Whether `expected` is one of `candidates`; every comparison is made, in constant time."""
    results = [digests_match(expected, candidate) for candidate in candidates]
    return any(results)


class SecretCipher:
    """Authenticated symmetric encryption (Fernet) with derived 32-byte keys.

    With a key ring it is a MultiFernet: the current key encrypts, every key of the ring
    decrypts, and `refresh` re-encrypts an older key's token under the current one.
    """

    def __init__(self, key: bytes | KeyRing) -> None:
        ring = KeyRing.of(key)
        if any(len(one) != 32 for one in ring.keys):
            raise ValueError("SecretCipher needs a 32-byte key")
        fernets = [Fernet(base64.urlsafe_b64encode(one)) for one in ring.keys]
        self._current = fernets[0]
        self._fernet = MultiFernet(fernets)

    def encrypt(self, plaintext: str) -> str:
        """Encrypt `plaintext`; the token is ASCII."""
        return self._fernet.encrypt(plaintext.encode()).decode("ascii")

    def decrypt(self, token: str) -> str | None:
        """Decrypt `token`, or None when it was tampered with or made with another key."""
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode()
        except (InvalidToken, UnicodeError):
            return None

    def refresh(self, token: str) -> str | None:
        """`token` re-encrypted under the current key when an older key of the ring made it;
        None when it is current already, or unreadable."""
        try:
            raw = token.encode("ascii")
            self._current.decrypt(raw)
        except UnicodeError:
            return None
        except InvalidToken:
            try:
                return self._fernet.rotate(raw).decode("ascii")
            except InvalidToken:
                return None
        return None
