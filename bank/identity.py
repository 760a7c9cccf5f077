"""Identity keys: what failures and locks are counted against.

A person is keyed by their RUC (cédula + "001"), so the cédula and the RUC share one counter; a
company by its RUC; an additional user by the company's RUC plus their cédula.
"""

from __future__ import annotations

from typing import Final

from bank.crypto import keyed_digest
from bank.keys import KeyRing
from bank.masking import mask_mobile
from bank.validators import IdentityNumber, classify_identity_number, validate_cedula

ADDITIONAL_SEPARATOR = "+"
CUSTOMER_REF_CHARS: Final = 32


def person_key(cedula: str) -> str:
    """The key of a person: their RUC."""
    return f"{cedula}001"


def company_key(ruc: str) -> str:
    """The key of a company acting for itself."""
    return ruc


def additional_user_key(ruc: str, cedula: str) -> str:
    """The key of an additional user of a company."""
    return f"{ruc}{ADDITIONAL_SEPARATOR}{cedula}"


def key_for_number(identity: IdentityNumber) -> str:
    """The key for a classified cédula or RUC typed alone."""
    if identity.is_company:
        return company_key(identity.number)
    return person_key(identity.cedula)


def parse_identity_key(text: str) -> str:
    """Turn what an agent types (cédula, RUC or "RUC+cédula") into a key; ValueError if bad."""
    ruc_text, separator, cedula_text = text.partition(ADDITIONAL_SEPARATOR)
    identity = classify_identity_number(ruc_text)
    if not identity.ok:
        raise ValueError(f"not a valid cédula or RUC ({identity.reason})")
    if not separator:
        return key_for_number(identity)
    cedula = validate_cedula(cedula_text)
    if not identity.is_company or not cedula.ok:
        raise ValueError("an additional user is a company RUC plus a valid cédula")
    return additional_user_key(identity.number, cedula.value)


def mask_number(number: str) -> str:
    """ "1710034065" -> "17******65": the first two and last two digits only."""
    return mask_mobile(number)


def mask_identity_key(key: str) -> str:
    """An identity key as people may read it: "17*********01", or both parts masked."""
    ruc, separator, cedula = key.partition(ADDITIONAL_SEPARATOR)
    if not separator:
        return mask_number(ruc)
    return f"{mask_number(ruc)} {ADDITIONAL_SEPARATOR} {mask_number(cedula)}"


class CustomerRefs:
    """Keyed hashes of identity keys: stable, not reversible without the bank's key.

    New refs use the ring's current key; rows written with an older key are found through
    `refs`, every ref the identity has had.
    """

    def __init__(self, *, key: bytes | KeyRing) -> None:
        self._keys = KeyRing.of(key)

    def ref(self, identity_key: str) -> str:
        """The audit ref of an identity key."""
        return _ref(self._keys.current, identity_key)

    def refs(self, identity_key: str) -> tuple[str, ...]:
        """The refs of an identity key under every key of the ring, the current one first."""
        return tuple(_ref(key, identity_key) for key in self._keys.keys)

    def ref_of_text(self, text: str) -> str:
        """The audit ref of a typed cédula, RUC or "RUC+cédula"; ValueError when malformed."""
        return self.ref(parse_identity_key(text))


def _ref(key: bytes, identity_key: str) -> str:
    return keyed_digest(key, "assist-customer", identity_key)[:CUSTOMER_REF_CHARS]
