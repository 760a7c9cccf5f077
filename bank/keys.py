"""The bank's subkeys: one 32-byte key per purpose, derived from BANK_SECRET_KEY.

`derive_key` is HKDF (RFC 5869) with SHA-256 from `cryptography`:
- input keying material: the master key's UTF-8 bytes. It is 64 random hex characters when the
  bank generated it, but an operator may set any 32+ character string, so HKDF's extract step
  (which turns a non-uniform secret into a uniform pseudorandom key) is wanted;
- salt: a fixed, public, application-specific value (`HKDF_SALT`). RFC 5869 allows a fixed salt;
  a random one would have to be stored next to the data, and the master key is already unique
  to the bank;
- info: "produbanco-bank/v2/<purpose>", so every purpose gets an independent key and a future
  scheme can bump the version;
- length: 32 bytes (HMAC-SHA256 keys, Fernet's signing and encryption halves, the pepper).

`legacy_key` is the version 1 derivation (HMAC-SHA256 of the master key over
"produbanco-bank/v1/<purpose>"), kept only so data written before HKDF stays readable,
verifiable and findable: a `KeyRing` holds the current key, which writes, and the older keys,
which are still accepted when reading (docs/security.md, "Key derivation", says when they go).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Final

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_LENGTH: Final = 32
HKDF_SALT: Final = b"produbanco-bank/hkdf-salt/v2"
HKDF_INFO_PREFIX: Final = "produbanco-bank/v2/"
LEGACY_MESSAGE_PREFIX: Final = "produbanco-bank/v1/"


def derive_key(master: str, purpose: str) -> bytes:
    """The current 32-byte key for `purpose`: HKDF-SHA256 of the master key."""
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_LENGTH,
        salt=HKDF_SALT,
        info=f"{HKDF_INFO_PREFIX}{purpose}".encode(),
    )
    return hkdf.derive(master.encode())


def legacy_key(master: str, purpose: str) -> bytes:
    """The version 1 key for `purpose` (HMAC-SHA256 of the master key): reading old data only."""
    message = f"{LEGACY_MESSAGE_PREFIX}{purpose}".encode()
    return hmac.new(master.encode(), message, hashlib.sha256).digest()


@dataclass(frozen=True)
class KeyRing:
    """The keys of one purpose: `current` writes; `current` and then `previous` are tried when
    reading what older keys wrote. Keys never appear in a repr."""

    current: bytes = field(repr=False)
    previous: tuple[bytes, ...] = field(default=(), repr=False)

    @property
    def keys(self) -> tuple[bytes, ...]:
        """Every key, the current one first."""
        return (self.current, *self.previous)

    @classmethod
    def of(cls, key: bytes | KeyRing) -> KeyRing:
        """A ring from a ring, or a one-key ring from a single key."""
        return key if isinstance(key, KeyRing) else cls(key)


def key_ring(master: str, purpose: str) -> KeyRing:
    """The ring of `purpose`: the HKDF key, then the version 1 key for data written before it."""
    return KeyRing(derive_key(master, purpose), (legacy_key(master, purpose),))
