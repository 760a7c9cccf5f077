"""The signed-in child's Cuenta Mini menu: goals, missions and lessons, movements, music.

One-shot actions; the multi-step ones (a new goal, asking for money, a withdrawal) are forms in
`actions/mini/money_forms.py`. Every bank call acts for the child signed in from this chat; a
chat without one is told to sign in first (or, for balances and missions, shown the signed-in
parent's view).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common.bank_access import current_bank, in_thread
from actions.common.money import dollars
from actions.common.replies import Replies, button, phrase, utter
from actions.mini import parent_money  # the parent's view of the same questions
from actions.mini.money_lines import CHILD_LINES, movement_line, request_line
from bank.mini.outcome import MiniCode

GOAL_MONEY_PAYLOAD = '/request_goal_money{{"goal_ref": "{ref}"}}'
MISSION_DONE_PAYLOAD = '/mission_done{{"mission_ref": "{ref}"}}'
LESSON_PAYLOAD = '/learn{{"lesson": "{key}"}}'


def menu_button(domain: DomainDict) -> dict[str, str]:
    """ "Mi menú": back to the child's menu."""
    return button(domain, "mini_menu", "/open_mini")


def entity(tracker: Tracker, name: str) -> str | None:
    """The latest message's entity `name` (from a button payload), if any."""
    value = next(tracker.get_latest_entity_values(name), None)
    return None if value is None else str(value)


def money_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """Outcome data with every amount shown as dollars ("$12,50")."""
    amounts = {"amount", "balance", "target", "saved", "missing", "reward", "max", "left"}
    amounts |= {"available", "balance_after", "parent_balance", "child_balance"}
    return {key: dollars(value) if key in amounts else value for key, value in data.items()}


def signed_out(dispatcher: CollectingDispatcher) -> list[EventType]:
    """Tell a chat without a signed-in child to sign in first."""
    utter(dispatcher, "utter_mini_child_signed_out")
    return []


def goal_card(dispatcher: CollectingDispatcher, goal: Mapping[str, Any]) -> None:
    """The goal's progress, drawn by the channel."""
    dispatcher.utter_message(
        json_message={
            "type": "goal_progress",
            "picture": goal["picture"],
            "name": goal["name"],
            "saved": goal["saved"],
            "target": goal["target"],
        }
    )


def celebrate(dispatcher: CollectingDispatcher, reason: str, music_on: bool) -> None:
    """A short celebration (the channel skips it in a quiet chat)."""
    if music_on:
        dispatcher.utter_message(json_message={"type": "celebration", "reason": reason})


def show_goal(
    dispatcher: CollectingDispatcher, domain: DomainDict, goal: Mapping[str, Any]
) -> None:
    """One goal: its card and its line, with "Solicitar mi dinero" once reached."""
    goal_card(dispatcher, goal)
    if goal["reached"]:
        ask = button(domain, "goal_money", GOAL_MONEY_PAYLOAD.format(ref=goal["ref"]))
        utter(dispatcher, "utter_mini_goal_reached", money_data(goal), buttons=[ask])
    else:
        utter(dispatcher, "utter_mini_goal_line", money_data(goal))


class OpenMini(Action):
    """ "Cuenta Mini": the child's menu when a child is signed in here, else the Mini choice."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_open_mini"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Show the right menu."""
        status = await in_thread(
            current_bank().mini_sign_in.current_child, sender_id=tracker.sender_id
        )
        if status.code == MiniCode.ACTIVE:
            utter(dispatcher, "utter_mini_child_menu", status.data)
        else:
            utter(dispatcher, "utter_mini_menu")
        return []


class ShowGoals(Action):
    """ "Mis metas": each goal's progress picture and text."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_show_goals"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """List the goals, or offer to create the first."""
        outcome = await in_thread(current_bank().mini_goals.list, sender_id=tracker.sender_id)
        if outcome.code != MiniCode.OK:
            return signed_out(dispatcher)
        goals = outcome.data["goals"]
        if not goals:
            utter(dispatcher, "utter_mini_no_goals", money_data(outcome.data))
            return []
        utter(dispatcher, "utter_mini_goals_intro", money_data(outcome.data))
        for goal in goals:
            show_goal(dispatcher, domain, goal)
        utter(
            dispatcher,
            "utter_mini_goals_more",
            buttons=[button(domain, "new_goal", "/create_goal"), menu_button(domain)],
        )
        return []


class RequestGoalMoney(Action):
    """ "Solicitar mi dinero" on a reached goal: a withdrawal request of the goal's amount."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_request_goal_money"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Ask the parent, or say why not."""
        goal_ref = entity(tracker, "goal_ref")
        if goal_ref is None:
            return await ShowGoals().run(dispatcher, tracker, domain)
        outcome = await in_thread(
            current_bank().mini_requests.ask_withdrawal,
            sender_id=tracker.sender_id,
            goal_ref=goal_ref,
        )
        if outcome.code == MiniCode.SIGNED_OUT:
            return signed_out(dispatcher)
        data: dict[str, Any] = dict(outcome.data.get("request") or outcome.data.get("goal") or {})
        replies: Replies = {
            MiniCode.ASKED: "utter_mini_goal_money_asked",
            MiniCode.NOT_REACHED: "utter_mini_goal_not_reached",
            MiniCode.ALREADY_ASKED: "utter_mini_goal_already_asked",
            MiniCode.UNKNOWN_GOAL: "utter_mini_goal_unknown",
            MiniCode.INSUFFICIENT_FUNDS: "utter_mini_withdrawal_insufficient",
            MiniCode.TOO_MANY_PENDING: "utter_mini_too_many_pending",
        }
        utter(
            dispatcher,
            replies.get(outcome.code, "utter_mini_goal_unknown"),
            money_data({**outcome.data, **data}),
        )
        return []


class ShowMissions(Action):
    """ "Misiones": the parent's missions with "Ya la hice", and the bank's lessons."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_show_missions"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """List them (a signed-in parent sees their children's missions instead)."""
        outcome = await in_thread(current_bank().mini_missions.list, sender_id=tracker.sender_id)
        if outcome.code != MiniCode.OK:
            if await parent_money.show_parent_missions(dispatcher, domain, tracker.sender_id):
                return []
            return signed_out(dispatcher)
        missions = outcome.data["missions"]
        if missions:
            utter(dispatcher, "utter_mini_missions_intro")
            for mission in missions:
                if mission["state"] == "claimed":
                    utter(dispatcher, "utter_mini_mission_waiting", money_data(mission))
                else:
                    done = button(
                        domain, "mission_done", MISSION_DONE_PAYLOAD.format(ref=mission["ref"])
                    )
                    utter(
                        dispatcher, "utter_mini_mission_line", money_data(mission), buttons=[done]
                    )
        else:
            utter(dispatcher, "utter_mini_no_missions")
        lessons = [lesson_button(domain, lesson) for lesson in outcome.data["lessons"]]
        utter(
            dispatcher,
            "utter_mini_lessons_intro",
            {"stars": outcome.data["stars"]},
            buttons=[*lessons, menu_button(domain)],
        )
        return []


def lesson_button(domain: DomainDict, lesson: Mapping[str, Any]) -> dict[str, str]:
    """A lesson's button: its title (`utter_mini_lesson_title_<key>`), ✅ once done."""
    title = phrase(domain, f"utter_mini_lesson_title_{lesson['key']}")
    name = "lesson_done" if lesson["done"] else "lesson"
    return button(domain, name, LESSON_PAYLOAD.format(key=lesson["key"]), {"title": title})


class MissionDone(Action):
    """ "¡Ya la hice!": the parent is asked to approve the reward."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_mission_done"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Claim the tapped mission; typed without a button, show the missions to tap."""
        mission_ref = entity(tracker, "mission_ref")
        if mission_ref is None:
            return await ShowMissions().run(dispatcher, tracker, domain)
        outcome = await in_thread(
            current_bank().mini_missions.claim, sender_id=tracker.sender_id, mission_ref=mission_ref
        )
        if outcome.code == MiniCode.SIGNED_OUT:
            return signed_out(dispatcher)
        replies: Replies = {
            MiniCode.CLAIMED: "utter_mini_mission_claimed",
            MiniCode.ALREADY_CLAIMED: "utter_mini_mission_waiting",
            MiniCode.UNKNOWN: "utter_mini_mission_unknown",
        }
        utter(dispatcher, replies[outcome.code], money_data(outcome.data.get("mission") or {}))
        return []


class Learn(Action):
    """The bank's learning missions: show a lesson, or check the tapped answer."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_learn"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Lesson, answer, or the list of lessons."""
        lesson, option = entity(tracker, "lesson"), entity(tracker, "lesson_option")
        bank = current_bank()
        if lesson is None:
            return await ShowMissions().run(dispatcher, tracker, domain)
        if option is None:
            if f"utter_mini_lesson_{lesson}" not in domain.get("responses", {}):
                return await ShowMissions().run(dispatcher, tracker, domain)
            utter(dispatcher, f"utter_mini_lesson_{lesson}")
            return []
        outcome = await in_thread(
            bank.mini_missions.answer_lesson, sender_id=tracker.sender_id, key=lesson, option=option
        )
        if outcome.code == MiniCode.SIGNED_OUT:
            return signed_out(dispatcher)
        if outcome.code == MiniCode.CORRECT:
            utter(dispatcher, "utter_mini_lesson_correct", outcome.data)
            if outcome.data.get("first_time"):
                music = await in_thread(bank.mini_music.is_on, sender_id=tracker.sender_id)
                celebrate(dispatcher, "mission", bool(music.data.get("music_on", True)))
        elif outcome.code == MiniCode.WRONG:
            retry = button(domain, "lesson_retry", LESSON_PAYLOAD.format(key=lesson))
            utter(dispatcher, "utter_mini_lesson_wrong", buttons=[retry, menu_button(domain)])
        else:
            return await ShowMissions().run(dispatcher, tracker, domain)
        return []


class ShowMovements(Action):
    """ "Movimientos": the balance, the latest movements and each request's state."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_show_movements"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Tell the history (a signed-in parent sees their children's)."""
        outcome = await in_thread(current_bank().mini_requests.history, sender_id=tracker.sender_id)
        if outcome.code != MiniCode.OK:
            if await parent_money.show_parent_overview(dispatcher, domain, tracker.sender_id):
                return []
            return signed_out(dispatcher)
        tell_history(dispatcher, domain, outcome.data)
        return []


def tell_history(
    dispatcher: CollectingDispatcher, domain: DomainDict, data: Mapping[str, Any]
) -> None:
    """Balance, movements (newest first) and requests with their state, in few messages."""
    utter(dispatcher, "utter_mini_balance", money_data(data))
    movements = data.get("movements") or []
    if movements:
        lines = [f"• {movement_line(domain, movement, CHILD_LINES)}" for movement in movements]
        utter(dispatcher, "utter_mini_movements", {"lines": "\n".join(lines)})
    requests = data.get("requests") or []
    if requests:
        lines = [f"• {request_line(domain, request, CHILD_LINES)}" for request in requests]
        utter(
            dispatcher,
            "utter_mini_requests",
            {"lines": "\n".join(lines)},
            buttons=[menu_button(domain)],
        )


class ShowBalance(Action):
    """ "¿Cuánto tengo?": the child's balance and goals; a parent's children's balances."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_show_balance"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Say the balance."""
        outcome = await in_thread(current_bank().mini_goals.list, sender_id=tracker.sender_id)
        if outcome.code != MiniCode.OK:
            if await parent_money.show_parent_overview(dispatcher, domain, tracker.sender_id):
                return []
            return signed_out(dispatcher)
        buttons = [
            button(domain, "my_goals", "/show_goals"),
            button(domain, "movements", "/show_movements"),
        ]
        utter(dispatcher, "utter_mini_balance", money_data(outcome.data), buttons=buttons)
        return []


class SetMusic(Action):
    """ "Apaga / prende la música": the saved preference (silent messages when off)."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return "action_set_music"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Save and confirm."""
        on = (tracker.latest_message.get("intent") or {}).get("name") == "music_on"
        outcome = await in_thread(current_bank().mini_music.set, sender_id=tracker.sender_id, on=on)
        if outcome.code != MiniCode.OK:
            return signed_out(dispatcher)
        utter(dispatcher, "utter_mini_music_on" if on else "utter_mini_music_off")
        return []
