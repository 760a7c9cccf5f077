"""A child asks: a request row is created pending and the parent is told (Aprobar / Rechazar).

A child's asks are serialised by locking the child's account row, so the limits and the count
of pending requests are checked against every earlier ask.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bank.audit import record_audit
from bank.mini.amounts import money_text
from bank.mini.family import Child, first_name
from bank.mini.free_text import without_purpose_word
from bank.mini.goals import active_goal, goal_view
from bank.mini.outcome import MiniCode
from bank.mini.request_limits import (
    Limits,
    check_money_amount,
    check_withdrawal_amount,
    too_many_pending,
)
from bank.mini.wallets import balance_of, mini_account_code
from bank.models import (
    REQUEST_MONEY,
    REQUEST_PENDING,
    REQUEST_WITHDRAWAL,
    MiniAccount,
    MiniGoal,
    MiniRequest,
)
from bank.notifications import queue_notice
from bank.outcome import Outcome
from formats.money import dollars


def request_view(request: MiniRequest, account: MiniAccount) -> dict[str, Any]:
    """A request as the actions show it (amounts as exact strings)."""
    return {
        "ref": str(request.id),
        "kind": request.kind,
        "child": first_name(account),
        "child_ref": str(account.id),
        "amount": money_text(Decimal(request.amount)),
        "reason": echoed_reason(request),
        "state": request.state,
        "created_at": request.created_at.isoformat(timespec="minutes"),
    }


def echoed_reason(request: MiniRequest) -> str:
    """The reason as every sentence echoes it: a money request's reason or a mission's title
    without a leading "para"/"por" (also for rows kept before issue 15); a goal's name as is."""
    if request.kind == REQUEST_WITHDRAWAL:
        return request.reason
    return without_purpose_word(request.reason)


def open_request(
    session: Session,
    *,
    child: Child,
    kind: str,
    amount: Decimal,
    reason: str,
    now: datetime,
    goal_id: int | None = None,
    mission_id: int | None = None,
) -> MiniRequest:
    """Create a pending request and tell the parent (a notice with Aprobar / Rechazar)."""
    account = session.get(MiniAccount, child.mini_account_id)
    assert account is not None, "a signed-in child has an account"
    request = MiniRequest(
        mini_account_id=account.id,
        kind=kind,
        amount=amount,
        reason=reason,
        goal_id=goal_id,
        mission_id=mission_id,
        state=REQUEST_PENDING,
        child_sender_id=child.sender_id,
        created_at=now,
    )
    session.add(request)
    session.flush()
    record_audit(
        session,
        at=now,
        actor=child.sender_id,
        action=f"mini_request_{kind}",
        subject=f"mini:{account.id}",
        details={"request": request.id, "amount": money_text(amount)},
    )
    view = request_view(request, account)
    notice = {key: view[key] for key in ("ref", "child", "amount", "reason")}
    queue_notice(
        session,
        customer_id=account.parent_id,
        kind=f"mini_{kind}_request",
        data={**notice, "request_ref": view["ref"], "amount_text": dollars(amount)},
        now=now,
    )
    return request


def lock_child_account(session: Session, mini_account_id: int) -> None:
    """Serialise a child's requests (PostgreSQL row lock; SQLite writes are serial already)."""
    session.scalars(
        select(MiniAccount.id).where(MiniAccount.id == mini_account_id).with_for_update()
    ).first()


def ask_money(
    session: Session, child: Child, *, amount: str, reason: str, limits: Limits, now: datetime
) -> Outcome:
    """Ask the parent for `amount` (a checked `reason`): `asked` (data.request), the codes of
    `check_money_amount` or `too_many_pending` (data.max)."""
    lock_child_account(session, child.mini_account_id)
    checked = check_money_amount(session, child, amount, limits=limits, now=now)
    if checked.code != MiniCode.OK:
        return checked
    refused = too_many_pending(session, child.mini_account_id)
    if refused is not None:
        return refused
    request = open_request(
        session,
        child=child,
        kind=REQUEST_MONEY,
        amount=Decimal(checked.data["amount"]),
        reason=reason,
        now=now,
    )
    return _asked(session, child, request)


def ask_withdrawal(
    session: Session, child: Child, *, amount: str | None, goal_ref: str | None, now: datetime
) -> Outcome:
    """Ask to withdraw `amount`, or a reached goal's amount: `asked` (data.request),
    `invalid_amount`, `insufficient_funds` (data.available), `unknown_goal`, `not_reached`
    (data.goal), `already_asked` (data.goal) or `too_many_pending` (data.max)."""
    lock_child_account(session, child.mini_account_id)
    goal: MiniGoal | None = None
    text = amount or ""
    if goal_ref is not None:
        goal = active_goal(session, child, goal_ref)
        if goal is None:
            return Outcome(MiniCode.UNKNOWN_GOAL, None)
        balance = balance_of(session, mini_account_code(child.mini_account_id))
        if balance < Decimal(goal.target):
            return Outcome(MiniCode.NOT_REACHED, None, {"goal": goal_view(goal, balance)})
        if _goal_pending(session, goal):
            return Outcome(MiniCode.ALREADY_ASKED, None, {"goal": goal_view(goal, balance)})
        text = money_text(Decimal(goal.target))
    checked = check_withdrawal_amount(session, child, text)
    if checked.code != MiniCode.OK:
        return checked
    refused = too_many_pending(session, child.mini_account_id)
    if refused is not None:
        return refused
    request = open_request(
        session,
        child=child,
        kind=REQUEST_WITHDRAWAL,
        amount=Decimal(checked.data["amount"]),
        reason=goal.name if goal is not None else "",
        now=now,
        goal_id=goal.id if goal is not None else None,
    )
    return _asked(session, child, request)


def _asked(session: Session, child: Child, request: MiniRequest) -> Outcome:
    account = session.get(MiniAccount, child.mini_account_id)
    assert account is not None
    return Outcome(MiniCode.ASKED, None, {"request": request_view(request, account)})


def _goal_pending(session: Session, goal: MiniGoal) -> bool:
    found = session.scalar(
        select(MiniRequest.id).where(
            MiniRequest.goal_id == goal.id, MiniRequest.state == REQUEST_PENDING
        )
    )
    return found is not None
