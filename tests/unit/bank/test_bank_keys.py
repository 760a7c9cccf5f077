"""Subkeys: HKDF per purpose, the version 1 keys kept for reading, and the primitives' key rings."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from argon2 import PasswordHasher

from bank.crypto import SecretCipher, SecretHasher, digest_matches_any, keyed_digest, keyed_digests
from bank.keys import HKDF_SALT, KeyRing, derive_key, key_ring, legacy_key

MASTER = "3f9a1c0e7b5d2a4f8c6e1b3d5f7a9c0e"
PURPOSES = (
    "otp-hmac",
    "secret-box",
    "totp-secret",
    "channel-state",
    "mini-activation",
    "assist-customer-ref",
    "hash-pepper",
    "rate-limits",
)
CHEAP = {"time_cost": 1, "memory_kib": 8, "parallelism": 1}


def test_hkdf_keys_differ_per_purpose_and_from_the_legacy_keys() -> None:
    current = {derive_key(MASTER, purpose) for purpose in PURPOSES}
    legacy = {legacy_key(MASTER, purpose) for purpose in PURPOSES}
    assert len(current) == len(legacy) == len(PURPOSES)
    assert not current & legacy
    assert all(len(key) == 32 for key in current | legacy)
    assert derive_key(MASTER, "otp-hmac") == derive_key(MASTER, "otp-hmac")
    assert derive_key(MASTER, "otp-hmac") != derive_key(MASTER[::-1], "otp-hmac")


def test_derive_key_is_rfc_5869_hkdf_sha256() -> None:
    # Extract, then one block of expand (32 bytes), written out from the RFC.
    prk = hmac.new(HKDF_SALT, MASTER.encode(), hashlib.sha256).digest()
    okm = hmac.new(prk, b"produbanco-bank/v2/otp-hmac" + b"\x01", hashlib.sha256).digest()
    assert derive_key(MASTER, "otp-hmac") == okm


def test_the_legacy_key_is_the_version_1_hmac() -> None:
    expected = hmac.new(MASTER.encode(), b"produbanco-bank/v1/otp-hmac", hashlib.sha256).digest()
    assert legacy_key(MASTER, "otp-hmac") == expected


def test_a_ring_writes_with_hkdf_and_keeps_the_legacy_key_and_no_key_in_its_repr() -> None:
    ring = key_ring(MASTER, "secret-box")
    assert ring.keys == (derive_key(MASTER, "secret-box"), legacy_key(MASTER, "secret-box"))
    assert KeyRing.of(ring) is ring and KeyRing.of(b"k" * 32).keys == (b"k" * 32,)
    assert ring.current.hex() not in repr(ring) and str(ring.current) not in repr(ring)


def test_the_cipher_reads_legacy_tokens_and_refreshes_them() -> None:
    ring = KeyRing(b"n" * 32, (b"o" * 32,))
    old_token = SecretCipher(b"o" * 32).encrypt("JBSWY3DPEHPK3PXP")
    cipher = SecretCipher(ring)
    assert cipher.decrypt(old_token) == "JBSWY3DPEHPK3PXP"
    fresh = cipher.refresh(old_token)
    assert fresh is not None and SecretCipher(b"n" * 32).decrypt(fresh) == "JBSWY3DPEHPK3PXP"
    assert cipher.refresh(fresh) is None, "a current token is left alone"
    assert cipher.refresh(SecretCipher(b"x" * 32).encrypt("x")) is None
    assert SecretCipher(b"o" * 32).decrypt(cipher.encrypt("new")) is None, "writes use the new key"


def test_digests_match_under_any_key_of_the_ring() -> None:
    ring = KeyRing(b"n" * 32, (b"o" * 32,))
    stored = keyed_digest(b"o" * 32, "otp", "1710034065001", "123456")
    assert digest_matches_any(stored, keyed_digests(ring, "otp", "1710034065001", "123456"))
    assert not digest_matches_any(stored, keyed_digests(ring, "otp", "1710034065001", "123457"))
    assert keyed_digests(ring, "a")[0] == keyed_digest(b"n" * 32, "a")


@pytest.mark.parametrize("secret", ["1234", "Centinela7Qx9Lm"])
def test_a_legacy_pepper_hash_verifies_is_outdated_and_a_wrong_secret_fails_both(
    secret: str,
) -> None:
    old, new = legacy_key(MASTER, "hash-pepper"), derive_key(MASTER, "hash-pepper")
    legacy_hash = SecretHasher(pepper=old, **CHEAP).hash(secret)
    hasher = SecretHasher(pepper=KeyRing(new, (old,)), **CHEAP)
    assert not SecretHasher(pepper=new, **CHEAP).verify(legacy_hash, secret)
    check = hasher.check(legacy_hash, secret)
    assert check.ok and check.outdated
    assert not hasher.check(legacy_hash, secret + "0").ok
    current_hash = hasher.hash(secret)
    assert SecretHasher(pepper=new, **CHEAP).verify(current_hash, secret)
    assert hasher.check(current_hash, secret) == type(check)(ok=True, outdated=False)
    assert not hasher.check(current_hash, secret + "0").ok
    assert not hasher.check(None, secret).ok


def test_sealed_pre_pepper_hashes_stay_verifiable_after_the_switch() -> None:
    old, new = legacy_key(MASTER, "hash-pepper"), derive_key(MASTER, "hash-pepper")
    unpeppered = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("1234")
    sealed = SecretHasher(pepper=old, **CHEAP).seal_legacy(unpeppered)
    check = SecretHasher(pepper=KeyRing(new, (old,)), **CHEAP).check(sealed, "1234")
    assert check.ok and check.outdated
