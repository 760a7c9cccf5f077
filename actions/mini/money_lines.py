"""Money data of a Cuenta Mini in words, for the actions of actions/mini/: amounts as dollars, and
one line per movement or request of a child worded by its domain response."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from rasa_sdk.types import DomainDict

from actions.common.money import dollars
from actions.common.replies import phrase

AMOUNT_KEYS: Final = frozenset(
    {"amount", "balance", "parent_balance", "child_balance", "available", "reward", "max"}
)
REQUEST_KINDS: Final = frozenset({"money", "withdrawal", "mission"})
MOVEMENT_KINDS: Final = frozenset({"opening", "mini_money", "mini_mission", "mini_withdrawal"})
REQUEST_STATES: Final = frozenset({"pending", "approved", "rejected"})


def with_dollars(data: Mapping[str, Any]) -> dict[str, Any]:
    """Outcome data with every amount written as dollars ("$12,50")."""
    return {key: dollars(value) if key in AMOUNT_KEYS else value for key, value in data.items()}


def movement_line(domain: DomainDict, movement: Mapping[str, Any]) -> str:
    """One movement of a Cuenta Mini, signed, worded by `utter_parent_movement_<kind>`."""
    amount = str(movement["amount"])
    signed = dollars(amount) if amount.startswith("-") else f"+{dollars(amount)}"
    kind = str(movement["kind"])
    memo = str(movement.get("memo") or "")
    return phrase(
        domain,
        f"utter_parent_movement_{kind if kind in MOVEMENT_KINDS else 'other'}",
        {
            "signed": signed,
            "memo": f" «{memo}»" if memo and kind != "opening" else "",
            "balance_after": dollars(movement["balance_after"]),
        },
    )


def request_line(domain: DomainDict, request: Mapping[str, Any]) -> str:
    """One request of a child and its state, from the parent's side."""
    kind, state = str(request["kind"]), str(request["state"])
    return phrase(
        domain,
        f"utter_parent_request_line_{kind if kind in REQUEST_KINDS else 'money'}",
        {
            "amount": dollars(request["amount"]),
            "reason": f" ({request['reason']})" if request.get("reason") else "",
            "state": phrase(
                domain,
                f"utter_parent_request_state_{state if state in REQUEST_STATES else 'pending'}",
            ),
        },
    )
