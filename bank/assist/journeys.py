"""The journeys an agent deals with: which one a chat is in, and where a hand back may return.

A hand back to an earlier step goes back the way the journey's own "regresar" does, one step at a
time through the journey's own go-back, so it never reaches a step the customer could not reach
themselves: no later step, and nothing that skips a verification (after the SMS code, the
registration cannot go back at all; the child's registration never goes back before the avatar).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from bank.journey_rows import is_idle
from bank.mini import registration_steps as mini_steps
from bank.mini.journey_base import JourneyContext
from bank.models import Journey
from bank.registration import navigation
from bank.registration.context import Services, StepContext
from bank.registration.steps import TERMINAL_STEPS, Step, previous_step

REGISTRATION: Final = "registration"
MINI_REGISTRATION: Final = mini_steps.KIND
MINI_SIGN_IN: Final = "mini_sign_in"  # bank.mini.sign_in_journey.KIND
MINI_PARENT: Final = "mini_parent"  # bank.mini.parent_steps.KIND
MINI_SESSION: Final = "mini_session"  # a signed-in child (step "menu")
JOURNEY_KINDS: Final = (REGISTRATION, MINI_REGISTRATION, MINI_SIGN_IN, MINI_PARENT)
CHAT_KINDS: Final = (*JOURNEY_KINDS, MINI_SESSION)
# A journey that ended this recently (a lock, typically) is still what a new ticket is about.
RECENTLY_ENDED: Final = timedelta(hours=1)


def active_journeys_of_chat(session: Session, sender_id: str) -> list[Journey]:
    """The chat's active journeys of every kind an agent deals with, most recently active first."""
    keys = [f"{kind}:{sender_id}" for kind in CHAT_KINDS]
    return list(
        session.scalars(
            select(Journey)
            .where(Journey.active_key.in_(keys))
            .order_by(Journey.last_activity_at.desc(), Journey.id.desc())
        )
    )


def journey_of_chat(session: Session, sender_id: str, now: datetime) -> Journey | None:
    """What a ticket is about: the chat's most recently active journey (a child's session only
    when there is nothing else), else the journey that ended in the last hour, else None."""
    active = active_journeys_of_chat(session, sender_id)
    for journey in active:
        if journey.kind != MINI_SESSION:
            return journey
    if active:
        return active[0]
    return session.scalar(
        select(Journey)
        .where(
            Journey.sender_id == sender_id,
            Journey.kind.in_(JOURNEY_KINDS),
            Journey.updated_at >= now - RECENTLY_ENDED,
        )
        .order_by(Journey.updated_at.desc(), Journey.id.desc())
        .limit(1)
    )


def return_steps(journey: Journey) -> list[str]:
    """The earlier steps a hand back may take this journey to, nearest first."""
    if journey.active_key is None:
        return []
    if journey.kind == REGISTRATION:
        return [step.value for step in _registration_chain(journey)]
    if journey.kind == MINI_REGISTRATION:
        return [step.value for step in _mini_registration_chain(journey)]
    return []


def go_back_to(
    session: Session, journey: Journey, target: str, *, now: datetime, services: Services
) -> bool:
    """Inside the caller's unit of work: take the journey back to `target` through its own
    go-back, one step at a time; False (nothing changed) when `target` is not reachable."""
    steps = return_steps(journey)
    if target not in steps:
        return False
    hops = steps.index(target) + 1
    if journey.kind == REGISTRATION:
        step_ctx = StepContext(session=session, journey=journey, now=now, services=services)
        for _ in range(hops):
            navigation.go_back(step_ctx)
    else:
        mini_ctx = JourneyContext(session=session, journey=journey, now=now)
        for _ in range(hops):
            mini_steps.go_back(mini_ctx)
    if journey.step != target:  # the journey's own rules disagreed: never half a hand back
        raise RuntimeError(f"going back to {target} stopped at {journey.step}")
    return True


def keep_alive(journey: Journey | None, now: datetime) -> None:
    """An agent was with the customer: the journey is not idle (it resumes where it was)."""
    if journey is not None and journey.active_key is not None:
        journey.last_activity_at = now


def idle_minutes(journey: Journey, now: datetime) -> int:
    """Whole minutes since the journey's last activity."""
    return max(0, int((now - journey.last_activity_at).total_seconds() // 60))


def is_expired(journey: Journey, now: datetime) -> bool:
    """An active journey idle long enough to start over at the customer's next message."""
    return journey.active_key is not None and is_idle(journey, now)


def _registration_chain(journey: Journey) -> list[Step]:
    try:
        step = Step(journey.step)
    except ValueError:
        return []
    chain: list[Step] = []
    # previous_step reads the data only at the PIN and at `finish`, which going back from here
    # never changes before it passes them: walking with today's data is what go_back would do.
    target = previous_step(step, journey.data) if step not in TERMINAL_STEPS else None
    while target is not None and target not in chain:
        chain.append(target)
        target = previous_step(target, journey.data)
    return chain


def _mini_registration_chain(journey: Journey) -> list[mini_steps.Step]:
    try:
        step = mini_steps.Step(journey.step)
    except ValueError:
        return []
    chain: list[mini_steps.Step] = []
    target = mini_steps.PREVIOUS.get(step)
    while target is not None and target not in chain:
        chain.append(target)
        target = mini_steps.PREVIOUS.get(target)
    return chain
