"""The parent's side of Cuenta Mini money (docs/mini.md, issue 5): decide the children's requests,
see what waits, a child's balance and missions, new missions (`parent_mission_form`), and
removing one.

Every bank call acts for the parent signed in from this chat. A decision is only ever taken from
an explicit tap that names the request; a chat signed out is sent to the parent's sign-in, after
which the pending requests are listed again to be tapped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.common.answers import is_button_payload
from actions.common.bank_access import current_bank, in_thread
from actions.common.money import amount_refusal, dollars
from actions.common.replies import button, phrase, utter

PARENT_FORM: Final = "parent_mini_form"
MISSION_FORM: Final = "parent_mission_form"
SIGN_IN_NEEDED: Final = "parent_sign_in_needed"
MISSION_CHILD: Final = "mission_child_ref"
MISSION_SLOTS: Final = (MISSION_CHILD, "mission_title", "mission_reward")

APPROVE_PAYLOAD: Final = '/approve_request{{"request_ref": "{ref}"}}'
REJECT_PAYLOAD: Final = '/reject_request{{"request_ref": "{ref}"}}'
REMOVE_MISSION_PAYLOAD: Final = '/remove_mission{{"mission_ref": "{ref}"}}'
NEW_MISSION_PAYLOAD: Final = '/create_mission{{"child_ref": "{ref}"}}'
OPEN_CHILD_PAYLOAD: Final = '/start_parent_mini{{"child_ref": "{ref}"}}'
APPROVALS_PAYLOAD: Final = "/parent_approvals"
AMOUNT_KEYS: Final = frozenset(
    {"amount", "balance", "parent_balance", "child_balance", "available", "reward", "max"}
)
REQUEST_KINDS: Final = frozenset({"money", "withdrawal", "mission"})
MOVEMENT_KINDS: Final = frozenset({"opening", "mini_money", "mini_mission", "mini_withdrawal"})
REQUEST_STATES: Final = frozenset({"pending", "approved", "rejected"})

Button = dict[str, str]


@dataclass(frozen=True)
class ChosenChild:
    """The child chosen in "Cuenta para mis hijos": its reference and first name."""

    ref: str
    name: str


def entity(tracker: Tracker, name: str) -> str | None:
    """The latest message's entity `name` (from a button payload), if any."""
    value = next(tracker.get_latest_entity_values(name), None)
    return None if value is None else str(value)


def with_dollars(data: Mapping[str, Any]) -> dict[str, Any]:
    """Outcome data with every amount written as dollars ("$12,50")."""
    return {key: dollars(value) if key in AMOUNT_KEYS else value for key, value in data.items()}


def decision_buttons(domain: DomainDict, request_ref: str) -> list[Button]:
    """Aprobar / Rechazar for one request."""
    return [
        button(domain, "approve", APPROVE_PAYLOAD.format(ref=request_ref)),
        button(domain, "reject", REJECT_PAYLOAD.format(ref=request_ref)),
    ]


def new_mission_button(domain: DomainDict, child_ref: str) -> Button:
    """ "Nueva misión" for one child."""
    return button(domain, "new_mission", NEW_MISSION_PAYLOAD.format(ref=child_ref))


# Pending requests --------------------------------------------------------------------------


def tell_request(
    dispatcher: CollectingDispatcher, domain: DomainDict, request: Mapping[str, Any]
) -> None:
    """One pending request in words (child, kind, amount, reason) with Aprobar / Rechazar."""
    kind = str(request["kind"])
    response = f"utter_parent_pending_{kind if kind in REQUEST_KINDS else 'money'}"
    if kind == "withdrawal" and request.get("reason"):
        response = "utter_parent_pending_withdrawal_goal"
    buttons = decision_buttons(domain, str(request["ref"]))
    utter(dispatcher, response, with_dollars(request), buttons=buttons)


def tell_requests(
    dispatcher: CollectingDispatcher, domain: DomainDict, requests: list[Mapping[str, Any]]
) -> None:
    """The pending requests, oldest first, each with its buttons."""
    utter(dispatcher, "utter_parent_pending_intro")
    for request in requests:
        tell_request(dispatcher, domain, request)


async def pending_requests(sender_id: str) -> list[Mapping[str, Any]] | None:
    """The signed-in parent's pending requests (None when no parent is signed in here)."""
    outcome = await in_thread(current_bank().mini_requests.pending, sender_id=sender_id)
    if outcome.code != "ok":
        return None
    return list(outcome.data["requests"])


async def list_pending(
    dispatcher: CollectingDispatcher, domain: DomainDict, sender_id: str
) -> None:
    """List the pending requests if there are any (the child step and a fresh sign-in)."""
    requests = await pending_requests(sender_id)
    if requests:
        tell_requests(dispatcher, domain, requests)


async def needs_sign_in(
    dispatcher: CollectingDispatcher, tracker: Tracker, response: str
) -> list[EventType]:
    """Say the sign-in comes first. Outside a form, the rules then open the parent's sign-in;
    inside "Cuenta para mis hijos" its journey goes back to the sign-in."""
    utter(dispatcher, response)
    if tracker.active_loop_name is None:
        return [SlotSet(SIGN_IN_NEEDED, True)]
    if tracker.active_loop_name == PARENT_FORM:
        await in_thread(current_bank().parent_mini.start, sender_id=tracker.sender_id)
    return []


def settled(events: list[EventType]) -> list[EventType]:
    """Every run of an action the rules branch on sets `parent_sign_in_needed` (None unless a
    sign-in must open), so a value left from an earlier turn never steers the rules."""
    if any(event.get("name") == SIGN_IN_NEEDED for event in events):
        return events
    return [*events, SlotSet(SIGN_IN_NEEDED, None)]


# The chosen child ---------------------------------------------------------------------------


async def chosen_child(sender_id: str) -> ChosenChild | None:
    """The child chosen in the parent's journey (its step `child_action`), or None."""
    journey = current_bank().parent_mini
    summary = await in_thread(journey.summary, sender_id=sender_id)
    if summary.code != "ok" or summary.step != "child_action":
        return None
    name = str(summary.data.get("child_first_name") or "")
    ref = str(summary.data.get("child_ref") or "")
    return ChosenChild(ref, name) if ref else None


# Balances and movements ---------------------------------------------------------------------


def movement_line(domain: DomainDict, movement: Mapping[str, Any]) -> str:
    """One movement of a Cuenta Mini, signed, worded by `utter_parent_movement_<kind>`."""
    amount = str(movement["amount"])
    signed = dollars(amount) if amount.startswith("-") else f"+{dollars(amount)}"
    kind = str(movement["kind"])
    memo = str(movement.get("memo") or "")
    return phrase(
        domain,
        f"utter_parent_movement_{kind if kind in MOVEMENT_KINDS else 'other'}",
        {
            "signed": signed,
            "memo": f" «{memo}»" if memo and kind != "opening" else "",
            "balance_after": dollars(movement["balance_after"]),
        },
    )


def request_line(domain: DomainDict, request: Mapping[str, Any]) -> str:
    """One request of a child and its state, from the parent's side."""
    kind, state = str(request["kind"]), str(request["state"])
    return phrase(
        domain,
        f"utter_parent_request_line_{kind if kind in REQUEST_KINDS else 'money'}",
        {
            "amount": dollars(request["amount"]),
            "reason": f" ({request['reason']})" if request.get("reason") else "",
            "state": phrase(
                domain,
                f"utter_parent_request_state_{state if state in REQUEST_STATES else 'pending'}",
            ),
        },
    )


def tell_child_overview(
    dispatcher: CollectingDispatcher, domain: DomainDict, data: Mapping[str, Any]
) -> None:
    """A child's balance, newest movements and requests with their state."""
    utter(dispatcher, "utter_parent_child_balance", with_dollars(data))
    movements = data.get("movements") or []
    if movements:
        lines = "\n".join(f"• {movement_line(domain, m)}" for m in movements)
        utter(dispatcher, "utter_parent_child_movements", {"lines": lines})
    else:
        utter(dispatcher, "utter_parent_child_no_movements", {"child": data.get("child", "")})
    requests = data.get("requests") or []
    if requests:
        lines = "\n".join(f"• {request_line(domain, r)}" for r in requests)
        utter(dispatcher, "utter_parent_child_requests", {"lines": lines})


async def approved_children(dispatcher: CollectingDispatcher, sender_id: str) -> list[Any]:
    """The signed-in parent's children whose Cuenta Mini is approved (saying so when none is)."""
    children = await in_thread(current_bank().parent_mini.children, sender_id=sender_id)
    approved = [child for child in children if child.approved]
    if not approved:
        utter(dispatcher, "utter_parent_money_no_children")
    return approved


async def show_parent_overview(
    dispatcher: CollectingDispatcher, domain: DomainDict, sender_id: str
) -> bool:
    """Every approved child's balance (a button opens the child), then what waits for a decision.

    False, saying nothing, when no parent is signed in from this chat.
    """
    bank = current_bank()
    pending = await in_thread(bank.mini_requests.pending, sender_id=sender_id)
    if pending.code != "ok":
        return False
    approved = await approved_children(dispatcher, sender_id)
    if not approved:
        return True
    utter(dispatcher, "utter_parent_balances_intro", with_dollars(pending.data))
    for child in approved:
        overview = await in_thread(
            bank.mini_requests.child_overview, sender_id=sender_id, child_ref=child.ref
        )
        if overview.code != "ok":
            continue
        history = button(domain, "child_history", OPEN_CHILD_PAYLOAD.format(ref=child.ref))
        utter(
            dispatcher,
            "utter_parent_child_balance_line",
            with_dollars(overview.data),
            buttons=[history],
        )
    if pending.data["requests"]:
        tell_requests(dispatcher, domain, pending.data["requests"])
    return True


# Missions -----------------------------------------------------------------------------------


async def tell_child_missions(
    dispatcher: CollectingDispatcher,
    domain: DomainDict,
    sender_id: str,
    child_ref: str,
    *,
    offer_new: bool,
) -> bool:
    """A child's open and claimed missions, "🗑️ Quitar" on each open one; False if signed out."""
    outcome = await in_thread(
        current_bank().mini_missions.for_child, sender_id=sender_id, child_ref=child_ref
    )
    if outcome.code == "signed_out":
        return False
    if outcome.code != "ok":
        utter(dispatcher, "utter_parent_mission_unknown_child")
        return True
    child = str(outcome.data["child"])
    missions = outcome.data["missions"]
    new = [new_mission_button(domain, child_ref)] if offer_new else None
    if not missions:
        utter(dispatcher, "utter_parent_no_missions", {"child": child}, buttons=new)
        return True
    utter(dispatcher, "utter_parent_missions_intro", {"child": child})
    for mission in missions:
        data = {**with_dollars(mission), "child": child}
        if mission["state"] == "claimed":
            approvals = button(domain, "see_requests", APPROVALS_PAYLOAD)
            utter(dispatcher, "utter_parent_mission_line_claimed", data, buttons=[approvals])
        else:
            remove = button(
                domain, "remove_mission", REMOVE_MISSION_PAYLOAD.format(ref=mission["ref"])
            )
            utter(dispatcher, "utter_parent_mission_line", data, buttons=[remove])
    if new:
        utter(dispatcher, "utter_parent_missions_more", {"child": child}, buttons=new)
    return True


async def show_parent_missions(
    dispatcher: CollectingDispatcher, domain: DomainDict, sender_id: str
) -> bool:
    """Every approved child's missions, each with "➕ Nueva misión".

    False, saying nothing, when no parent is signed in from this chat.
    """
    bank = current_bank()
    status = await in_thread(bank.parent_sign_in.current_parent, sender_id=sender_id)
    if status.code != "active":
        return False
    for child in await approved_children(dispatcher, sender_id):
        if not await tell_child_missions(dispatcher, domain, sender_id, child.ref, offer_new=True):
            return False
    return True


# Actions ------------------------------------------------------------------------------------


def tell_decision(dispatcher: CollectingDispatcher, code: str, data: Mapping[str, Any]) -> None:
    """The result of a decision, with the child's name, the amount and the new balances."""
    request = dict(data.get("request") or {})
    kind = str(request.get("kind", "money"))
    kind = kind if kind in REQUEST_KINDS else "money"
    values = with_dollars({**request, **{k: v for k, v in data.items() if k != "request"}})
    if code in ("approved", "rejected"):
        utter(dispatcher, f"utter_parent_request_{code}_{kind}", values)
        if code == "approved" and data.get("goal_reached"):
            utter(dispatcher, "utter_parent_request_goal_reached", values)
    elif code == "already_decided":
        state = "approved" if request.get("state") == "approved" else "rejected"
        utter(dispatcher, f"utter_parent_request_already_{state}", values)
    elif code == "from_child_chat":
        utter(dispatcher, "utter_parent_request_from_child_chat", values)
    elif code == "insufficient_funds":
        who = "child" if data.get("who") == "child" else "parent"
        utter(dispatcher, f"utter_parent_request_insufficient_{who}", values)
    else:
        utter(dispatcher, "utter_parent_request_unknown")


class DecideRequest(Action):
    """ "✅ Aprobar" / "❌ Rechazar" on a request: decided once by the bank, money moved once."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_decide_request"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Decide the tapped request; typed without a button, show the requests to tap."""
        return settled(await self.decide(dispatcher, tracker, domain))

    async def decide(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """The decision and its reply."""
        request_ref = entity(tracker, "request_ref")
        if request_ref is None:
            return await ShowParentApprovals().run(dispatcher, tracker, domain)
        approve = tracker.latest_message.get("intent", {}).get("name") == "approve_request"
        outcome = await in_thread(
            current_bank().mini_requests.decide,
            sender_id=tracker.sender_id,
            request_ref=request_ref,
            approve=approve,
        )
        if outcome.code == "signed_out":
            return await needs_sign_in(dispatcher, tracker, "utter_parent_decide_signed_out")
        tell_decision(dispatcher, outcome.code, outcome.data)
        return []


class ShowParentApprovals(Action):
    """ "Solicitudes pendientes": each waiting request with Aprobar / Rechazar."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_show_parent_approvals"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """List them, or say there are none; a chat signed out goes to the sign-in."""
        return settled(await self.show(dispatcher, tracker, domain))

    async def show(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """The list and its reply."""
        sender_id = tracker.sender_id
        requests = await pending_requests(sender_id)
        if requests is None:
            return await needs_sign_in(dispatcher, tracker, "utter_parent_approvals_signed_out")
        if not requests:
            utter(dispatcher, "utter_parent_no_pending")
            return []
        at_child_step = (
            tracker.active_loop_name == PARENT_FORM
            and (await in_thread(current_bank().parent_mini.current_step, sender_id=sender_id))
            == "child"
        )
        if not at_child_step:  # the child step, asked next, lists them itself
            tell_requests(dispatcher, domain, requests)
        return []


class ShowParentBalance(Action):
    """ "Saldo y movimientos" in "Cuenta para mis hijos": the chosen child's, or every child's."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_show_parent_balance"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Balance, movements and requests of the chosen child; without one, all balances."""
        sender_id = tracker.sender_id
        child = await chosen_child(sender_id)
        if child is not None:
            outcome = await in_thread(
                current_bank().mini_requests.child_overview,
                sender_id=sender_id,
                child_ref=child.ref,
            )
            if outcome.code == "ok":
                tell_child_overview(dispatcher, domain, outcome.data)
                return []
        if not await show_parent_overview(dispatcher, domain, sender_id):
            utter(dispatcher, "utter_parent_money_signed_out")
        return []


class ShowParentMissions(Action):
    """ "⭐ Misiones" in "Cuenta para mis hijos": the chosen child's, or every child's."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_show_parent_missions"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """List the missions with "🗑️ Quitar" (the child's menu, asked next, offers a new one)."""
        sender_id = tracker.sender_id
        child = await chosen_child(sender_id)
        if child is not None:
            shown = await tell_child_missions(
                dispatcher, domain, sender_id, child.ref, offer_new=False
            )
        else:
            shown = await show_parent_missions(dispatcher, domain, sender_id)
        if not shown:
            utter(dispatcher, "utter_parent_money_signed_out")
        return []


class RemoveMission(Action):
    """ "🗑️ Quitar" on a mission."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_remove_mission"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Remove the tapped mission; one the child already claimed is decided first."""
        return settled(await self.remove(dispatcher, tracker, domain))

    async def remove(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """The removal and its reply."""
        sender_id = tracker.sender_id
        mission_ref = entity(tracker, "mission_ref")
        if mission_ref is None:  # typed: show the missions to tap
            if tracker.active_loop_name is not None:
                return await ShowParentMissions().run(dispatcher, tracker, domain)
            if await show_parent_missions(dispatcher, domain, sender_id):
                return []
            return await needs_sign_in(dispatcher, tracker, "utter_parent_money_signed_out")
        outcome = await in_thread(
            current_bank().mini_missions.remove, sender_id=sender_id, mission_ref=mission_ref
        )
        if outcome.code == "signed_out":
            return await needs_sign_in(dispatcher, tracker, "utter_parent_money_signed_out")
        mission = with_dollars(outcome.data.get("mission") or {})
        if outcome.code == "removed":
            utter(dispatcher, "utter_parent_mission_removed", mission)
        elif outcome.code == "claimed":
            await tell_claimed(dispatcher, domain, sender_id, mission)
        else:
            utter(dispatcher, "utter_parent_mission_unknown")
        return []


async def tell_claimed(
    dispatcher: CollectingDispatcher, domain: DomainDict, sender_id: str, mission: Mapping[str, Any]
) -> None:
    """A claimed mission cannot go: its reward request, with Aprobar / Rechazar, comes first."""
    requests = await pending_requests(sender_id) or []
    reward = next(
        (r for r in requests if r["kind"] == "mission" and r["reason"] == mission.get("title")),
        None,
    )
    if reward is None:  # decided meanwhile: whatever still waits
        utter(dispatcher, "utter_parent_mission_unknown")
        return
    utter(
        dispatcher,
        "utter_parent_mission_claimed",
        {"child": reward["child"]},
        buttons=decision_buttons(domain, str(reward["ref"])),
    )


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


class ValidateParentMissionForm(FormValidationAction):
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
        if outcome.code == "ok":
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
        if outcome.code == "ok":
            return {"mission_reward": outcome.data["reward"]}
        if outcome.code == "over_request_limit":
            utter(dispatcher, "utter_invalid_mission_reward_over_limit", with_dollars(outcome.data))
        else:
            utter(dispatcher, amount_refusal(slot_value, "utter_invalid_mission_reward_amount"))
        return {"mission_reward": None}


MISSION_REPLIES: Final = {
    "too_many": "utter_parent_mission_too_many",
    "unknown_child": "utter_parent_mission_unknown_child",
    "signed_out": "utter_parent_money_signed_out",
    "invalid": "utter_invalid_mission_title_empty",
    "invalid_amount": "utter_invalid_mission_reward_amount",
    "over_request_limit": "utter_invalid_mission_reward_over_limit",
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
            signed_in = status.code == "active"
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
        if outcome.code == "created":
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
