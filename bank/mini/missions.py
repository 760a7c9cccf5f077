"""Missions: the parent sets one with a reward; the child says it is done; the parent approves and
the reward moves from the parent's account (a `mission` request, see `bank.mini.requests`).
The bank's learning missions (`bank.mini.lessons`) are answered by the child and earn a star.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bank.audit import record_audit
from bank.mini.amounts import MISSION_TITLE_MAX, clean_text, money_text, read_amount
from bank.mini.family import Child, FamilyService, FamilyWiring, Parent, first_name, own_child
from bank.mini.free_text import without_purpose_word
from bank.mini.lessons import LESSONS, LESSONS_BY_KEY
from bank.mini.outcome import MiniCode
from bank.mini.request_asking import open_request
from bank.mini.request_limits import Limits
from bank.models import (
    MINI_APPROVED,
    MISSION_CLAIMED,
    MISSION_OPEN,
    MISSION_REMOVED,
    REQUEST_MISSION,
    MiniLesson,
    MiniMission,
)
from bank.outcome import Outcome

MAX_OPEN_MISSIONS: Final = 10
_SHOWN_STATES: Final = (MISSION_OPEN, MISSION_CLAIMED)


def mission_view(mission: MiniMission) -> dict[str, Any]:
    """A mission as the actions show it."""
    return {
        "ref": str(mission.id),
        "title": mission.title,
        "reward": money_text(Decimal(mission.reward)),
        "state": mission.state,
    }


def _mission(session: Session, mission_ref: object) -> MiniMission | None:
    ref = str(mission_ref or "").strip()
    if not ref.isdigit() or len(ref) > 12:
        return None
    return session.scalars(
        select(MiniMission)
        .where(MiniMission.id == int(ref))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()


def _shown(session: Session, mini_account_id: int) -> list[MiniMission]:
    return list(
        session.scalars(
            select(MiniMission)
            .where(
                MiniMission.mini_account_id == mini_account_id,
                MiniMission.state.in_(_SHOWN_STATES),
            )
            .order_by(MiniMission.id)
        )
    )


class MiniMissions(FamilyService):
    """Missions for the parent and the child; each call is its own unit of work."""

    def __init__(self, wiring: FamilyWiring, *, limits: Limits) -> None:
        super().__init__(wiring)
        self._limits = limits

    # The parent ------------------------------------------------------------------------------

    def check_title(self, text: str) -> Outcome:
        """`ok` (data.title) or `invalid` (reason `empty`, `too_short`, `too_long`; data.max)."""
        title = clean_text(text, maximum=MISSION_TITLE_MAX, minimum=3)
        if not title.ok:
            return Outcome(
                MiniCode.INVALID, None, {"reason": title.reason, "max": MISSION_TITLE_MAX}
            )
        kept = without_purpose_word(title.value)
        return Outcome(MiniCode.OK, None, {"title": kept if len(kept) >= 3 else title.value})

    def check_reward(self, text: str) -> Outcome:
        """`ok` (data.reward), `invalid_amount` or `over_request_limit` (data.max)."""
        reward = read_amount(text)
        if reward is None:
            return Outcome(MiniCode.INVALID_AMOUNT, None)
        if reward > self._limits.per_request:
            return Outcome(
                MiniCode.OVER_REQUEST_LIMIT, None, {"max": money_text(self._limits.per_request)}
            )
        return Outcome(MiniCode.OK, None, {"reward": money_text(reward)})

    def create(self, *, sender_id: str, child_ref: str, title: str, reward: str) -> Outcome:
        """`created` (data.mission, data.child), the codes of `check_title` / `check_reward`,
        `unknown_child` (not the parent's approved child), `too_many` (data.max), `signed_out`."""
        for checked in (self.check_title(title), self.check_reward(reward)):
            if checked.code != MiniCode.OK:
                return checked
        clean_title = self.check_title(title).data["title"]
        amount = Decimal(self.check_reward(reward).data["reward"])

        def work(session: Session, parent: Parent) -> Outcome:
            account = own_child(session, parent, child_ref)
            if account is None or account.state != MINI_APPROVED:
                return Outcome(MiniCode.UNKNOWN_CHILD, None)
            if len(_shown(session, account.id)) >= MAX_OPEN_MISSIONS:
                return Outcome(MiniCode.TOO_MANY, None, {"max": MAX_OPEN_MISSIONS})
            now = self._clock.now()
            mission = MiniMission(
                mini_account_id=account.id,
                title=clean_title,
                reward=amount,
                state=MISSION_OPEN,
                created_at=now,
            )
            session.add(mission)
            session.flush()
            record_audit(
                session,
                at=now,
                actor=sender_id,
                action="mini_mission_created",
                subject=f"mini:{account.id}",
                details={"mission": mission.id, "reward": money_text(amount)},
            )
            return Outcome(
                MiniCode.CREATED,
                None,
                {"mission": mission_view(mission), "child": first_name(account)},
            )

        return self._as_parent(sender_id, work)

    def for_child(self, *, sender_id: str, child_ref: str) -> Outcome:
        """The missions of one of the parent's children: `ok` (data.child, data.missions),
        `unknown_child` or `signed_out`."""

        def work(session: Session, parent: Parent) -> Outcome:
            account = own_child(session, parent, child_ref)
            if account is None:
                return Outcome(MiniCode.UNKNOWN_CHILD, None)
            missions = [mission_view(mission) for mission in _shown(session, account.id)]
            return Outcome(MiniCode.OK, None, {"child": first_name(account), "missions": missions})

        return self._as_parent(sender_id, work)

    def remove(self, *, sender_id: str, mission_ref: str) -> Outcome:
        """`removed` (data.mission), `claimed` (the child said it is done: decide it first),
        `unknown` or `signed_out`."""

        def work(session: Session, parent: Parent) -> Outcome:
            mission = _mission(session, mission_ref)
            account = (
                None if mission is None else own_child(session, parent, mission.mini_account_id)
            )
            if mission is None or account is None or mission.state not in _SHOWN_STATES:
                return Outcome(MiniCode.UNKNOWN, None)
            if mission.state == MISSION_CLAIMED:
                return Outcome(MiniCode.CLAIMED, None, {"mission": mission_view(mission)})
            mission.state, mission.closed_at = MISSION_REMOVED, self._clock.now()
            return Outcome(MiniCode.REMOVED, None, {"mission": mission_view(mission)})

        return self._as_parent(sender_id, work)

    # The child -------------------------------------------------------------------------------

    def list(self, *, sender_id: str) -> Outcome:
        """`ok` (data.missions: open and claimed; data.lessons: key, done; data.stars)
        or `signed_out`."""

        def work(session: Session, child: Child) -> Outcome:
            done = set(
                session.scalars(
                    select(MiniLesson.lesson).where(
                        MiniLesson.mini_account_id == child.mini_account_id
                    )
                )
            )
            lessons = [{"key": lesson.key, "done": lesson.key in done} for lesson in LESSONS]
            missions = [mission_view(m) for m in _shown(session, child.mini_account_id)]
            return Outcome(
                MiniCode.OK, None, {"missions": missions, "lessons": lessons, "stars": len(done)}
            )

        return self._as_child(sender_id, work)

    def claim(self, *, sender_id: str, mission_ref: str) -> Outcome:
        """The child says a mission is done: `claimed` (the parent is asked to approve the
        reward; data.mission), `already_claimed`, `unknown` or `signed_out`."""

        def work(session: Session, child: Child) -> Outcome:
            mission = _mission(session, mission_ref)
            if mission is None or mission.mini_account_id != child.mini_account_id:
                return Outcome(MiniCode.UNKNOWN, None)
            if mission.state == MISSION_CLAIMED:
                return Outcome(MiniCode.ALREADY_CLAIMED, None, {"mission": mission_view(mission)})
            if mission.state != MISSION_OPEN:
                return Outcome(MiniCode.UNKNOWN, None)
            mission.state = MISSION_CLAIMED
            open_request(
                session,
                child=child,
                kind=REQUEST_MISSION,
                amount=Decimal(mission.reward),
                reason=mission.title,
                now=self._clock.now(),
                mission_id=mission.id,
            )
            return Outcome(MiniCode.CLAIMED, None, {"mission": mission_view(mission)})

        return self._as_child(sender_id, work)

    def answer_lesson(self, *, sender_id: str, key: str, option: str) -> Outcome:
        """`correct` (data.first_time, data.stars), `wrong` (data.key), `unknown` or
        `signed_out` (the lesson's words are `utter_mini_lesson_<key>` in domain/mini_money.yml)."""
        lesson = LESSONS_BY_KEY.get(str(key or "").strip())
        chosen = str(option or "").strip()
        if lesson is None or not chosen.isdigit() or int(chosen) >= lesson.options:
            return Outcome(MiniCode.UNKNOWN, None)
        if int(chosen) != lesson.answer:
            return Outcome(MiniCode.WRONG, None, {"key": lesson.key})

        def work(session: Session, child: Child) -> Outcome:
            first_time = True
            try:
                with session.begin_nested():
                    session.add(
                        MiniLesson(
                            mini_account_id=child.mini_account_id,
                            lesson=lesson.key,
                            completed_at=self._clock.now(),
                        )
                    )
            except IntegrityError:
                first_time = False
            stars = session.scalar(
                select(func.count(MiniLesson.id)).where(
                    MiniLesson.mini_account_id == child.mini_account_id
                )
            )
            return Outcome(
                MiniCode.CORRECT,
                None,
                {"first_time": first_time, "stars": int(stars or 0), "key": lesson.key},
            )

        return self._as_child(sender_id, work)
