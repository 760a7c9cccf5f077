"""How the parent hears two of the bank's answers: a child's overview (balance, movements and
requests) and the decision on a request."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common.replies import utter
from actions.mini.money_lines import (
    PARENT_LINES,
    REQUEST_KINDS,
    movement_line,
    request_line,
    with_dollars,
)
from bank.mini.outcome import MiniCode


def tell_child_overview(
    dispatcher: CollectingDispatcher, domain: DomainDict, data: Mapping[str, Any]
) -> None:
    """A child's balance, newest movements and requests with their state."""
    utter(dispatcher, "utter_parent_child_balance", with_dollars(data))
    movements = data.get("movements") or []
    if movements:
        lines = "\n".join(f"• {movement_line(domain, m, PARENT_LINES)}" for m in movements)
        utter(dispatcher, "utter_parent_child_movements", {"lines": lines})
    else:
        utter(dispatcher, "utter_parent_child_no_movements", {"child": data.get("child", "")})
    requests = data.get("requests") or []
    if requests:
        lines = "\n".join(f"• {request_line(domain, r, PARENT_LINES)}" for r in requests)
        utter(dispatcher, "utter_parent_child_requests", {"lines": lines})


def tell_decision(dispatcher: CollectingDispatcher, code: StrEnum, data: Mapping[str, Any]) -> None:
    """The result of a decision, with the child's name, the amount and the new balances."""
    request = dict(data.get("request") or {})
    kind = str(request.get("kind", "money"))
    kind = kind if kind in REQUEST_KINDS else "money"
    values = with_dollars({**request, **{k: v for k, v in data.items() if k != "request"}})
    if code in (MiniCode.APPROVED, MiniCode.REJECTED):
        utter(dispatcher, f"utter_parent_request_{code}_{kind}", values)
        if code == MiniCode.APPROVED and data.get("goal_reached"):
            utter(dispatcher, "utter_parent_request_goal_reached", values)
    elif code == MiniCode.ALREADY_DECIDED:
        state = "approved" if request.get("state") == "approved" else "rejected"
        utter(dispatcher, f"utter_parent_request_already_{state}", values)
    elif code == MiniCode.FROM_CHILD_CHAT:
        utter(dispatcher, "utter_parent_request_from_child_chat", values)
    elif code == MiniCode.INSUFFICIENT_FUNDS:
        who = "child" if data.get("who") == "child" else "parent"
        utter(dispatcher, f"utter_parent_request_insufficient_{who}", values)
    else:
        utter(dispatcher, "utter_parent_request_unknown")
