"""What a child asks and the parent decides once: money, a withdrawal, a mission's reward.

A request is created pending and told to the parent (a notice with Aprobar / Rechazar). The
decision locks the request row, so two taps, two chats of the parent or a retry decide it once;
an approval posts the ledger transfer (key `mini-request:<id>`) in the same unit of work as the
state change, so money moves exactly when the request says approved. The child's chat is told.

Limits (settings `mini_max_per_request`, `mini_max_per_day`) cap what a child may ask of the
parent's money in one request and in one Ecuador calendar day (pending and approved requests
count, rejected ones do not). A withdrawal is capped by the balance not already promised to
another pending withdrawal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bank.audit import record_audit
from bank.ledger import ZERO, TransferResult, post_transfer
from bank.mini.amounts import REASON_MAX, clean_text, money_text, read_amount
from bank.mini.family import Child, FamilyService, FamilyWiring, Parent, first_name, own_child
from bank.mini.goals import active_goal, goal_view
from bank.mini.outcome import MiniOutcome
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
    REQUEST_MONEY,
    REQUEST_PENDING,
    REQUEST_REJECTED,
    REQUEST_WITHDRAWAL,
    LedgerAccount,
    LedgerEntry,
    LedgerTransfer,
    MiniAccount,
    MiniGoal,
    MiniMission,
    MiniRequest,
)
from bank.notifications import queue_chat_notice, queue_notice
from formats.money import dollars

MAX_PENDING: Final = 5
ECUADOR_OFFSET: Final = timedelta(hours=-5)  # America/Guayaquil, no daylight saving time
_COUNTED_STATES: Final = (REQUEST_PENDING, REQUEST_APPROVED)


@dataclass(frozen=True)
class Limits:
    """What a child may ask of the parent's money: per request and per Ecuador calendar day."""

    per_request: Decimal
    per_day: Decimal


def day_start(now: datetime) -> datetime:
    """The start (naive UTC) of the Ecuador calendar day that contains `now` (naive UTC)."""
    local = now + ECUADOR_OFFSET
    return datetime.combine(local.date(), time()) - ECUADOR_OFFSET


def request_view(request: MiniRequest, account: MiniAccount) -> dict[str, Any]:
    """A request as the actions show it (amounts as exact strings)."""
    return {
        "ref": str(request.id),
        "kind": request.kind,
        "child": first_name(account),
        "child_ref": str(account.id),
        "amount": money_text(Decimal(request.amount)),
        "reason": request.reason,
        "state": request.state,
        "created_at": request.created_at.isoformat(timespec="minutes"),
    }


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


def _pending_count(session: Session, mini_account_id: int) -> int:
    count = session.scalar(
        select(func.count(MiniRequest.id)).where(
            MiniRequest.mini_account_id == mini_account_id,
            MiniRequest.state == REQUEST_PENDING,
        )
    )
    return int(count or 0)


def _asked_today(session: Session, mini_account_id: int, now: datetime) -> Decimal:
    total = session.scalar(
        select(func.coalesce(func.sum(MiniRequest.amount), 0)).where(
            MiniRequest.mini_account_id == mini_account_id,
            MiniRequest.kind == REQUEST_MONEY,
            MiniRequest.state.in_(_COUNTED_STATES),
            MiniRequest.created_at >= day_start(now),
        )
    )
    return Decimal(total or 0).quantize(Decimal("0.01"))


def _promised(session: Session, mini_account_id: int) -> Decimal:
    total = session.scalar(
        select(func.coalesce(func.sum(MiniRequest.amount), 0)).where(
            MiniRequest.mini_account_id == mini_account_id,
            MiniRequest.kind == REQUEST_WITHDRAWAL,
            MiniRequest.state == REQUEST_PENDING,
        )
    )
    return Decimal(total or 0).quantize(Decimal("0.01"))


def _lock_child_account(session: Session, mini_account_id: int) -> None:
    """Serialise a child's requests (PostgreSQL row lock; SQLite writes are serial already)."""
    session.scalars(
        select(MiniAccount.id).where(MiniAccount.id == mini_account_id).with_for_update()
    ).first()


class MiniRequests(FamilyService):
    """Money requests, withdrawals and decisions; each call is its own unit of work."""

    def __init__(self, wiring: FamilyWiring, *, limits: Limits) -> None:
        super().__init__(wiring)
        self._limits = limits

    @property
    def limits(self) -> Limits:
        """The configured limits."""
        return self._limits

    # The child -------------------------------------------------------------------------------

    def check_money_amount(self, *, sender_id: str, text: str) -> MiniOutcome:
        """`ok` (data.amount), `invalid_amount`, `over_request_limit` (data.max),
        `over_daily_limit` (data.left, data.max) or `signed_out`; changes nothing."""

        def work(session: Session, child: Child) -> MiniOutcome:
            return self._money_amount(session, child, text, self._clock.now())

        return self._as_child(sender_id, work)

    def ask_money(self, *, sender_id: str, amount: str, reason: str) -> MiniOutcome:
        """Ask the parent for money: `asked` (data.request), the codes of `check_money_amount`,
        `invalid_reason` (data.reason: `empty`, `too_short`, `too_long`; data.max),
        `too_many_pending` (data.max) or `signed_out`."""
        why = clean_text(reason, maximum=REASON_MAX, minimum=2)
        if not why.ok:
            return MiniOutcome("invalid_reason", None, {"reason": why.reason, "max": REASON_MAX})

        def work(session: Session, child: Child) -> MiniOutcome:
            _lock_child_account(session, child.mini_account_id)
            now = self._clock.now()
            checked = self._money_amount(session, child, amount, now)
            if checked.code != "ok":
                return checked
            if _pending_count(session, child.mini_account_id) >= MAX_PENDING:
                return MiniOutcome("too_many_pending", None, {"max": MAX_PENDING})
            request = open_request(
                session,
                child=child,
                kind=REQUEST_MONEY,
                amount=Decimal(checked.data["amount"]),
                reason=why.value,
                now=now,
            )
            account = session.get(MiniAccount, child.mini_account_id)
            assert account is not None
            return MiniOutcome("asked", None, {"request": request_view(request, account)})

        return self._as_child(sender_id, work)

    def check_withdrawal_amount(self, *, sender_id: str, text: str) -> MiniOutcome:
        """`ok` (data.amount), `invalid_amount`, `insufficient_funds` (data.available) or
        `signed_out`; changes nothing."""

        def work(session: Session, child: Child) -> MiniOutcome:
            return self._withdrawal_amount(session, child, text)

        return self._as_child(sender_id, work)

    def withdrawable(self, *, sender_id: str) -> MiniOutcome:
        """`ok` (data.balance, data.available: the balance not promised to a pending
        withdrawal) or `signed_out`; changes nothing."""

        def work(session: Session, child: Child) -> MiniOutcome:
            balance = balance_of(session, mini_account_code(child.mini_account_id))
            available = max(balance - _promised(session, child.mini_account_id), ZERO)
            data = {"balance": money_text(balance), "available": money_text(available)}
            return MiniOutcome("ok", None, data)

        return self._as_child(sender_id, work)

    def ask_withdrawal(
        self, *, sender_id: str, amount: str | None = None, goal_ref: str | None = None
    ) -> MiniOutcome:
        """Ask to withdraw `amount`, or a reached goal's amount ("Solicitar mi dinero"):
        `asked` (data.request), `invalid_amount`, `insufficient_funds` (data.available),
        `unknown_goal`, `not_reached` (data.goal), `already_asked` (a pending withdrawal for the
        goal exists), `too_many_pending` or `signed_out`."""

        def work(session: Session, child: Child) -> MiniOutcome:
            _lock_child_account(session, child.mini_account_id)
            goal: MiniGoal | None = None
            text = amount or ""
            if goal_ref is not None:
                goal = active_goal(session, child, goal_ref)
                if goal is None:
                    return MiniOutcome("unknown_goal", None)
                balance = balance_of(session, mini_account_code(child.mini_account_id))
                if balance < Decimal(goal.target):
                    return MiniOutcome("not_reached", None, {"goal": goal_view(goal, balance)})
                if self._goal_pending(session, goal):
                    return MiniOutcome("already_asked", None, {"goal": goal_view(goal, balance)})
                text = money_text(Decimal(goal.target))
            checked = self._withdrawal_amount(session, child, text)
            if checked.code != "ok":
                return checked
            if _pending_count(session, child.mini_account_id) >= MAX_PENDING:
                return MiniOutcome("too_many_pending", None, {"max": MAX_PENDING})
            request = open_request(
                session,
                child=child,
                kind=REQUEST_WITHDRAWAL,
                amount=Decimal(checked.data["amount"]),
                reason=goal.name if goal is not None else "",
                now=self._clock.now(),
                goal_id=goal.id if goal is not None else None,
            )
            account = session.get(MiniAccount, child.mini_account_id)
            assert account is not None
            return MiniOutcome("asked", None, {"request": request_view(request, account)})

        return self._as_child(sender_id, work)

    def history(self, *, sender_id: str, limit: int = 10) -> MiniOutcome:
        """The child's balance, newest movements and requests: `ok` or `signed_out`."""

        def work(session: Session, child: Child) -> MiniOutcome:
            account = session.get(MiniAccount, child.mini_account_id)
            assert account is not None
            return MiniOutcome("ok", None, account_history(session, account, limit))

        return self._as_child(sender_id, work)

    # The parent ------------------------------------------------------------------------------

    def pending(self, *, sender_id: str) -> MiniOutcome:
        """`ok` (data.requests: the parent's children's pending requests, oldest first;
        data.balance: the parent's account) or `signed_out`."""

        def work(session: Session, parent: Parent) -> MiniOutcome:
            rows = session.execute(
                select(MiniRequest, MiniAccount)
                .join(MiniAccount, MiniAccount.id == MiniRequest.mini_account_id)
                .where(
                    MiniAccount.parent_id == parent.customer_id,
                    MiniRequest.state == REQUEST_PENDING,
                )
                .order_by(MiniRequest.id)
            ).all()
            balance = balance_of(session, parent_account_code(parent.customer_id))
            return MiniOutcome(
                "ok",
                None,
                {
                    "requests": [request_view(request, account) for request, account in rows],
                    "balance": money_text(balance),
                },
            )

        return self._as_parent(sender_id, work)

    def child_overview(self, *, sender_id: str, child_ref: str, limit: int = 10) -> MiniOutcome:
        """One of the parent's children: `ok` (data: child, balance, movements, requests),
        `unknown` or `signed_out`."""

        def work(session: Session, parent: Parent) -> MiniOutcome:
            account = own_child(session, parent, child_ref)
            if account is None:
                return MiniOutcome("unknown", None)
            data = account_history(session, account, limit)
            return MiniOutcome("ok", None, {"child": first_name(account), **data})

        return self._as_parent(sender_id, work)

    def decide(self, *, sender_id: str, request_ref: str, approve: bool) -> MiniOutcome:
        """Approve or reject once: `approved` / `rejected` (data: request, parent_balance,
        child_balance, goal_reached), `already_decided` (data.request), `insufficient_funds`
        (data.who `parent` or `child`, data.available; the request stays pending), `unknown`
        (not a request of this parent's children), `from_child_chat` (the decision would come from
        the chat the child asked from: refused) or `signed_out`."""

        def work(session: Session, parent: Parent) -> MiniOutcome:
            ref = str(request_ref or "").strip()
            if not ref.isdigit() or len(ref) > 12:
                return MiniOutcome("unknown", None)
            request = session.scalars(
                select(MiniRequest)
                .where(MiniRequest.id == int(ref))
                .with_for_update()
                .execution_options(populate_existing=True)
            ).first()
            account = None if request is None else session.get(MiniAccount, request.mini_account_id)
            if request is None or account is None or account.parent_id != parent.customer_id:
                return MiniOutcome("unknown", None)
            if request.child_sender_id == parent.sender_id:
                # The child's own chat: whoever taps there may be the child who asked.
                return MiniOutcome(
                    "from_child_chat", None, {"request": request_view(request, account)}
                )
            if request.state != REQUEST_PENDING:
                return MiniOutcome(
                    "already_decided", None, {"request": request_view(request, account)}
                )
            now = self._clock.now()
            if approve:
                return self._approve(session, parent, request, account, now)
            return self._reject(session, parent, request, account, now)

        return self._as_parent(sender_id, work)

    # Plumbing --------------------------------------------------------------------------------

    def _money_amount(
        self, session: Session, child: Child, text: str, now: datetime
    ) -> MiniOutcome:
        amount = read_amount(text)
        if amount is None:
            return MiniOutcome("invalid_amount", None)
        limits = self._limits
        if amount > limits.per_request:
            return MiniOutcome("over_request_limit", None, {"max": money_text(limits.per_request)})
        left = max(limits.per_day - _asked_today(session, child.mini_account_id, now), ZERO)
        if amount > left:
            return MiniOutcome(
                "over_daily_limit",
                None,
                {"left": money_text(left), "max": money_text(limits.per_day)},
            )
        return MiniOutcome("ok", None, {"amount": money_text(amount)})

    def _withdrawal_amount(self, session: Session, child: Child, text: str) -> MiniOutcome:
        amount = read_amount(text)
        if amount is None:
            return MiniOutcome("invalid_amount", None)
        balance = balance_of(session, mini_account_code(child.mini_account_id))
        available = max(balance - _promised(session, child.mini_account_id), ZERO)
        if amount > available:
            return MiniOutcome("insufficient_funds", None, {"available": money_text(available)})
        return MiniOutcome("ok", None, {"amount": money_text(amount)})

    @staticmethod
    def _goal_pending(session: Session, goal: MiniGoal) -> bool:
        found = session.scalar(
            select(MiniRequest.id).where(
                MiniRequest.goal_id == goal.id, MiniRequest.state == REQUEST_PENDING
            )
        )
        return found is not None

    def _approve(
        self,
        session: Session,
        parent: Parent,
        request: MiniRequest,
        account: MiniAccount,
        now: datetime,
    ) -> MiniOutcome:
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
            memo=request.reason,
            actor=parent.sender_id,
        )
        if result.code == "insufficient_funds":
            who = "child" if outgoing else "parent"
            return MiniOutcome(
                "insufficient_funds",
                None,
                {
                    "who": who,
                    "available": money_text(balance_of(session, debit)),
                    "request": request_view(request, account),
                },
            )
        if result.code != "done":
            raise RuntimeError(f"an approved request could not move money: {result.code}")
        request.state, request.transfer_id = REQUEST_APPROVED, result.transfer_id
        self._close_links(session, request, now, approved=True)
        goal_reached = "" if outgoing else reached_goal(session, account, before, result)
        return self._decided(session, parent, request, account, now, goal_reached=goal_reached)

    def _reject(
        self,
        session: Session,
        parent: Parent,
        request: MiniRequest,
        account: MiniAccount,
        now: datetime,
    ) -> MiniOutcome:
        request.state = REQUEST_REJECTED
        self._close_links(session, request, now, approved=False)
        return self._decided(session, parent, request, account, now, goal_reached="")

    @staticmethod
    def _close_links(
        session: Session, request: MiniRequest, now: datetime, *, approved: bool
    ) -> None:
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
        self,
        session: Session,
        parent: Parent,
        request: MiniRequest,
        account: MiniAccount,
        now: datetime,
        *,
        goal_reached: str,
    ) -> MiniOutcome:
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
            else (
                "mission"
                if request.kind == REQUEST_MISSION and decision == REQUEST_APPROVED
                else ""
            )
        )
        queue_chat_notice(
            session,
            sender_id=request.child_sender_id,
            kind=f"mini_{request.kind}_{decision}",
            data={
                "amount": view["amount"],
                "amount_text": dollars(view["amount"]),
                "reason": request.reason,
                "parent": parent.first_name,
                "balance": money_text(child_balance),
                "balance_text": dollars(child_balance),
                "goal": goal_reached,
                "celebrate": celebrate,
            },
            now=now,
        )
        return MiniOutcome(
            decision,
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


def account_history(session: Session, account: MiniAccount, limit: int) -> dict[str, Any]:
    """A Cuenta Mini's balance, newest movements and newest requests (any state)."""
    code = mini_account_code(account.id)
    rows = session.execute(
        select(LedgerEntry, LedgerTransfer)
        .join(LedgerTransfer, LedgerTransfer.id == LedgerEntry.transfer_id)
        .join(LedgerAccount, LedgerAccount.id == LedgerEntry.account_id)
        .where(LedgerAccount.code == code)
        .order_by(LedgerEntry.id.desc())
        .limit(limit)
    ).all()
    movements = [
        {
            "kind": transfer.kind,
            "memo": transfer.memo,
            "amount": money_text(Decimal(entry.amount)),
            "balance_after": money_text(Decimal(entry.balance_after)),
            "at": entry.created_at.isoformat(timespec="minutes"),
        }
        for entry, transfer in rows
    ]
    requests = session.scalars(
        select(MiniRequest)
        .where(MiniRequest.mini_account_id == account.id)
        .order_by(MiniRequest.id.desc())
        .limit(limit)
    )
    return {
        "balance": money_text(balance_of(session, code)),
        "movements": movements,
        "requests": [request_view(request, account) for request in requests],
    }
