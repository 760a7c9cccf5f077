"""A child's savings goals: a name, an amount and a picture; progress is the balance against it.

The balance is the child's whole Cuenta Mini: a goal is reached when the balance covers it, and
then "Solicitar mi dinero" asks the parent for a withdrawal of the goal's amount
(`MiniRequests.ask_withdrawal` with the goal), which closes the goal when approved.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bank.audit import record_audit
from bank.mini.amounts import GOAL_NAME_MAX, clean_text, money_text, read_amount
from bank.mini.family import Child, FamilyService
from bank.mini.outcome import MiniCode
from bank.mini.pictures import GOAL_PICTURE_IDS, GOAL_PICTURES
from bank.mini.wallets import balance_of, mini_account_code
from bank.models import GOAL_ACTIVE, GOAL_REMOVED, MiniGoal
from bank.outcome import Outcome

MAX_ACTIVE_GOALS: Final = 5
MAX_GOAL_AMOUNT: Final = Decimal("5000.00")


def goal_view(goal: MiniGoal, balance: Decimal) -> dict[str, Any]:
    """A goal as the actions show it: amounts as exact strings, percent floored at 0-100."""
    target = Decimal(goal.target)
    saved = min(balance, target)
    percent = int((saved * 100 / target).to_integral_value(rounding=ROUND_FLOOR))
    return {
        "ref": str(goal.id),
        "name": goal.name,
        "picture": goal.picture,
        "target": money_text(target),
        "saved": money_text(saved),
        "missing": money_text(target - saved),
        "percent": percent,
        "reached": balance >= target,
    }


def check_goal_name(text: str) -> Outcome:
    """`ok` (data.name) or `invalid` (reason `empty`, `too_long`)."""
    name = clean_text(text, maximum=GOAL_NAME_MAX)
    if not name.ok:
        return Outcome(MiniCode.INVALID, None, {"reason": name.reason, "max": GOAL_NAME_MAX})
    return Outcome(MiniCode.OK, None, {"name": name.value})


def check_goal_amount(text: str) -> Outcome:
    """`ok` (data.amount) or `invalid` (reason `amount` or `too_large`, data.max)."""
    amount = read_amount(text)
    if amount is None:
        return Outcome(MiniCode.INVALID, None, {"reason": "amount"})
    if amount > MAX_GOAL_AMOUNT:
        return Outcome(
            MiniCode.INVALID, None, {"reason": "too_large", "max": money_text(MAX_GOAL_AMOUNT)}
        )
    return Outcome(MiniCode.OK, None, {"amount": money_text(amount)})


class MiniGoals(FamilyService):
    """The signed-in child's goals; each call is its own unit of work."""

    def pictures(self) -> list[tuple[str, str]]:
        """The pictures a goal can have: (id, Spanish label)."""
        return list(GOAL_PICTURES)

    def list(self, *, sender_id: str) -> Outcome:
        """`ok` (data.goals, newest last; data.balance) or `signed_out`."""

        def work(session: Session, child: Child) -> Outcome:
            balance = balance_of(session, mini_account_code(child.mini_account_id))
            goals = session.scalars(
                select(MiniGoal)
                .where(
                    MiniGoal.mini_account_id == child.mini_account_id,
                    MiniGoal.state == GOAL_ACTIVE,
                )
                .order_by(MiniGoal.id)
            )
            views = [goal_view(goal, balance) for goal in goals]
            return Outcome(MiniCode.OK, None, {"goals": views, "balance": money_text(balance)})

        return self._as_child(sender_id, work)

    def create(self, *, sender_id: str, name: str, amount: str, picture: str) -> Outcome:
        """`created` (data.goal), `invalid` (reason `empty`, `too_long`, `amount`, `too_large`,
        `picture`), `too_many` (data.max) or `signed_out`."""
        checked_name, checked_amount = check_goal_name(name), check_goal_amount(amount)
        for checked in (checked_name, checked_amount):
            if checked.code != MiniCode.OK:
                return checked
        if picture not in GOAL_PICTURE_IDS:
            return Outcome(MiniCode.INVALID, None, {"reason": "picture"})

        def work(session: Session, child: Child) -> Outcome:
            active = session.scalar(
                select(func.count(MiniGoal.id)).where(
                    MiniGoal.mini_account_id == child.mini_account_id,
                    MiniGoal.state == GOAL_ACTIVE,
                )
            )
            if (active or 0) >= MAX_ACTIVE_GOALS:
                return Outcome(MiniCode.TOO_MANY, None, {"max": MAX_ACTIVE_GOALS})
            now = self._clock.now()
            goal = MiniGoal(
                mini_account_id=child.mini_account_id,
                name=checked_name.data["name"],
                target=Decimal(checked_amount.data["amount"]),
                picture=picture,
                state=GOAL_ACTIVE,
                created_at=now,
            )
            session.add(goal)
            session.flush()
            record_audit(
                session,
                at=now,
                actor=sender_id,
                action="mini_goal_created",
                subject=f"mini:{child.mini_account_id}",
                details={"goal": goal.id, "target": money_text(Decimal(goal.target))},
            )
            balance = balance_of(session, mini_account_code(child.mini_account_id))
            return Outcome(MiniCode.CREATED, None, {"goal": goal_view(goal, balance)})

        return self._as_child(sender_id, work)

    def remove(self, *, sender_id: str, goal_ref: str) -> Outcome:
        """`removed` (data.name), `unknown` (not this child's active goal) or `signed_out`."""

        def work(session: Session, child: Child) -> Outcome:
            goal = active_goal(session, child, goal_ref)
            if goal is None:
                return Outcome(MiniCode.UNKNOWN, None)
            goal.state, goal.closed_at = GOAL_REMOVED, self._clock.now()
            return Outcome(MiniCode.REMOVED, None, {"name": goal.name})

        return self._as_child(sender_id, work)


def active_goal(session: Session, child: Child, goal_ref: object) -> MiniGoal | None:
    """The child's active goal with this ref (its id), locked for the unit of work, or None."""
    ref = str(goal_ref or "").strip()
    if not ref.isdigit() or len(ref) > 12:
        return None
    goal = session.scalars(
        select(MiniGoal).where(MiniGoal.id == int(ref)).with_for_update()
    ).first()
    if goal is None or goal.mini_account_id != child.mini_account_id:
        return None
    return goal if goal.state == GOAL_ACTIVE else None
