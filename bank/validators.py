"""Validation rules, each written once as a pure function returning a small result.

A result is either ok (with the normalised value) or carries a reason code from
docs/registration.md. Nothing here touches the database or says anything to a user.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import phonenumbers
from stdnum.ec import ci, ruc

COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent / "data" / "common_passwords.txt"

USERNAME_MIN, USERNAME_MAX = 6, 20
CHILD_USERNAME_MIN, CHILD_USERNAME_MAX = 8, 20
PASSWORD_MIN, PASSWORD_MAX = 8, 64
ANSWER_MAX = 40

_SEPARATORS = re.compile(r"[\s\-.]+")
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]+")
_PIN = re.compile(r"[0-9]{4}")
_OTP = re.compile(r"[0-9]{6}")

IdentityKind = Literal["cedula", "person_ruc", "company_ruc"]


@dataclass(frozen=True)
class Validation:
    """Outcome of one rule: `value` normalised when ok, else the `reason` code."""

    value: str = ""
    reason: str | None = None

    @property
    def ok(self) -> bool:
        """True when the input passed the rule."""
        return self.reason is None


def _invalid(reason: str) -> Validation:
    return Validation(reason=reason)


@dataclass(frozen=True)
class IdentityNumber:
    """A typed identity number, classified: a cédula, a person's RUC or a company's RUC."""

    kind: IdentityKind | None = None
    number: str = ""
    reason: str | None = None

    @property
    def ok(self) -> bool:
        """True when the number is a valid cédula or RUC."""
        return self.reason is None

    @property
    def cedula(self) -> str:
        """The person's cédula ("" for a company)."""
        return self.number[:10] if self.kind in ("cedula", "person_ruc") else ""

    @property
    def is_company(self) -> bool:
        """True for a company's (private or public) RUC."""
        return self.kind == "company_ruc"


# Identity numbers ----------------------------------------------------------------------------


def compact_number(text: str) -> str:
    """Drop the spaces, dashes and dots people type inside numbers."""
    return _SEPARATORS.sub("", text.strip())


def _digits_reason(number: str, lengths: tuple[int, ...]) -> str | None:
    if not number:
        return "empty"
    if not number.isascii() or not number.isdigit():
        return "not_digits"
    if len(number) not in lengths:
        return "length"
    return None


def validate_cedula(text: str) -> Validation:
    """A cédula: 10 digits with a valid province and check digit."""
    number = compact_number(text)
    reason = _digits_reason(number, (10,))
    if reason is not None:
        return _invalid(reason)
    if not ci.is_valid(number):
        return _invalid("check_digit")
    return Validation(value=number)


def validate_ruc(text: str) -> Validation:
    """A RUC: 13 digits, valid for a person, a private company or a public entity."""
    number = compact_number(text)
    reason = _digits_reason(number, (13,))
    if reason is not None:
        return _invalid(reason)
    if not ruc.is_valid(number):
        return _invalid("check_digit")
    return Validation(value=number)


def classify_identity_number(text: str) -> IdentityNumber:
    """10 digits are a cédula, 13 a RUC (a company's when the third digit is 9 or 6)."""
    number = compact_number(text)
    reason = _digits_reason(number, (10, 13))
    if reason is not None:
        return IdentityNumber(reason=reason)
    if len(number) == 10:
        checked = validate_cedula(number)
        if not checked.ok:
            return IdentityNumber(reason=checked.reason)
        return IdentityNumber(kind="cedula", number=number)
    checked = validate_ruc(number)
    if not checked.ok:
        return IdentityNumber(reason=checked.reason)
    kind: IdentityKind = "company_ruc" if number[2] in "69" else "person_ruc"
    return IdentityNumber(kind=kind, number=number)


# PIN and one-time codes ------------------------------------------------------------------------


def validate_pin_format(text: str) -> Validation:
    """The branch PIN: exactly 4 digits."""
    pin = text.strip()
    return Validation(value=pin) if _PIN.fullmatch(pin) else _invalid("pin_format")


def validate_otp_format(text: str) -> Validation:
    """A one-time code: 6 digits; spaces people type between them are ignored."""
    code = "".join(text.split())
    return Validation(value=code) if _OTP.fullmatch(code) else _invalid("otp_format")


# Phones -------------------------------------------------------------------------------------

_PHONE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def validate_phone(text: str) -> Validation:
    """An Ecuadorian mobile or landline ("099 123 4567", "02 234 5678", "+593 ..."), as E.164."""
    raw = text.strip()
    if not raw or any(char.isalpha() for char in raw):
        return _invalid("phone_format")
    try:
        parsed = phonenumbers.parse(raw, "EC")
    except phonenumbers.NumberParseException:
        return _invalid("phone_format")
    if (
        parsed.country_code != 593
        or not phonenumbers.is_valid_number(parsed)
        or phonenumbers.number_type(parsed) not in _PHONE_TYPES
    ):
        return _invalid("phone_format")
    return Validation(value=phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


def national_phone(e164: str) -> str:
    """An E.164 Ecuadorian number written the national way ("0991234567")."""
    parsed = phonenumbers.parse(e164, "EC")
    return "0" + str(parsed.national_number)


# Username and password -----------------------------------------------------------------------


def validate_username(text: str, *, identities: Iterable[str] = ()) -> Validation:
    """6 to 20 ASCII letters or digits, not equal to the customer's cédula or RUC."""
    username = text.strip()
    if username and not _ASCII_ALNUM.fullmatch(username):
        return _invalid("bad_chars")
    if len(username) < USERNAME_MIN:
        return _invalid("too_short")
    if len(username) > USERNAME_MAX:
        return _invalid("too_long")
    if any(username == number for number in identities if number):
        return _invalid("is_identity")
    return Validation(value=username)


def validate_child_username(text: str) -> Validation:
    """A Cuenta Mini username: 8 to 20 ASCII letters or digits."""
    username = text.strip()
    if username and not _ASCII_ALNUM.fullmatch(username):
        return _invalid("bad_chars")
    if len(username) < CHILD_USERNAME_MIN:
        return _invalid("too_short")
    if len(username) > CHILD_USERNAME_MAX:
        return _invalid("too_long")
    return Validation(value=username)


def validate_password(
    password: str, *, username: str = "", identities: Iterable[str] = ()
) -> Validation:
    """8 to 64 ASCII letters and digits, both kinds, no username, no cédula, not common."""
    if len(password) < PASSWORD_MIN:
        return _invalid("too_short")
    if len(password) > PASSWORD_MAX:
        return _invalid("too_long")
    if not _ASCII_ALNUM.fullmatch(password):
        return _invalid("not_alphanumeric")
    if not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
        return _invalid("needs_letter_and_digit")
    lowered = password.lower()
    if username and username.lower() in lowered:
        return _invalid("contains_username")
    if any(number and number in lowered for number in _identity_parts(identities)):
        return _invalid("contains_identity")
    if is_common_password(password):
        return _invalid("common")
    return Validation(value=password)


def _identity_parts(identities: Iterable[str]) -> set[str]:
    # A person's RUC contains the cédula; checking the cédula alone catches both.
    parts: set[str] = set()
    for number in identities:
        compact = compact_number(number)
        if compact:
            parts.add(compact)
            if len(compact) == 13 and compact[2] not in "69":
                parts.add(compact[:10])
    return parts


def is_common_password(password: str) -> bool:
    """True when the password (ignoring case) is on the common-password list."""
    return password.lower() in _common_passwords()


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


# Challenge answers ----------------------------------------------------------------------------


def normalise_challenge_answer(text: str) -> Validation:
    """Casefold, strip accents, collapse spaces; 1 to 40 letters and spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    answer = " ".join(stripped.split())
    if not answer or len(answer) > ANSWER_MAX:
        return _invalid("answer_format")
    if not all(c.isalpha() or c == " " for c in answer):
        return _invalid("answer_format")
    return Validation(value=answer)
