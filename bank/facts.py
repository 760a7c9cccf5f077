"""The numbers the assistant states, by the placeholder that shows them: one place for each.

A response never writes one of these numbers itself: it says `{otp_minutes}`, and the value comes
from here, that is from the constant or the setting the bank enforces. Rasa fills them from slots
of the same names, set at the start of every session (actions/session/start.py); the bot fills
its own texts (bot/channel_texts.py). So an FAQ answer, a journey message and a notice cannot
disagree, and changing a rule changes every sentence that states it.

Numbers that are the bank's own documents' facts (the Call Center, the clave de 4 dígitos, the 4
pictures of the Cuenta Mini password) are written in the texts as the documents write them;
tests/unit/test_response_facts.py holds that list and refuses any other number in a text.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from types import MappingProxyType
from typing import Final

from bank import otp, totp, validators
from bank.assist import phone
from bank.journey_rows import IDLE_LIMIT
from bank.mini import activation, goals, lockout
from bank.settings import Settings
from formats.money import dollars


def _minutes(duration: timedelta) -> str:
    return str(int(duration.total_seconds() // 60))


def _seconds(duration: timedelta) -> str:
    return str(int(duration.total_seconds()))


# Rules written in code (constants), by placeholder name.
CONSTANT_FACTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        # Registration in Produbanco en línea.
        "otp_minutes": _minutes(otp.CODE_TTL),
        "otp_resend_seconds": _seconds(otp.MIN_SPACING),
        "otp_codes_per_window": str(otp.MAX_CODES_PER_WINDOW),
        "otp_window_minutes": _minutes(otp.SEND_WINDOW),
        "username_min_length": str(validators.USERNAME_MIN),
        "username_max_length": str(validators.USERNAME_MAX),
        "password_min_length": str(validators.PASSWORD_MIN),
        "password_max_length": str(validators.PASSWORD_MAX),
        # Every journey starts again after this long without activity.
        "journey_idle_minutes": _minutes(IDLE_LIMIT),
        # Cuenta Mini: the activation code, the child's user, the sign-in locks, the Token digital.
        "mini_code_digits": str(activation.CODE_DIGITS),
        "mini_code_minutes": _minutes(activation.CODE_TTL),
        "mini_codes_per_window": str(activation.MAX_CODES_PER_HOUR),
        "mini_code_window_minutes": _minutes(activation.CODE_WINDOW),
        "mini_username_min_length": str(validators.CHILD_USERNAME_MIN),
        "mini_username_max_length": str(validators.CHILD_USERNAME_MAX),
        "mini_sign_in_max_failures": str(lockout.CHILD_PICTURES.max_failures),
        "mini_sign_in_lock_minutes": str(lockout.CHILD_PICTURES.lock_minutes),
        "mini_locks_before_hold": str(lockout.LOCKS_BEFORE_HOLD),
        "mini_hold_window_hours": str(int(lockout.HOLD_WINDOW.total_seconds() // 3600)),
        "mini_max_goal_amount": dollars(goals.MAX_GOAL_AMOUNT),
        "token_digits": str(totp.CODE_DIGITS),
        # Assisted mode (agents' texts).
        "unlock_reason_min_length": str(phone.MIN_REASON_LENGTH),
        "unlock_reason_max_length": str(phone.MAX_REASON_LENGTH),
    }
)

# Rules the bank's operator sets (bank/settings.py), by placeholder name.
SETTING_FACTS: Final = ("mini_max_per_request", "mini_max_per_day")

FACT_NAMES: Final = frozenset({*CONSTANT_FACTS, *SETTING_FACTS})


def setting_facts(settings: Settings) -> dict[str, str]:
    """The rules `settings` set, as a customer reads them ("$50,00")."""
    return {
        "mini_max_per_request": dollars(settings.mini_max_per_request),
        "mini_max_per_day": dollars(settings.mini_max_per_day),
    }


def stated_facts(settings: Settings) -> dict[str, str]:
    """Every number the assistant may state through a placeholder, by placeholder name."""
    return {**CONSTANT_FACTS, **setting_facts(settings)}
