"""What a child asks and the parent decides once: money, a withdrawal, a mission's reward.

`MiniRequests` is the service the actions call; each call resolves the caller (a signed-in child
or parent) and runs one unit of work. The rules live next to it: `request_limits` (what may be
asked), `request_asking` (a child asks), `request_decisions` (the parent approves or rejects
once) and `request_history` (movements and requests shown to the family).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bank.mini import request_asking, request_decisions, request_history
from bank.mini.amounts import REASON_MAX, clean_text, money_text
from bank.mini.family import Child, FamilyService, FamilyWiring, Parent
from bank.mini.free_text import without_purpose_word
from bank.mini.outcome import MiniCode
from bank.mini.request_limits import (
    Limits,
    check_money_amount,
    check_withdrawal_amount,
    withdrawable_balance,
)
from bank.models import MiniAccount
from bank.outcome import Outcome


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

    def check_money_amount(self, *, sender_id: str, text: str) -> Outcome:
        """`ok` (data.amount), `invalid_amount`, `over_request_limit` (data.max),
        `over_daily_limit` (data.left, data.max) or `signed_out`; changes nothing."""

        def work(session: Session, child: Child) -> Outcome:
            return check_money_amount(
                session, child, text, limits=self._limits, now=self._clock.now()
            )

        return self._as_child(sender_id, work)

    def ask_money(self, *, sender_id: str, amount: str, reason: str) -> Outcome:
        """Ask the parent for money: `asked` (data.request), the codes of `check_money_amount`,
        `invalid_reason` (data.reason: `empty`, `too_short`, `too_long`; data.max),
        `too_many_pending` (data.max) or `signed_out`."""
        why = clean_text(reason, maximum=REASON_MAX, minimum=2)
        if not why.ok:
            return Outcome(MiniCode.INVALID_REASON, None, {"reason": why.reason, "max": REASON_MAX})

        def work(session: Session, child: Child) -> Outcome:
            return request_asking.ask_money(
                session,
                child,
                amount=amount,
                reason=without_purpose_word(why.value),
                limits=self._limits,
                now=self._clock.now(),
            )

        return self._as_child(sender_id, work)

    def check_withdrawal_amount(self, *, sender_id: str, text: str) -> Outcome:
        """`ok` (data.amount), `invalid_amount`, `insufficient_funds` (data.available) or
        `signed_out`; changes nothing."""

        def work(session: Session, child: Child) -> Outcome:
            return check_withdrawal_amount(session, child, text)

        return self._as_child(sender_id, work)

    def withdrawable(self, *, sender_id: str) -> Outcome:
        """`ok` (data.balance, data.available: the balance not promised to a pending
        withdrawal) or `signed_out`; changes nothing."""

        def work(session: Session, child: Child) -> Outcome:
            balance, available = withdrawable_balance(session, child.mini_account_id)
            data = {"balance": money_text(balance), "available": money_text(available)}
            return Outcome(MiniCode.OK, None, data)

        return self._as_child(sender_id, work)

    def ask_withdrawal(
        self, *, sender_id: str, amount: str | None = None, goal_ref: str | None = None
    ) -> Outcome:
        """Ask to withdraw `amount`, or a reached goal's amount ("Solicitar mi dinero"):
        `asked` (data.request), `invalid_amount`, `insufficient_funds` (data.available),
        `unknown_goal`, `not_reached` (data.goal), `already_asked` (a pending withdrawal for the
        goal exists), `too_many_pending` or `signed_out`."""

        def work(session: Session, child: Child) -> Outcome:
            return request_asking.ask_withdrawal(
                session, child, amount=amount, goal_ref=goal_ref, now=self._clock.now()
            )

        return self._as_child(sender_id, work)

    def history(self, *, sender_id: str, limit: int = 10) -> Outcome:
        """The child's balance, newest movements and requests: `ok` or `signed_out`."""

        def work(session: Session, child: Child) -> Outcome:
            account = session.get(MiniAccount, child.mini_account_id)
            assert account is not None
            return Outcome(
                MiniCode.OK, None, request_history.account_history(session, account, limit)
            )

        return self._as_child(sender_id, work)

    # The parent ------------------------------------------------------------------------------

    def pending(self, *, sender_id: str) -> Outcome:
        """`ok` (data.requests: the parent's children's pending requests, oldest first;
        data.balance: the parent's account) or `signed_out`."""

        def work(session: Session, parent: Parent) -> Outcome:
            return request_history.pending_for_parent(session, parent)

        return self._as_parent(sender_id, work)

    def child_overview(self, *, sender_id: str, child_ref: str, limit: int = 10) -> Outcome:
        """One of the parent's children: `ok` (data: child, balance, movements, requests),
        `unknown` or `signed_out`."""

        def work(session: Session, parent: Parent) -> Outcome:
            return request_history.child_overview(session, parent, child_ref=child_ref, limit=limit)

        return self._as_parent(sender_id, work)

    def decide(self, *, sender_id: str, request_ref: str, approve: bool) -> Outcome:
        """Approve or reject once: `approved` / `rejected` (data: request, parent_balance,
        child_balance, goal_reached), `already_decided` (data.request), `insufficient_funds`
        (data.who `parent` or `child`, data.available; the request stays pending), `unknown`
        (not a request of this parent's children), `from_child_chat` (the decision would come from
        the chat the child asked from: refused) or `signed_out`."""

        def work(session: Session, parent: Parent) -> Outcome:
            return request_decisions.decide_request(
                session, parent, request_ref=request_ref, approve=approve, now=self._clock.now()
            )

        return self._as_parent(sender_id, work)
