"""Money data of a Cuenta Mini in words, for the child's and the parent's views: amounts as
dollars, and one line per movement or request, worded by the view's own domain responses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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


@dataclass(frozen=True)
class LineWords:
    """Which responses word a view's lines: name templates (`{kind}`, `{state}`), the memo's
    frame, and the kind or state an unknown one is told as (None: told by its own name)."""

    movement: str
    memo: str
    request: str
    request_state: str
    request_fallback: str | None = None
    state_fallback: str | None = None


CHILD_LINES: Final = LineWords(
    movement="utter_mini_movement_{kind}",
    memo=" ({memo})",
    request="utter_mini_request_{kind}",
    request_state="utter_mini_request_state_{state}",
)
PARENT_LINES: Final = LineWords(
    movement="utter_parent_movement_{kind}",
    memo=" «{memo}»",
    request="utter_parent_request_line_{kind}",
    request_state="utter_parent_request_state_{state}",
    request_fallback="money",
    state_fallback="pending",
)


def with_dollars(data: Mapping[str, Any]) -> dict[str, Any]:
    """Outcome data with every amount written as dollars ("$12,50")."""
    return {key: dollars(value) if key in AMOUNT_KEYS else value for key, value in data.items()}


def _known(value: str, known: frozenset[str], fallback: str | None) -> str:
    return value if fallback is None or value in known else fallback


def movement_line(domain: DomainDict, movement: Mapping[str, Any], words: LineWords) -> str:
    """One movement of a Cuenta Mini, signed, worded by the view's response for its kind."""
    amount = str(movement["amount"])
    signed = dollars(amount) if amount.startswith("-") else f"+{dollars(amount)}"
    kind = str(movement["kind"])
    memo = str(movement.get("memo") or "")
    return phrase(
        domain,
        words.movement.format(kind=_known(kind, MOVEMENT_KINDS, "other")),
        {
            "signed": signed,
            "memo": words.memo.format(memo=memo) if memo and kind != "opening" else "",
            "balance_after": dollars(movement["balance_after"]),
        },
    )


def request_line(domain: DomainDict, request: Mapping[str, Any], words: LineWords) -> str:
    """One request of a child and its state, worded by the view's responses."""
    kind, state = str(request["kind"]), str(request["state"])
    return phrase(
        domain,
        words.request.format(kind=_known(kind, REQUEST_KINDS, words.request_fallback)),
        {
            "amount": dollars(request["amount"]),
            "reason": f" ({request['reason']})" if request.get("reason") else "",
            "state": phrase(
                domain,
                words.request_state.format(
                    state=_known(state, REQUEST_STATES, words.state_fallback)
                ),
            ),
        },
    )
