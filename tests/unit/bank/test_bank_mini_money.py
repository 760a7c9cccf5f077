"""Cuenta Mini money: goals, requests, withdrawals, missions, lessons, music, limits (SQLite)."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from mini_journey_helpers import account_ref
from money_helpers import (
    CHILD_CHAT,
    PARENT_CHAT,
    andrea_balance,
    carlos_balance,
    expect,
    sign_in_andrea,
    sign_in_carlos,
)
from sqlalchemy import func, select

from bank.bootstrap import Bank
from bank.clock import FixedClock
from bank.db import unit_of_work
from bank.mini.request_limits import day_start
from bank.models import CustomerNotification, LedgerEntry, MiniRequest


def notices(bank: Bank, kind: str) -> list[CustomerNotification]:
    with unit_of_work(bank.sessions) as session:
        return list(
            session.scalars(
                select(CustomerNotification)
                .where(CustomerNotification.kind == kind)
                .order_by(CustomerNotification.id)
            )
        )


def ask(bank: Bank, amount: str, reason: str = "para un libro") -> str:
    asked = expect(
        bank.mini_requests.ask_money(sender_id=CHILD_CHAT, amount=amount, reason=reason), "asked"
    )
    return str(asked.data["request"]["ref"])


@pytest.fixture
def bank_andrea_ref(bank: Bank) -> str:
    return account_ref(bank)


@pytest.fixture
def family(bank: Bank) -> Bank:
    sign_in_andrea(bank)
    sign_in_carlos(bank)
    return bank


def test_demo_balances_are_exact(bank: Bank) -> None:
    assert andrea_balance(bank) == Decimal("10.00")
    assert carlos_balance(bank) == Decimal("500.00")


def test_a_goal_shows_its_progress_and_closes_when_its_withdrawal_is_approved(family: Bank) -> None:
    goals = family.mini_goals
    created = expect(
        goals.create(
            sender_id=CHILD_CHAT, name="  Bicicleta   roja ", amount="25", picture="goal_bike"
        ),
        "created",
    )
    goal = created.data["goal"]
    assert goal == {
        "ref": goal["ref"],
        "name": "Bicicleta roja",
        "picture": "goal_bike",
        "target": "25.00",
        "saved": "10.00",
        "missing": "15.00",
        "percent": 40,
        "reached": False,
    }
    expect(
        family.mini_requests.ask_withdrawal(sender_id=CHILD_CHAT, goal_ref=goal["ref"]),
        "not_reached",
    )
    ref = ask(family, "15,00", "para mi bici")
    approved = expect(
        family.mini_requests.decide(sender_id=PARENT_CHAT, request_ref=ref, approve=True),
        "approved",
    )
    assert approved.data["goal_reached"] == "Bicicleta roja"
    assert (approved.data["child_balance"], approved.data["parent_balance"]) == ("25.00", "485.00")
    (listed,) = expect(goals.list(sender_id=CHILD_CHAT), "ok").data["goals"]
    assert (listed["percent"], listed["reached"]) == (100, True)
    asked = expect(
        family.mini_requests.ask_withdrawal(sender_id=CHILD_CHAT, goal_ref=goal["ref"]), "asked"
    )
    expect(
        family.mini_requests.ask_withdrawal(sender_id=CHILD_CHAT, goal_ref=goal["ref"]),
        "already_asked",
    )
    withdraw_ref = asked.data["request"]["ref"]
    expect(
        family.mini_requests.decide(sender_id=PARENT_CHAT, request_ref=withdraw_ref, approve=True),
        "approved",
    )
    assert (andrea_balance(family), carlos_balance(family)) == (Decimal("0.00"), Decimal("510.00"))
    assert expect(goals.list(sender_id=CHILD_CHAT), "ok").data["goals"] == []
    (told,) = notices(family, "mini_withdrawal_approved")
    assert told.sender_id == CHILD_CHAT and told.data["amount"] == "25.00"
    (goal_told,) = notices(family, "mini_money_approved")
    assert goal_told.data["celebrate"] == "goal"


@pytest.mark.parametrize(
    ("name", "amount", "picture", "code", "reason"),
    [
        ("", "5", "goal_bike", "invalid", "empty"),
        ("x" * 31, "5", "goal_bike", "invalid", "too_long"),
        ("Pelota", "cinco mil", "goal_ball", "invalid", "amount"),
        ("Pelota", "5000.01", "goal_ball", "invalid", "too_large"),
        ("Pelota", "0", "goal_ball", "invalid", "amount"),
        ("Pelota", "2.999", "goal_ball", "invalid", "amount"),
        ("Pelota", "5", "pic_star", "invalid", "picture"),
    ],
)
def test_a_goal_refuses_bad_input(
    family: Bank, name: str, amount: str, picture: str, code: str, reason: str
) -> None:
    outcome = family.mini_goals.create(
        sender_id=CHILD_CHAT, name=name, amount=amount, picture=picture
    )
    assert (outcome.code, outcome.data["reason"]) == (code, reason)


def test_at_most_five_goals_and_only_the_childs_own(family: Bank) -> None:
    for number in range(5):
        expect(
            family.mini_goals.create(
                sender_id=CHILD_CHAT, name=f"Meta {number}", amount="3", picture="goal_ball"
            ),
            "created",
        )
    expect(
        family.mini_goals.create(
            sender_id=CHILD_CHAT, name="Otra", amount="3", picture="goal_ball"
        ),
        "too_many",
    )
    first = family.mini_goals.list(sender_id=CHILD_CHAT).data["goals"][0]["ref"]
    assert family.mini_goals.remove(sender_id="tg:stranger", goal_ref=first).code == "signed_out"
    expect(family.mini_goals.remove(sender_id=CHILD_CHAT, goal_ref="999"), "unknown")
    expect(family.mini_goals.remove(sender_id=CHILD_CHAT, goal_ref=first), "removed")
    assert len(family.mini_goals.list(sender_id=CHILD_CHAT).data["goals"]) == 4


def test_money_request_is_told_to_the_parent_and_a_rejection_moves_nothing(family: Bank) -> None:
    ref = ask(family, "$4.50", "  para  el recreo ")
    (notice,) = notices(family, "mini_money_request")
    assert notice.customer_id is not None
    assert notice.data == {
        "ref": ref,
        "request_ref": ref,
        "child": "Andrea",
        "amount": "4.50",
        "amount_text": "$4,50",
        "reason": "el recreo",  # kept without its "para" (issue 15): echoes say "para «…»"
    }
    pending = expect(family.mini_requests.pending(sender_id=PARENT_CHAT), "ok").data
    assert [r["ref"] for r in pending["requests"]] == [ref] and pending["balance"] == "500.00"
    expect(
        family.mini_requests.decide(sender_id=PARENT_CHAT, request_ref=ref, approve=False),
        "rejected",
    )
    again = expect(
        family.mini_requests.decide(sender_id=PARENT_CHAT, request_ref=ref, approve=True),
        "already_decided",
    )
    assert again.data["request"]["state"] == "rejected"
    assert (andrea_balance(family), carlos_balance(family)) == (Decimal("10.00"), Decimal("500.00"))
    (told,) = notices(family, "mini_money_rejected")
    assert told.sender_id == CHILD_CHAT and told.data["parent"] == "Carlos"


def test_a_decision_needs_the_signed_in_parent_of_that_child(family: Bank) -> None:
    ref = ask(family, "2")
    assert (
        family.mini_requests.decide(sender_id=CHILD_CHAT, request_ref=ref, approve=True).code
        == "signed_out"
    )
    assert (
        family.mini_requests.decide(sender_id="tg:nobody", request_ref=ref, approve=True).code
        == "signed_out"
    )
    for bad in ("", "abc", "-1", "99999", "1" * 40):
        assert (
            family.mini_requests.decide(sender_id=PARENT_CHAT, request_ref=bad, approve=True).code
            == "unknown"
        )
    assert andrea_balance(family) == Decimal("10.00")


def test_limits_per_request_and_per_day(family: Bank, clock: FixedClock) -> None:
    requests = family.mini_requests
    over = expect(
        requests.check_money_amount(sender_id=CHILD_CHAT, text="50.01"), "over_request_limit"
    )
    assert over.data["max"] == "50.00"
    expect(requests.check_money_amount(sender_id=CHILD_CHAT, text="cincuenta"), "ok")
    first, second = ask(family, "50"), ask(family, "40")
    expect(requests.decide(sender_id=PARENT_CHAT, request_ref=first, approve=True), "approved")
    expect(requests.decide(sender_id=PARENT_CHAT, request_ref=second, approve=False), "rejected")
    ask(family, "40")  # a rejected request does not count
    left = expect(
        requests.ask_money(sender_id=CHILD_CHAT, amount="10.01", reason="otra cosa"),
        "over_daily_limit",
    )
    assert left.data == {"left": "10.00", "max": "100.00"}
    ask(family, "10")
    clock.set(day_start(clock.now()) + timedelta(days=1))  # midnight in Ecuador
    sign_in_andrea(family)  # the idle session ended meanwhile
    ask(family, "50")


def test_day_start_is_midnight_in_ecuador() -> None:
    from datetime import datetime

    assert day_start(datetime(2026, 1, 15, 4, 59)) == datetime(2026, 1, 14, 5, 0)
    assert day_start(datetime(2026, 1, 15, 5, 0)) == datetime(2026, 1, 15, 5, 0)


def test_bad_reasons_and_too_many_pending(family: Bank) -> None:
    expect(
        family.mini_requests.ask_money(sender_id=CHILD_CHAT, amount="1", reason=" "),
        "invalid_reason",
    )
    expect(
        family.mini_requests.ask_money(sender_id=CHILD_CHAT, amount="1", reason="x" * 81),
        "invalid_reason",
    )
    for _ in range(5):
        ask(family, "1")
    expect(
        family.mini_requests.ask_money(sender_id=CHILD_CHAT, amount="1", reason="una más"),
        "too_many_pending",
    )


def test_withdrawals_are_capped_by_the_balance_not_yet_promised(family: Bank) -> None:
    requests = family.mini_requests
    first = expect(requests.ask_withdrawal(sender_id=CHILD_CHAT, amount="6"), "asked").data[
        "request"
    ]["ref"]
    short = expect(
        requests.ask_withdrawal(sender_id=CHILD_CHAT, amount="4.01"), "insufficient_funds"
    )
    assert short.data["available"] == "4.00"
    second = expect(requests.ask_withdrawal(sender_id=CHILD_CHAT, amount="4"), "asked").data[
        "request"
    ]["ref"]
    expect(requests.decide(sender_id=PARENT_CHAT, request_ref=second, approve=True), "approved")
    expect(requests.decide(sender_id=PARENT_CHAT, request_ref=first, approve=True), "approved")
    assert (andrea_balance(family), carlos_balance(family)) == (Decimal("0.00"), Decimal("510.00"))
    expect(requests.ask_withdrawal(sender_id=CHILD_CHAT, amount="0.01"), "insufficient_funds")


def test_parent_short_of_money(family: Bank, clock: FixedClock) -> None:
    for _day in range(5):
        for _ in range(2):
            ref = ask(family, "50")
            expect(
                family.mini_requests.decide(sender_id=PARENT_CHAT, request_ref=ref, approve=True),
                "approved",
            )
        clock.advance(hours=24)
        sign_in_andrea(family)
        sign_in_carlos(family)
    assert carlos_balance(family) == Decimal("0.00") and andrea_balance(family) == Decimal("510.00")
    ref = ask(family, "0.01")
    short = family.mini_requests.decide(sender_id=PARENT_CHAT, request_ref=ref, approve=True)
    assert (short.code, short.data["who"], short.data["available"]) == (
        "insufficient_funds",
        "parent",
        "0.00",
    )
    (pending,) = expect(family.mini_requests.pending(sender_id=PARENT_CHAT), "ok").data["requests"]
    assert pending["ref"] == ref and andrea_balance(family) == Decimal("510.00")


def test_concurrent_decisions_move_money_once(file_bank: Bank) -> None:
    sign_in_andrea(file_bank)
    sign_in_carlos(file_bank)
    sign_in_carlos(file_bank, "tg:carlos-desktop")
    ref = ask(file_bank, "7.25")
    barrier = threading.Barrier(6)
    codes: list[str] = []

    def decide(chat: str, approve: bool) -> None:
        barrier.wait()
        codes.append(
            file_bank.mini_requests.decide(sender_id=chat, request_ref=ref, approve=approve).code
        )

    threads = [
        threading.Thread(target=decide, args=(chat, approve))
        for chat in (PARENT_CHAT, "tg:carlos-desktop")
        for approve in (True, True, False)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    decided = [code for code in codes if code != "already_decided"]
    assert len(codes) == 6 and len(decided) == 1, codes
    with unit_of_work(file_bank.sessions) as session:
        request = session.get(MiniRequest, int(ref))
        assert request is not None and request.state == decided[0]
        entries = (
            session.scalar(
                select(func.count(LedgerEntry.id)).where(
                    LedgerEntry.transfer_id == request.transfer_id
                )
            )
            if request.transfer_id
            else 0
        )
    moved = Decimal("7.25") if decided == ["approved"] else Decimal("0.00")
    assert andrea_balance(file_bank) == Decimal("10.00") + moved
    assert carlos_balance(file_bank) == Decimal("500.00") - moved
    assert entries == (2 if moved else 0)


def test_missions_reward_moves_from_the_parent_once_approved(
    family: Bank, bank_andrea_ref: str
) -> None:
    missions = family.mini_missions
    expect(
        missions.create(
            sender_id=CHILD_CHAT, child_ref=bank_andrea_ref, title="Ordenar", reward="1"
        ),
        "signed_out",
    )
    expect(
        missions.create(sender_id=PARENT_CHAT, child_ref=bank_andrea_ref, title="Ok", reward="1"),
        "invalid",
    )
    expect(
        missions.create(
            sender_id=PARENT_CHAT, child_ref=bank_andrea_ref, title="Ordenar", reward="50.01"
        ),
        "over_request_limit",
    )
    expect(
        missions.create(sender_id=PARENT_CHAT, child_ref="999", title="Ordenar", reward="2"),
        "unknown_child",
    )
    created = expect(
        missions.create(
            sender_id=PARENT_CHAT,
            child_ref=bank_andrea_ref,
            title="Ordenar mi cuarto",
            reward="2,50",
        ),
        "created",
    )
    mission = created.data["mission"]
    assert (mission["title"], mission["reward"], mission["state"], created.data["child"]) == (
        "Ordenar mi cuarto",
        "2.50",
        "open",
        "Andrea",
    )
    listed = expect(missions.list(sender_id=CHILD_CHAT), "ok").data
    assert [m["ref"] for m in listed["missions"]] == [mission["ref"]] and listed["stars"] == 0
    expect(missions.claim(sender_id=CHILD_CHAT, mission_ref=mission["ref"]), "claimed")
    expect(missions.claim(sender_id=CHILD_CHAT, mission_ref=mission["ref"]), "already_claimed")
    expect(missions.remove(sender_id=PARENT_CHAT, mission_ref=mission["ref"]), "claimed")
    (request,) = expect(family.mini_requests.pending(sender_id=PARENT_CHAT), "ok").data["requests"]
    assert (request["kind"], request["amount"], request["reason"]) == (
        "mission",
        "2.50",
        "Ordenar mi cuarto",
    )
    expect(
        family.mini_requests.decide(
            sender_id=PARENT_CHAT, request_ref=request["ref"], approve=False
        ),
        "rejected",
    )
    assert expect(missions.list(sender_id=CHILD_CHAT), "ok").data["missions"][0]["state"] == "open"
    expect(missions.claim(sender_id=CHILD_CHAT, mission_ref=mission["ref"]), "claimed")
    (request,) = family.mini_requests.pending(sender_id=PARENT_CHAT).data["requests"]
    expect(
        family.mini_requests.decide(
            sender_id=PARENT_CHAT, request_ref=request["ref"], approve=True
        ),
        "approved",
    )
    assert (andrea_balance(family), carlos_balance(family)) == (Decimal("12.50"), Decimal("497.50"))
    assert expect(missions.list(sender_id=CHILD_CHAT), "ok").data["missions"] == []
    (told,) = notices(family, "mini_mission_approved")
    assert told.data["celebrate"] == "mission"


def test_parent_removes_an_open_mission(family: Bank, bank_andrea_ref: str) -> None:
    missions = family.mini_missions
    ref = missions.create(
        sender_id=PARENT_CHAT, child_ref=bank_andrea_ref, title="Leer un cuento", reward="1"
    ).data["mission"]["ref"]
    assert [
        m["ref"]
        for m in missions.for_child(sender_id=PARENT_CHAT, child_ref=bank_andrea_ref).data[
            "missions"
        ]
    ] == [ref]
    expect(missions.remove(sender_id=PARENT_CHAT, mission_ref=ref), "removed")
    expect(missions.remove(sender_id=PARENT_CHAT, mission_ref=ref), "unknown")
    expect(missions.claim(sender_id=CHILD_CHAT, mission_ref=ref), "unknown")


def test_learning_missions_earn_a_star_once(family: Bank) -> None:
    missions = family.mini_missions
    expect(missions.answer_lesson(sender_id=CHILD_CHAT, key="goal", option="0"), "wrong")
    expect(missions.answer_lesson(sender_id=CHILD_CHAT, key="goal", option="7"), "unknown")
    expect(missions.answer_lesson(sender_id=CHILD_CHAT, key="nope", option="1"), "unknown")
    first = expect(missions.answer_lesson(sender_id=CHILD_CHAT, key="goal", option="1"), "correct")
    again = expect(missions.answer_lesson(sender_id=CHILD_CHAT, key="goal", option="1"), "correct")
    assert (first.data["first_time"], again.data["first_time"], again.data["stars"]) == (
        True,
        False,
        1,
    )
    lessons = missions.list(sender_id=CHILD_CHAT).data["lessons"]
    assert [lesson["done"] for lesson in lessons] == [False, True, False]


def test_music_off_makes_the_childs_chat_quiet(family: Bank, clock: FixedClock) -> None:
    music = family.mini_music
    assert not music.quiet(CHILD_CHAT)
    expect(music.set(sender_id=CHILD_CHAT, on=False), "ok")
    assert music.quiet(CHILD_CHAT) and not music.quiet(PARENT_CHAT)
    assert music.is_on(sender_id=CHILD_CHAT).data == {"music_on": False}
    family.mini_sign_in.sign_out(sender_id=CHILD_CHAT)
    assert not music.quiet(CHILD_CHAT)  # nobody signed in: the parent's phone is loud again
    sign_in_andrea(family)
    assert music.quiet(CHILD_CHAT)  # the preference is saved with the child's user
    clock.advance(minutes=11)
    assert not music.quiet(CHILD_CHAT)


def test_history_lists_movements_and_request_states(family: Bank) -> None:
    ref = ask(family, "3", "helado")
    expect(
        family.mini_requests.decide(sender_id=PARENT_CHAT, request_ref=ref, approve=True),
        "approved",
    )
    ask(family, "1", "chicle")
    data = expect(family.mini_requests.history(sender_id=CHILD_CHAT), "ok").data
    assert data["balance"] == "13.00"
    assert [(m["kind"], m["amount"], m["balance_after"]) for m in data["movements"]] == [
        ("mini_money", "3.00", "13.00"),
        ("opening", "10.00", "10.00"),
    ]
    assert [(r["reason"], r["state"]) for r in data["requests"]] == [
        ("chicle", "pending"),
        ("helado", "approved"),
    ]
    overview = expect(
        family.mini_requests.child_overview(
            sender_id=PARENT_CHAT, child_ref=data["requests"][0]["child_ref"]
        ),
        "ok",
    )
    assert overview.data["child"] == "Andrea" and overview.data["balance"] == "13.00"
