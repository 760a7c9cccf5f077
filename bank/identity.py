"""Identity keys: what failures and locks are counted against.

A person is keyed by their RUC (cédula + "001"), so the cédula and the RUC share one counter; a
company by its RUC; an additional user by the company's RUC plus their cédula.
"""

from __future__ import annotations

from bank.validators import IdentityNumber, classify_identity_number, validate_cedula

ADDITIONAL_SEPARATOR = "+"


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
