"""Token digital (TOTP, RFC 6238): secrets, provisioning URIs, and codes that work only once."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

import pyotp

ISSUER = "Produbanco"
VALID_WINDOW = 1  # one 30-second step either side, for clock drift
CODE_DIGITS = 6


@dataclass(frozen=True)
class TokenCheck:
    """`ok` (with the accepted timestep), `wrong`, `reused`, or `malformed` (not 6 ASCII digits:
    never compared, so no input can make the comparison raise)."""

    code: str
    timestep: int = 0


def new_token_secret() -> str:
    """A fresh random base32 TOTP secret."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, *, username: str) -> str:
    """The otpauth:// URI the Token digital app scans (it contains the secret)."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def is_token_code_format(code: str) -> bool:
    """Exactly 6 ASCII digits ("١٢٣٤٥٦" is not: `hmac.compare_digest` refuses non-ASCII text)."""
    return len(code) == CODE_DIGITS and code.isascii() and code.isdigit()


def check_token_code(
    secret: str, code: str, *, now: datetime, last_timestep: int | None
) -> TokenCheck:
    """Accept `code` for a timestep within the window and later than the last accepted one."""
    if not is_token_code_format(code):
        return TokenCheck("malformed")
    totp = pyotp.TOTP(secret)
    moment = now.replace(tzinfo=UTC)  # naive values are UTC; pyotp would read them as local
    current = totp.timecode(moment)
    matched: int | None = None
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        if hmac.compare_digest(totp.at(moment, counter_offset=offset), code):
            matched = current + offset
    if matched is None:
        return TokenCheck("wrong")
    if last_timestep is not None and matched <= last_timestep:
        return TokenCheck("reused", matched)
    return TokenCheck("ok", matched)
