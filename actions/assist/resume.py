"""The agent handed the chat back (the channel sends `/resume_after_agent`): carry on.

Inside a form, rules greet and the form asks the journey's current stored step (an agent may
have taken it back to an earlier one). Outside a form this action looks at the bank: a journey
still active resumes its form (rules keyed on `agent_resume`), a journey that ended (a lock the
agent lifted) is offered again, a signed-in child gets their menu, and anyone else the main menu.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common.bank_access import current_bank, in_thread
from actions.common.journey_form import JourneyService
from actions.common.replies import utter
from bank.mini.outcome import MiniCode

if TYPE_CHECKING:
    from bank.bootstrap import Bank

RESUME_SLOT: Final = "agent_resume"
# A journey's latest row at one of these steps is over (bank.models: completed, ended, cancelled).
OVER_STEPS: Final = frozenset({"completed", "ended", "cancelled"})


@dataclass(frozen=True)
class JourneyKind:
    """A bank journey, the form that asks its steps, and how it is offered again once ended."""

    form: str
    service: Callable[[Bank], JourneyService]
    ended_response: str


JOURNEYS: Final = (
    JourneyKind(
        "registration_form", lambda bank: bank.registration, "utter_resume_registration_again"
    ),
    JourneyKind(
        "mini_registration_form",
        lambda bank: bank.mini_registration,
        "utter_resume_mini_registration_again",
    ),
    JourneyKind(
        "parent_mini_form", lambda bank: bank.parent_mini, "utter_resume_parent_mini_again"
    ),
    JourneyKind(
        "mini_sign_in_form", lambda bank: bank.mini_sign_in, "utter_resume_mini_sign_in_again"
    ),
)
FORMS: Final = {kind.form: kind for kind in JOURNEYS}


def last_journey_form(tracker: Tracker) -> JourneyKind | None:
    """The journey form this chat was in most recently (it may have ended since)."""
    for event in reversed(tracker.events):
        if event.get("event") == "active_loop" and event.get("name") in FORMS:
            return FORMS[str(event["name"])]
    return None


def in_order(tracker: Tracker) -> Iterator[JourneyKind]:
    """Every journey, the one the chat was in last first."""
    last = last_journey_form(tracker)
    if last is not None:
        yield last
    yield from (kind for kind in JOURNEYS if kind is not last)


async def step_of(kind: JourneyKind, sender_id: str) -> str | None:
    """The step of the chat's latest journey of this kind (None: never started)."""
    step: Any = await in_thread(kind.service(current_bank()).current_step, sender_id=sender_id)
    return None if step is None else str(step)


class ResumeAfterAgent(Action):
    """Continue after the agent: the journey's form, an offer to start again, or a menu."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_resume_after_agent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Set `agent_resume` to the form to run next, or None when there is none."""
        sender_id = tracker.sender_id
        for kind in in_order(tracker):
            step = await step_of(kind, sender_id)
            if step is not None and step not in OVER_STEPS:
                utter(dispatcher, "utter_resume_after_agent")
                return [SlotSet(RESUME_SLOT, kind.form)]
        last = last_journey_form(tracker)
        if last is not None and await step_of(last, sender_id) == "ended":
            utter(dispatcher, last.ended_response)
            return [SlotSet(RESUME_SLOT, None)]
        child = await in_thread(current_bank().mini_sign_in.current_child, sender_id=sender_id)
        utter(dispatcher, "utter_resume_after_agent_menu")
        if child.code == MiniCode.ACTIVE:
            utter(dispatcher, "utter_mini_child_menu", child.data)
        else:
            utter(dispatcher, "utter_main_menu")
        return [SlotSet(RESUME_SLOT, None)]
