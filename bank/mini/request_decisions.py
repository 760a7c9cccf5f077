"""The parent decides a child's request once: approve (money moves) or reject.

The decision locks the request row, so two taps, two chats of the parent or a retry decide it
once; an approval posts the ledger transfer (key `mini-request:<id>`) in the same unit of work as
the state change, so money moves exactly when the request says approved. The child's chat is
told.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bank.audit import record_audit
from bank.ledger import TransferResult, post_transfer
from bank.mini.amounts import money_text
from bank.mini.family import Parent
from bank.mini.outcome import MiniCode
from bank.mini.request_asking import echoed_reason, request_view
from bank.mini.wallets import (
    balance_of,
    mini_account_code,
    open_family_accounts,
    parent_account_code,
)
from bank.models import (
    GOAL_ACTIVE,
    GOAL_WITHDRAWN,
    MISSION_OPEN,
    MISSION_REWARDED,
    REQUEST_APPROVED,
    REQUEST_MISSION,
    REQUEST_PENDING,
    REQUEST_REJECTED,
    REQUEST_WITHDRAWAL,
    MiniAccount,
    MiniGoal,
    MiniMission,
    MiniRequest,
)
from bank.notifications import queue_chat_notice
from bank.outcome import Outcome
from formats.money import dollars


def decide_request(
    session: Session, parent: Parent, *, request_ref: str, approve: bool, now: datetime
) -> Outcome:
    """Approve or reject once: `approved` / `rejected`, `already_decided`, `insufficient_funds`,
    `unknown` or `from_child_chat` (see `MiniRequests.decide`)."""
    ref = str(request_ref or "").strip()
    if not ref.isdigit() or len(ref) > 12:
        return Outcome(MiniCode.UNKNOWN, None)
    request = session.scalars(
        select(MiniRequest)
        .where(MiniRequest.id == int(ref))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    account = None if request is None else session.get(MiniAccount, request.mini_account_id)
    if request is None or account is None or account.parent_id != parent.customer_id:
        return Outcome(MiniCode.UNKNOWN, None)
    if request.child_sender_id == parent.sender_id:
        # The child's own chat: whoever taps there may be the child who asked.
        return Outcome(MiniCode.FROM_CHILD_CHAT, None, {"request": request_view(request, account)})
    if request.state != REQUEST_PENDING:
        return Outcome(MiniCode.ALREADY_DECIDED, None, {"request": request_view(request, account)})
    if approve:
        return _approve(session, parent, request, account, now)
    return _reject(session, parent, request, account, now)


def _approve(
    session: Session,
    parent: Parent,
    request: MiniRequest,
    account: MiniAccount,
    now: datetime,
) -> Outcome:
    open_family_accounts(session, account, now)
    parent_code, child_code = (
        parent_account_code(account.parent_id),
        mini_account_code(account.id),
    )
    before = balance_of(session, child_code)
    outgoing = request.kind == REQUEST_WITHDRAWAL
    debit, credit = (child_code, parent_code) if outgoing else (parent_code, child_code)
    result = post_transfer(
        session,
        now=now,
        key=f"mini-request:{request.id}",
        debit_code=debit,
        credit_code=credit,
        amount=Decimal(request.amount).quantize(Decimal("0.01")),
        kind=f"mini_{request.kind}",
        memo=echoed_reason(request),
        actor=parent.sender_id,
    )
    if result.code == MiniCode.INSUFFICIENT_FUNDS:
        who = "child" if outgoing else "parent"
        return Outcome(
            MiniCode.INSUFFICIENT_FUNDS,
            None,
            {
                "who": who,
                "available": money_text(balance_of(session, debit)),
                "request": request_view(request, account),
            },
        )
    if result.code != MiniCode.DONE:
        raise RuntimeError(f"an approved request could not move money: {result.code}")
    request.state, request.transfer_id = REQUEST_APPROVED, result.transfer_id
    _close_links(session, request, now, approved=True)
    goal_reached = "" if outgoing else reached_goal(session, account, before, result)
    return _decided(session, parent, request, account, now, goal_reached=goal_reached)


def _reject(
    session: Session,
    parent: Parent,
    request: MiniRequest,
    account: MiniAccount,
    now: datetime,
) -> Outcome:
    request.state = REQUEST_REJECTED
    _close_links(session, request, now, approved=False)
    return _decided(session, parent, request, account, now, goal_reached="")


def _close_links(session: Session, request: MiniRequest, now: datetime, *, approved: bool) -> None:
    """Close what the request was for: the goal withdrawn, the mission rewarded (or reopened)."""
    if request.goal_id is not None and approved:
        goal = session.get(MiniGoal, request.goal_id)
        if goal is not None and goal.state == GOAL_ACTIVE:
            goal.state, goal.closed_at = GOAL_WITHDRAWN, now
    if request.mission_id is not None:
        mission = session.get(MiniMission, request.mission_id)
        if mission is not None:
            mission.state = MISSION_REWARDED if approved else MISSION_OPEN
            mission.closed_at = now if approved else None


def _decided(
    session: Session,
    parent: Parent,
    request: MiniRequest,
    account: MiniAccount,
    now: datetime,
    *,
    goal_reached: str,
) -> Outcome:
    """Record the decision, tell the child's chat, and answer the parent."""
    request.decided_at, request.decided_by = now, parent.sender_id
    decision = request.state
    record_audit(
        session,
        at=now,
        actor=parent.sender_id,
        action=f"mini_request_{decision}",
        subject=f"mini:{account.id}",
        details={"request": request.id, "kind": request.kind},
    )
    view = request_view(request, account)
    child_balance = balance_of(session, mini_account_code(account.id))
    celebrate = (
        "goal"
        if goal_reached
        else ("mission" if request.kind == REQUEST_MISSION and decision == REQUEST_APPROVED else "")
    )
    queue_chat_notice(
        session,
        sender_id=request.child_sender_id,
        kind=f"mini_{request.kind}_{decision}",
        data={
            "amount": view["amount"],
            "amount_text": dollars(view["amount"]),
            "reason": view["reason"],
            "parent": parent.first_name,
            "balance": money_text(child_balance),
            "balance_text": dollars(child_balance),
            "goal": goal_reached,
            "celebrate": celebrate,
        },
        now=now,
    )
    return Outcome(
        MiniCode(decision),
        None,
        {
            "request": view,
            "parent_balance": money_text(
                balance_of(session, parent_account_code(account.parent_id))
            ),
            "child_balance": money_text(child_balance),
            "goal_reached": goal_reached,
        },
    )


def reached_goal(
    session: Session, account: MiniAccount, before: Decimal, result: TransferResult
) -> str:
    """The name of a goal this credit just reached (the first one), or ""."""
    after = result.credit_balance
    if after is None:
        return ""
    goal = session.scalars(
        select(MiniGoal)
        .where(
            MiniGoal.mini_account_id == account.id,
            MiniGoal.state == GOAL_ACTIVE,
            MiniGoal.target > before,
            MiniGoal.target <= after,
        )
        .order_by(MiniGoal.target, MiniGoal.id)
    ).first()
    return goal.name if goal is not None else ""
