"""The child's Cuenta Mini money actions, on the real domain and a real bank on SQLite."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common.misses import NotUnderstood
from actions.mini import money_child, money_forms
from bank.bootstrap import Bank
from bank.demo import CARLOS_PASSWORD, CARLOS_USERNAME
from tests.support import mini_family as family

REPO = Path(__file__).resolve().parents[3]
CHILD = "test:andrea"
PARENT = "test:carlos"


def sign_in_andrea(bank: Bank) -> None:
    """Andrea signs in from her chat; Carlos stays signed in from his, to decide."""
    family.sign_in_andrea(bank, chat=CHILD)
    carlos = bank.parent_sign_in.sign_in(
        sender_id=PARENT, username=CARLOS_USERNAME, password=CARLOS_PASSWORD
    )
    assert carlos.code == "signed_in"


def tracker(
    sender: str = CHILD,
    *,
    intent: str = "inform",
    entities: dict[str, str] | None = None,
    slots: dict[str, Any] | None = None,
    loop: str | None = None,
    requested: str | None = None,
    previous_intents: tuple[str, ...] = (),
) -> Tracker:
    events: list[dict[str, Any]] = [
        {"event": "user", "text": "…", "parse_data": {"intent": {"name": name}}}
        for name in (*previous_intents, intent)
    ]
    return Tracker(
        sender_id=sender,
        slots={**(slots or {}), "requested_slot": requested},
        latest_message={
            "intent": {"name": intent},
            "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()],
            "text": "…",
        },
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": loop} if loop else {},
        latest_action_name="action_listen",
    )


async def run(
    action: Any, track: Tracker, domain: dict[str, Any]
) -> tuple[list[Any], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, track, domain)
    return events, dispatcher


async def validate(
    action: Any, slot: str, value: str, domain: dict[str, Any], loop: str
) -> tuple[dict[str, Any], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    method = getattr(action, f"validate_{slot}")
    result = await method(value, dispatcher, tracker(loop=loop, requested=slot), domain)
    return result, dispatcher


def responses(dispatcher: CollectingDispatcher) -> list[str]:
    return [m["response"] for m in dispatcher.messages if m.get("response")]


def customs(dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    return [m["custom"] for m in dispatcher.messages if m.get("custom")]


def message(dispatcher: CollectingDispatcher, response: str) -> dict[str, Any]:
    return next(m for m in dispatcher.messages if m.get("response") == response)


async def test_signed_out_chat_is_told_to_sign_in(bank: Bank, domain: dict[str, Any]) -> None:
    for action in (
        money_child.ShowGoals(),
        money_child.ShowMissions(),
        money_child.ShowMovements(),
    ):
        _, dispatcher = await run(action, tracker("test:nobody"), domain)
        assert responses(dispatcher) == ["utter_mini_child_signed_out"]


async def test_open_mini_shows_the_childs_menu_only_when_signed_in(
    bank: Bank, domain: dict[str, Any]
) -> None:
    _, before = await run(money_child.OpenMini(), tracker(), domain)
    sign_in_andrea(bank)
    _, after = await run(money_child.OpenMini(), tracker(), domain)
    assert responses(before) == ["utter_mini_menu"]
    assert responses(after) == ["utter_mini_child_menu"]
    assert message(after, "utter_mini_child_menu")["first_name"] == "Andrea"


async def test_a_goal_through_the_form_then_its_progress_card(
    bank: Bank, domain: dict[str, Any]
) -> None:
    sign_in_andrea(bank)
    form = money_forms.ValidateGoalForm()
    loop = "mini_goal_form"
    bad, said = await validate(form, "goal_amount", "mucho", domain, loop)
    assert bad == {"goal_amount": None} and responses(said) == ["utter_invalid_goal_amount_amount"]
    too_much, said = await validate(form, "goal_amount", "9000", domain, loop)
    assert too_much == {"goal_amount": None}
    assert message(said, "utter_invalid_goal_amount_too_large")["max"] == "$5.000,00"
    assert (await validate(form, "goal_name", "  Bici  ", domain, loop))[0] == {"goal_name": "Bici"}
    tapped, said = await validate(form, "goal_name", "/show_goals", domain, loop)
    assert tapped == {"goal_name": None}, "a tap elsewhere is not a goal's name"
    assert responses(said) == ["utter_finish_current_first"]
    assert (await validate(form, "goal_amount", "25,50", domain, loop))[0] == {
        "goal_amount": "25.50"
    }
    assert (await validate(form, "goal_picture", "pic_star", domain, loop))[0] == {
        "goal_picture": None
    }
    _, asked = await run(money_forms.AskGoalPicture(), tracker(), domain)
    keyboard = customs(asked)[0]
    assert keyboard["kind"] == "mini_goal_picture" and len(keyboard["options"]) == 8
    slots = {"goal_name": "Bici", "goal_amount": "25.50", "goal_picture": "goal_bike"}
    events, done = await run(money_forms.SubmitGoal(), tracker(slots=slots), domain)
    assert {e["name"]: e["value"] for e in events} == dict.fromkeys(money_forms.GOAL_SLOTS)
    assert responses(done) == [
        "utter_mini_goal_created",
        "utter_mini_goal_line",
        "utter_mini_goal_next",
    ]
    assert customs(done) == [
        {
            "type": "goal_progress",
            "picture": "goal_bike",
            "name": "Bici",
            "saved": "10.00",
            "target": "25.50",
        }
    ]
    line = message(done, "utter_mini_goal_line")
    assert (line["saved"], line["target"], line["percent"], line["missing"]) == (
        "$10,00",
        "$25,50",
        "39",
        "$15,50",
    )


async def test_money_request_form_limits_and_submit(bank: Bank, domain: dict[str, Any]) -> None:
    sign_in_andrea(bank)
    form = money_forms.ValidateMoneyRequestForm()
    loop = "mini_money_request_form"
    over, said = await validate(form, "money_amount", "60", domain, loop)
    assert over == {"money_amount": None}
    assert message(said, "utter_mini_over_request_limit")["max"] == "$50,00"
    ok, _ = await validate(form, "money_amount", "5 dólares", domain, loop)
    assert ok == {"money_amount": "5.00"}
    short, said = await validate(form, "money_reason", "x", domain, loop)
    assert short == {"money_reason": None} and responses(said) == [
        "utter_invalid_money_reason_too_short"
    ]
    slots = {"money_amount": "5.00", "money_reason": "un libro"}
    _, done = await run(money_forms.SubmitMoneyRequest(), tracker(slots=slots), domain)
    asked = message(done, "utter_mini_money_asked")
    assert (asked["amount"], asked["reason"]) == ("$5,00", "un libro")
    pending = bank.mini_requests.pending(sender_id=PARENT).data["requests"]
    assert [(r["amount"], r["reason"]) for r in pending] == [("5.00", "un libro")]


async def test_daily_limit_reached_ends_the_form(bank: Bank, domain: dict[str, Any]) -> None:
    sign_in_andrea(bank)
    for _ in range(2):
        assert (
            bank.mini_requests.ask_money(sender_id=CHILD, amount="50", reason="útiles").code
            == "asked"
        )
    form = money_forms.ValidateMoneyRequestForm()
    result, said = await validate(form, "money_amount", "1", domain, "mini_money_request_form")
    assert result == {"money_amount": money_forms.STOP, "money_reason": money_forms.STOP}
    assert responses(said) == ["utter_mini_daily_limit_reached"]
    stopped = tracker(slots=result)
    events, done = await run(money_forms.SubmitMoneyRequest(), stopped, domain)
    assert responses(done) == [] and all(e["value"] is None for e in events)


async def test_withdrawal_offers_everything_and_moves_money_on_approval(
    bank: Bank, domain: dict[str, Any]
) -> None:
    sign_in_andrea(bank)
    _, asked = await run(money_forms.AskWithdrawalAmount(), tracker(), domain)
    prompt = message(asked, "utter_ask_withdrawal_amount")
    assert prompt["balance"] == "$10,00"
    assert prompt["buttons"] == [{"title": "💰 Todo: $10,00", "payload": "10.00"}]
    form = money_forms.ValidateWithdrawalForm()
    over, said = await validate(form, "withdrawal_amount", "10.01", domain, "mini_withdrawal_form")
    assert over == {"withdrawal_amount": None}
    assert message(said, "utter_mini_withdrawal_insufficient")["available"] == "$10,00"
    slots = {"withdrawal_amount": "10.00"}
    _, done = await run(money_forms.SubmitWithdrawal(), tracker(slots=slots), domain)
    assert responses(done) == ["utter_mini_withdrawal_asked"]
    (request,) = bank.mini_requests.pending(sender_id=PARENT).data["requests"]
    decided = bank.mini_requests.decide(sender_id=PARENT, request_ref=request["ref"], approve=True)
    assert (decided.code, decided.data["child_balance"], decided.data["parent_balance"]) == (
        "approved",
        "0.00",
        "510.00",
    )
    _, nothing = await run(money_forms.AskWithdrawalAmount(), tracker(), domain)
    assert responses(nothing) == ["utter_mini_nothing_to_withdraw"]


async def test_missions_lessons_and_movements(bank: Bank, domain: dict[str, Any]) -> None:
    sign_in_andrea(bank)
    child_ref = bank.parent_mini.children(sender_id=PARENT)[0].ref
    created = bank.mini_missions.create(
        sender_id=PARENT, child_ref=child_ref, title="Ordenar mi cuarto", reward="2"
    )
    mission = created.data["mission"]
    _, shown = await run(money_child.ShowMissions(), tracker(), domain)
    line = message(shown, "utter_mini_mission_line")
    assert (line["title"], line["reward"]) == ("Ordenar mi cuarto", "$2,00")
    assert line["buttons"] == [
        {
            "title": "✅ ¡Ya la hice!",
            "payload": f'/mission_done{{"mission_ref": "{mission["ref"]}"}}',
        }
    ]
    lessons = message(shown, "utter_mini_lessons_intro")["buttons"]
    assert [b["title"] for b in lessons][:3] == [
        "📚 ¿Qué es ahorrar?",
        "📚 Ponte una meta",
        "📚 ¿Lo necesito o lo quiero?",
    ]
    _, claimed = await run(
        money_child.MissionDone(),
        tracker(intent="mission_done", entities={"mission_ref": mission["ref"]}),
        domain,
    )
    assert responses(claimed) == ["utter_mini_mission_claimed"]
    _, lesson = await run(
        money_child.Learn(), tracker(intent="learn", entities={"lesson": "goal"}), domain
    )
    assert responses(lesson) == ["utter_mini_lesson_goal"]
    _, right = await run(
        money_child.Learn(),
        tracker(intent="learn", entities={"lesson": "goal", "lesson_option": "1"}),
        domain,
    )
    assert responses(right) == ["utter_mini_lesson_correct"]
    assert customs(right) == [{"type": "celebration", "reason": "mission"}]
    (request,) = bank.mini_requests.pending(sender_id=PARENT).data["requests"]
    bank.mini_requests.decide(sender_id=PARENT, request_ref=request["ref"], approve=True)
    _, history = await run(money_child.ShowMovements(), tracker(), domain)
    lines = message(history, "utter_mini_movements")["lines"].splitlines()
    assert lines == [
        "• +$2,00 Premio de misión (Ordenar mi cuarto) → saldo $12,00",
        "• +$10,00 Saldo inicial → saldo $10,00",
    ]
    requests = message(history, "utter_mini_requests")["lines"].splitlines()
    assert requests == ["• Premio de $2,00 (Ordenar mi cuarto): ✅ aprobada"]
    assert bank.ledger.balance(f"mini:{child_ref}") == Decimal("12.00")


async def test_music_off_silences_celebrations(bank: Bank, domain: dict[str, Any]) -> None:
    sign_in_andrea(bank)
    _, said = await run(money_child.SetMusic(), tracker(intent="music_off"), domain)
    assert responses(said) == ["utter_mini_music_off"] and bank.mini_music.quiet(CHILD)
    _, right = await run(
        money_child.Learn(),
        tracker(intent="learn", entities={"lesson": "saving", "lesson_option": "0"}),
        domain,
    )
    assert responses(right) == ["utter_mini_lesson_correct"] and customs(right) == []
    await run(money_child.SetMusic(), tracker(intent="music_on"), domain)
    assert not bank.mini_music.quiet(CHILD)


async def test_two_misses_in_a_row_offer_an_agent(domain: dict[str, Any]) -> None:
    _, first = await run(
        NotUnderstood(), tracker(intent="nlu_fallback", previous_intents=("greet",)), domain
    )
    assert responses(first) == ["utter_default", "utter_main_menu"]
    _, second = await run(
        NotUnderstood(), tracker(intent="out_of_scope", previous_intents=("nlu_fallback",)), domain
    )
    assert responses(second) == ["utter_not_understood_offer_agent"]
    _, in_form = await run(
        NotUnderstood(), tracker(intent="out_of_scope", loop="mini_goal_form"), domain
    )
    assert responses(in_form) == ["utter_out_of_scope"]
