"""argon2id hashing, keyed HMAC digests and Fernet encryption."""

from __future__ import annotations

from bank.crypto import SecretCipher, SecretHasher, digests_match, keyed_digest

PEPPER = b"p" * 32
HASHER = SecretHasher(pepper=PEPPER, time_cost=1, memory_kib=8, parallelism=1)


def test_argon2id_hash_and_verify() -> None:
    stored = HASHER.hash("1234")
    assert stored.startswith("pep1$$argon2id$")
    assert "1234" not in stored
    assert HASHER.verify(stored, "1234")
    assert not HASHER.verify(stored, "4321")


def test_hashes_are_salted() -> None:
    assert HASHER.hash("1234") != HASHER.hash("1234")


def test_missing_hash_burns_a_dummy_verification_and_refuses() -> None:
    assert not HASHER.verify(None, "1234")
    assert HASHER._dummy_hash.startswith("$argon2id$")  # same parameters as real hashes


def test_garbage_hash_is_refused_not_raised() -> None:
    assert not HASHER.verify("not-a-hash", "1234")


def test_default_cost_is_owasps_argon2id_configuration() -> None:
    assert SecretHasher(pepper=PEPPER).hash("x").startswith("pep1$$argon2id$v=19$m=19456,t=2,p=1$")


def test_a_hash_of_another_cost_or_scheme_needs_an_upgrade_and_a_current_one_does_not() -> None:
    older_cost = SecretHasher(pepper=PEPPER, time_cost=2, memory_kib=16, parallelism=1)
    assert HASHER.needs_upgrade(older_cost.hash("1234"))
    assert HASHER.verify(older_cost.hash("1234"), "1234"), "an older cost still verifies"
    assert not HASHER.needs_upgrade(HASHER.hash("1234"))
    assert HASHER.needs_upgrade(HASHER.seal_legacy("$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA"))
    assert not HASHER.needs_upgrade(None)
    assert not HASHER.needs_upgrade("pep1$not-a-hash")


def test_keyed_digest_depends_on_key_and_parts() -> None:
    key_a, key_b = b"a" * 32, b"b" * 32
    digest = keyed_digest(key_a, "otp", "1710034065001", "123456")
    assert len(digest) == 64 and "123456" not in digest
    assert digest == keyed_digest(key_a, "otp", "1710034065001", "123456")
    assert digest != keyed_digest(key_b, "otp", "1710034065001", "123456")
    assert digest != keyed_digest(key_a, "otp", "1710034065001", "123457")
    # Parts are separated, so moving the boundary changes the digest.
    assert keyed_digest(key_a, "ab", "c") != keyed_digest(key_a, "a", "bc")


def test_digests_match_is_exact() -> None:
    assert digests_match("abc", "abc")
    assert not digests_match("abc", "abd")


def test_cipher_round_trip_and_tamper() -> None:
    cipher = SecretCipher(b"k" * 32)
    token = cipher.encrypt("JBSWY3DPEHPK3PXP")
    assert "JBSWY3DPEHPK3PXP" not in token
    assert cipher.decrypt(token) == "JBSWY3DPEHPK3PXP"
    assert SecretCipher(b"j" * 32).decrypt(token) is None
    assert cipher.decrypt(token[:-2] + "AA") is None
