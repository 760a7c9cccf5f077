"""The parent's new mission for a child: `parent_mission_form` and its start, validation, finish,
cancel and go-back actions (docs/mini.md, issue 5).

"➕ Nueva misión" leaves "Cuenta para mis hijos" for the form; when it ends, the rules go back to
the child it was for.
"""

from __future__ import annotations

from typing import Any, Final

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common.answers import is_button_payload
from actions.common.bank_access import current_bank, in_thread
from actions.common.money import amount_refusal
from actions.common.replies import Replies, utter
from actions.common.token_answers import TakesOneWordAnswers
from actions.mini.money_lines import with_dollars
from actions.mini.parent_session import PARENT_FORM, chosen_child, entity
from bank.mini.outcome import MiniCode

MISSION_FORM: Final = "parent_mission_form"
MISSION_CHILD: Final = "mission_child_ref"
MISSION_SLOTS: Final = (MISSION_CHILD, "mission_title", "mission_reward")


class StartParentMission(Action):
    """ "➕ Nueva misión": leave "Cuenta para mis hijos" for `parent_mission_form`, for the chosen
    child (or the one the button names)."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_start_parent_mission"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Remember the child for the form; without one the form ends at once and says why."""
        sender_id = tracker.sender_id
        named = entity(tracker, "child_ref")
        if named is not None or tracker.active_loop_name != PARENT_FORM:
            # The parent's journey is where the form comes back to: open it at this child.
            await in_thread(current_bank().parent_mini.start, sender_id=sender_id, child_ref=named)
        child = await chosen_child(sender_id)
        events: list[EventType] = []
        if tracker.active_loop_name is not None:
            events += [ActiveLoop(None), SlotSet("requested_slot", None)]
        if child is not None:
            utter(dispatcher, "utter_parent_mission_started", {"child": child.name})
        events += [SlotSet(slot, None) for slot in MISSION_SLOTS[1:]]
        events.append(SlotSet(MISSION_CHILD, child.ref if child else None))
        return events


class ValidateParentMissionForm(TakesOneWordAnswers):
    """Validation of `parent_mission_form`: the bank's rules for a title and a reward."""

    def name(self) -> str:
        """Name Rasa calls this validation action by."""
        return "validate_parent_mission_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """Title and reward; nothing (the form ends) when no child was chosen."""
        return domain_slots if tracker.get_slot(MISSION_CHILD) else []

    def validate_mission_title(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """A short title (3 to 60 characters), cleaned by the bank."""
        if is_button_payload(slot_value):
            utter(dispatcher, "utter_finish_current_first")
            return {"mission_title": None}
        outcome = current_bank().mini_missions.check_title(str(slot_value or ""))
        if outcome.code == MiniCode.OK:
            return {"mission_title": outcome.data["title"]}
        reason = str(outcome.data.get("reason") or "empty")
        utter(dispatcher, f"utter_invalid_mission_title_{reason}", outcome.data)
        return {"mission_title": None}

    def validate_mission_reward(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """An amount in dollars up to the per-request limit."""
        outcome = current_bank().mini_missions.check_reward(str(slot_value or ""))
        if outcome.code == MiniCode.OK:
            return {"mission_reward": outcome.data["reward"]}
        if outcome.code == MiniCode.OVER_REQUEST_LIMIT:
            utter(dispatcher, "utter_invalid_mission_reward_over_limit", with_dollars(outcome.data))
        else:
            utter(dispatcher, amount_refusal(slot_value, "utter_invalid_mission_reward_amount"))
        return {"mission_reward": None}


MISSION_REPLIES: Final[Replies] = {
    MiniCode.TOO_MANY: "utter_parent_mission_too_many",
    MiniCode.UNKNOWN_CHILD: "utter_parent_mission_unknown_child",
    MiniCode.SIGNED_OUT: "utter_parent_money_signed_out",
    MiniCode.INVALID: "utter_invalid_mission_title_empty",
    MiniCode.INVALID_AMOUNT: "utter_invalid_mission_reward_amount",
    MiniCode.OVER_REQUEST_LIMIT: "utter_invalid_mission_reward_over_limit",
}


class FinishParentMission(Action):
    """`parent_mission_form` is done: create the mission (the rules then go back to the child)."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_finish_parent_mission"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Create it, tell it, and forget the answers."""
        bank = current_bank()
        child_ref = tracker.get_slot(MISSION_CHILD)
        forget: list[EventType] = [SlotSet(slot, None) for slot in MISSION_SLOTS]
        if not child_ref:
            status = await in_thread(
                bank.parent_sign_in.current_parent, sender_id=tracker.sender_id
            )
            signed_in = status.code == MiniCode.ACTIVE
            utter(
                dispatcher,
                "utter_parent_mission_pick_child" if signed_in else "utter_parent_money_signed_out",
            )
            return forget
        outcome = await in_thread(
            bank.mini_missions.create,
            sender_id=tracker.sender_id,
            child_ref=str(child_ref),
            title=str(tracker.get_slot("mission_title") or ""),
            reward=str(tracker.get_slot("mission_reward") or ""),
        )
        if outcome.code == MiniCode.CREATED:
            data = {**with_dollars(outcome.data["mission"]), "child": outcome.data["child"]}
            utter(dispatcher, "utter_parent_mission_created", data)
        else:
            response = MISSION_REPLIES.get(outcome.code, "utter_parent_mission_unknown_child")
            utter(dispatcher, response, with_dollars(outcome.data))
        return forget


class CancelParentMission(Action):
    """ "Cancelar" inside `parent_mission_form`: no mission; the rules go back to the child."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_cancel_parent_mission"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Leave the form and forget its answers."""
        utter(dispatcher, "utter_parent_mission_cancelled")
        return [
            ActiveLoop(None),
            SlotSet("requested_slot", None),
            *[SlotSet(slot, None) for slot in MISSION_SLOTS],
        ]


class ParentMissionGoBack(Action):
    """ "Regresar" inside `parent_mission_form`: write the mission again from its title."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_parent_mission_go_back"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Forget the title and the reward; the form asks the title again."""
        utter(dispatcher, "utter_parent_mission_went_back")
        return [SlotSet(slot, None) for slot in MISSION_SLOTS[1:]]
