"""The parent's side of Cuenta Mini money (docs/mini.md, issue 5): decide the children's requests,
see what waits, a child's balance and missions, and removing a mission. New missions are
`actions/mini/parent_mission_form.py`.

Every bank call acts for the parent signed in from this chat. A decision is only ever taken from
an explicit tap that names the request; a chat signed out is sent to the parent's sign-in, after
which the pending requests are listed again to be tapped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common.bank_access import current_bank, in_thread
from actions.common.replies import button, utter
from actions.mini.money_lines import REQUEST_KINDS, with_dollars
from actions.mini.parent_replies import tell_child_overview, tell_decision
from actions.mini.parent_session import (
    PARENT_FORM,
    approved_children,
    chosen_child,
    entity,
    needs_sign_in,
    pending_requests,
    settled,
)
from bank.mini.outcome import MiniCode

APPROVE_PAYLOAD: Final = '/approve_request{{"request_ref": "{ref}"}}'
REJECT_PAYLOAD: Final = '/reject_request{{"request_ref": "{ref}"}}'
REMOVE_MISSION_PAYLOAD: Final = '/remove_mission{{"mission_ref": "{ref}"}}'
NEW_MISSION_PAYLOAD: Final = '/create_mission{{"child_ref": "{ref}"}}'
OPEN_CHILD_PAYLOAD: Final = '/start_parent_mini{{"child_ref": "{ref}"}}'
APPROVALS_PAYLOAD: Final = "/parent_approvals"

Button = dict[str, str]


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


async def list_pending(
    dispatcher: CollectingDispatcher, domain: DomainDict, sender_id: str
) -> None:
    """List the pending requests if there are any (the child step and a fresh sign-in)."""
    requests = await pending_requests(sender_id)
    if requests:
        tell_requests(dispatcher, domain, requests)


# Balances -----------------------------------------------------------------------------------


async def show_parent_overview(
    dispatcher: CollectingDispatcher, domain: DomainDict, sender_id: str
) -> bool:
    """Every approved child's balance (a button opens the child), then what waits for a decision.

    False, saying nothing, when no parent is signed in from this chat.
    """
    bank = current_bank()
    pending = await in_thread(bank.mini_requests.pending, sender_id=sender_id)
    if pending.code != MiniCode.OK:
        return False
    approved = await approved_children(dispatcher, sender_id)
    if not approved:
        return True
    utter(dispatcher, "utter_parent_balances_intro", with_dollars(pending.data))
    for child in approved:
        overview = await in_thread(
            bank.mini_requests.child_overview, sender_id=sender_id, child_ref=child.ref
        )
        if overview.code != MiniCode.OK:
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
    if outcome.code == MiniCode.SIGNED_OUT:
        return False
    if outcome.code != MiniCode.OK:
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
    if status.code != MiniCode.ACTIVE:
        return False
    for child in await approved_children(dispatcher, sender_id):
        if not await tell_child_missions(dispatcher, domain, sender_id, child.ref, offer_new=True):
            return False
    return True


# Actions ------------------------------------------------------------------------------------


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
        if outcome.code == MiniCode.SIGNED_OUT:
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
            if outcome.code == MiniCode.OK:
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
        if outcome.code == MiniCode.SIGNED_OUT:
            return await needs_sign_in(dispatcher, tracker, "utter_parent_money_signed_out")
        mission = with_dollars(outcome.data.get("mission") or {})
        if outcome.code == MiniCode.REMOVED:
            utter(dispatcher, "utter_parent_mission_removed", mission)
        elif outcome.code == MiniCode.CLAIMED:
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
