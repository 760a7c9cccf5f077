"""The parent's side of Cuenta Mini money: decisions, pending requests, a child's balance and
missions, on a real bank (SQLite file) with the real domain and trackers built in code."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.common.bank_access import current_bank
from actions.mini import money_lines, parent, parent_mission_form, parent_money
from bank.bootstrap import Bank
from bank.db import unit_of_work
from bank.demo import ANDREA, CARLOS, CARLOS_PASSWORD, CARLOS_USERNAME
from bank.mini.wallets import mini_account_code, parent_account_code
from bank.models import Customer, CustomerNotification, MiniAccount
from formats.domain_files import CHANNEL_NOTICES_PATH, load_channel_responses
from tests.support import mini_family as family


@pytest.fixture
def notice_texts() -> dict[str, Any]:
    """The notices the bot sends for the bank (channel/notices.yml), by response name."""
    return load_channel_responses(CHANNEL_NOTICES_PATH)


REPO = Path(__file__).resolve().parents[3]
PARENT = "test:carlos"
CHILD = "test:andrea"
PARENT_FORM = parent.ValidateParentMiniForm()
MISSION_FORM = parent_mission_form.ValidateParentMissionForm()


# Trackers and runs ---------------------------------------------------------------------------


def track(
    sender: str = PARENT,
    *,
    loop: str | None = None,
    intent: str = "inform",
    entities: dict[str, str] | None = None,
    slots: dict[str, Any] | None = None,
    extracted: dict[str, Any] | None = None,
) -> Tracker:
    """A tracker (in `loop`, if any) whose last message had `intent` and `entities`; the slots
    in `extracted` were filled by that message (for a form's validation)."""
    events: list[dict[str, Any]] = []
    if loop:
        events.append({"event": "active_loop", "name": loop})
    events.append({"event": "user", "text": "…", "parse_data": {"intent": {"name": intent}}})
    values = dict(slots or {})
    for name, value in (extracted or {}).items():
        events.append(SlotSet(name, value))
        values[name] = value
    return Tracker(
        sender_id=sender,
        slots=values,
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
    action: Any, tracker: Tracker, domain: dict[str, Any]
) -> tuple[list[Any], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, domain)
    return events, dispatcher


def said(dispatcher: CollectingDispatcher) -> list[str]:
    return [m["response"] for m in dispatcher.messages if m.get("response")]


def message(dispatcher: CollectingDispatcher, response: str) -> dict[str, Any]:
    (found,) = [m for m in dispatcher.messages if m.get("response") == response]
    return found


MESSAGE_KEYS = {"text", "buttons", "elements", "custom", "template", "response", "image"}
MESSAGE_KEYS |= {"attachment"}


def values(sent: dict[str, Any]) -> dict[str, Any]:
    """The template values one message was sent with."""
    return {key: value for key, value in sent.items() if key not in MESSAGE_KEYS}


def data(dispatcher: CollectingDispatcher, response: str) -> dict[str, Any]:
    """The template values a response was sent with."""
    return values(message(dispatcher, response))


def payloads(dispatcher: CollectingDispatcher, response: str) -> list[tuple[str, str]]:
    return [(b["title"], b["payload"]) for b in message(dispatcher, response)["buttons"]]


def decision(ref: str) -> list[tuple[str, str]]:
    return [
        ("✅ Aprobar", f'/approve_request{{"request_ref": "{ref}"}}'),
        ("❌ Rechazar", f'/reject_request{{"request_ref": "{ref}"}}'),
    ]


def requested(events: list[Any]) -> Any:
    return next(e["value"] for e in reversed(events) if e.get("name") == "requested_slot")


# The family ----------------------------------------------------------------------------------


def andrea_ref(bank: Bank) -> str:
    with unit_of_work(bank.sessions) as session:
        found = session.scalar(
            select(MiniAccount.id).where(MiniAccount.child_cedula == ANDREA.cedula)
        )
    return str(found)


def carlos_id(bank: Bank) -> int:
    with unit_of_work(bank.sessions) as session:
        found = session.scalar(select(Customer.id).where(Customer.id_number == CARLOS.id_number))
    assert found is not None
    return int(found)


def sign_in_andrea(bank: Bank) -> None:
    """Andrea gets her user (with a code Carlos generated) and signs in from her chat."""
    family.sign_in_andrea(bank, chat=CHILD)


def andrea_asks(bank: Bank, amount: str = "5", reason: str = "un libro") -> str:
    asked = bank.mini_requests.ask_money(sender_id=CHILD, amount=amount, reason=reason)
    assert asked.code == "asked", asked
    return str(asked.data["request"]["ref"])


def balances(bank: Bank) -> tuple[Decimal | None, Decimal | None]:
    """(Carlos's, Andrea's)."""
    return (
        bank.ledger.balance(parent_account_code(carlos_id(bank))),
        bank.ledger.balance(mini_account_code(int(andrea_ref(bank)))),
    )


def sign_in_carlos(bank: Bank) -> None:
    """Carlos's session in his chat, without the form."""
    signed = bank.parent_sign_in.sign_in(
        sender_id=PARENT, username=CARLOS_USERNAME, password=CARLOS_PASSWORD
    )
    assert signed.code == "signed_in"


async def carlos_through_the_form(bank: Bank, domain: dict[str, Any]) -> CollectingDispatcher:
    """Carlos opens Cuenta para mis hijos and signs in: what the password step said."""
    await run(parent.StartParentMini(), track(loop="parent_mini_form"), domain)
    await run(
        PARENT_FORM,
        track(loop="parent_mini_form", extracted={"parent_username": CARLOS_USERNAME}),
        domain,
    )
    ref = bank.secret_box.put(sender_id=PARENT, kind="password", value=CARLOS_PASSWORD)
    _, dispatcher = await run(
        PARENT_FORM, track(loop="parent_mini_form", extracted={"parent_password_ref": ref}), domain
    )
    assert said(dispatcher)[0] == "utter_parent_signed_in"
    return dispatcher


async def carlos_picks_andrea(bank: Bank, domain: dict[str, Any]) -> None:
    await carlos_through_the_form(bank, domain)
    events, _ = await run(
        PARENT_FORM, track(loop="parent_mini_form", extracted={"parent_child": "andrea"}), domain
    )
    assert requested(events) == "parent_choice"


# The notices ---------------------------------------------------------------------------------


def test_request_notices_have_aprobar_and_rechazar(bank: Bank, notice_texts: dict) -> None:
    sign_in_andrea(bank)
    sign_in_carlos(bank)  # the bank now knows Carlos's chat
    ref = andrea_asks(bank, "12.5")
    bank.mini_requests.ask_withdrawal(sender_id=CHILD, amount="1")
    with unit_of_work(bank.sessions) as session:
        notices = list(
            session.scalars(
                select(CustomerNotification).where(CustomerNotification.kind.like("mini_%_request"))
            )
        )
    kinds = {notice.kind for notice in notices}
    assert kinds == {"mini_money_request", "mini_withdrawal_request"}
    for kind in ("mini_money_request", "mini_withdrawal_request", "mini_mission_request"):
        (variation,) = notice_texts[f"utter_notice_{kind}"]
        assert [b["title"] for b in variation["buttons"]] == ["✅ Aprobar", "❌ Rechazar"]
    for notice in notices:
        (variation,) = notice_texts[f"utter_notice_{notice.kind}"]
        text = re.sub(r"\{([a-z_]+)\}", lambda m: str(notice.data[m.group(1)]), variation["text"])
        buttons = [
            (b["title"], b["payload"].replace("{request_ref}", notice.data["request_ref"]))
            for b in variation["buttons"]
        ]
        if notice.kind == "mini_money_request":
            assert text.startswith("💸 Andrea te pide $12,50 para: un libro.")
            assert buttons == decision(ref)


# Deciding ------------------------------------------------------------------------------------


async def test_approve_from_a_notice_outside_the_form_moves_money_once(
    bank: Bank, domain: dict
) -> None:
    sign_in_andrea(bank)
    sign_in_carlos(bank)
    ref = andrea_asks(bank)
    tap = track(intent="approve_request", entities={"request_ref": ref})
    events, dispatcher = await run(parent_money.DecideRequest(), tap, domain)
    assert events == [SlotSet("parent_sign_in_needed", None)]
    assert said(dispatcher) == ["utter_parent_request_approved_money"]
    told = data(dispatcher, "utter_parent_request_approved_money")
    assert (told["child"], told["amount"], told["reason"]) == ("Andrea", "$5,00", "un libro")
    assert (told["parent_balance"], told["child_balance"]) == ("$495,00", "$15,00")
    assert balances(bank) == (Decimal("495.00"), Decimal("15.00"))

    _, dispatcher = await run(parent_money.DecideRequest(), tap, domain)
    assert said(dispatcher) == ["utter_parent_request_already_approved"]
    reject = track(intent="reject_request", entities={"request_ref": ref})
    _, dispatcher = await run(parent_money.DecideRequest(), reject, domain)
    assert said(dispatcher) == ["utter_parent_request_already_approved"]
    assert balances(bank) == (Decimal("495.00"), Decimal("15.00"))


async def test_reject_moves_nothing_and_stays_rejected(bank: Bank, domain: dict) -> None:
    sign_in_andrea(bank)
    sign_in_carlos(bank)
    ref = andrea_asks(bank, "7")
    tap = track(intent="reject_request", entities={"request_ref": ref})
    events, dispatcher = await run(parent_money.DecideRequest(), tap, domain)
    assert events == [SlotSet("parent_sign_in_needed", None)]
    assert said(dispatcher) == ["utter_parent_request_rejected_money"]
    assert data(dispatcher, "utter_parent_request_rejected_money")["amount"] == "$7,00"
    approve = track(intent="approve_request", entities={"request_ref": ref})
    _, dispatcher = await run(parent_money.DecideRequest(), approve, domain)
    assert said(dispatcher) == ["utter_parent_request_already_rejected"]
    assert balances(bank) == (Decimal("500.00"), Decimal("10.00"))


async def test_withdrawal_approved_goes_to_the_parent_and_unknown_refs_are_refused(
    bank: Bank, domain: dict
) -> None:
    sign_in_andrea(bank)
    sign_in_carlos(bank)
    asked = bank.mini_requests.ask_withdrawal(sender_id=CHILD, amount="4")
    ref = str(asked.data["request"]["ref"])
    tap = track(intent="approve_request", entities={"request_ref": ref})
    _, dispatcher = await run(parent_money.DecideRequest(), tap, domain)
    assert said(dispatcher) == ["utter_parent_request_approved_withdrawal"]
    told = data(dispatcher, "utter_parent_request_approved_withdrawal")
    assert (told["amount"], told["parent_balance"], told["child_balance"]) == (
        "$4,00",
        "$504,00",
        "$6,00",
    )
    unknown = track(intent="approve_request", entities={"request_ref": "999"})
    _, dispatcher = await run(parent_money.DecideRequest(), unknown, domain)
    assert said(dispatcher) == ["utter_parent_request_unknown"]


async def test_a_parent_who_cannot_cover_it_leaves_the_request_pending(
    bank: Bank, domain: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MINI_MAX_PER_REQUEST", "600")
    monkeypatch.setenv("MINI_MAX_PER_DAY", "1000")
    current_bank.cache_clear()  # the limits are read when the bank is built
    rebuilt = current_bank()
    sign_in_andrea(rebuilt)
    sign_in_carlos(rebuilt)
    ref = andrea_asks(rebuilt, "600", "una bici")
    tap = track(intent="approve_request", entities={"request_ref": ref})
    _, dispatcher = await run(parent_money.DecideRequest(), tap, domain)
    assert said(dispatcher) == ["utter_parent_request_insufficient_parent"]
    told = data(dispatcher, "utter_parent_request_insufficient_parent")
    assert (told["amount"], told["available"], told["child"]) == ("$600,00", "$500,00", "Andrea")
    pending = rebuilt.mini_requests.pending(sender_id=PARENT).data["requests"]
    assert [request["ref"] for request in pending] == [ref]
    rebuilt.dispose()


async def test_a_signed_out_tap_opens_the_sign_in_then_lists_the_requests_to_tap_again(
    bank: Bank, domain: dict
) -> None:
    sign_in_andrea(bank)
    ref = andrea_asks(bank)
    tap = track(intent="approve_request", entities={"request_ref": ref})
    events, dispatcher = await run(parent_money.DecideRequest(), tap, domain)
    assert said(dispatcher) == ["utter_parent_decide_signed_out"]
    assert events == [SlotSet("parent_sign_in_needed", True)]

    await run(parent.StartParentMini(), track(), domain)
    await carlos_through_the_form(bank, domain)
    _, dispatcher = await run(parent.AskParentChild(), track(loop="parent_mini_form"), domain)
    assert said(dispatcher) == [
        "utter_parent_pending_intro",
        "utter_parent_pending_money",
        "utter_ask_parent_child",
    ]
    assert payloads(dispatcher, "utter_parent_pending_money") == decision(ref)
    line = data(dispatcher, "utter_parent_pending_money")
    assert (line["child"], line["amount"], line["reason"]) == ("Andrea", "$5,00", "un libro")
    assert balances(bank) == (Decimal("500.00"), Decimal("10.00")), "no decision without a tap"


async def test_signed_in_again_straight_to_a_child_lists_the_requests(
    bank: Bank, domain: dict
) -> None:
    sign_in_andrea(bank)
    ref = andrea_asks(bank)
    start = track(intent="generate_code", entities={"child_ref": andrea_ref(bank)})
    await run(parent.StartParentMini(), start, domain)  # signed out: the child is kept
    dispatcher = await carlos_through_the_form(bank, domain)
    assert said(dispatcher) == [
        "utter_parent_signed_in",
        "utter_parent_pending_intro",
        "utter_parent_pending_money",
    ]
    assert payloads(dispatcher, "utter_parent_pending_money") == decision(ref)


async def test_a_tap_inside_the_form_while_signing_in_keeps_the_sign_in(
    bank: Bank, domain: dict
) -> None:
    sign_in_andrea(bank)
    ref = andrea_asks(bank)
    await run(parent.StartParentMini(), track(loop="parent_mini_form"), domain)
    tap = track(loop="parent_mini_form", intent="approve_request", entities={"request_ref": ref})
    events, dispatcher = await run(parent_money.DecideRequest(), tap, domain)
    assert said(dispatcher) == ["utter_parent_decide_signed_out"]
    assert events == [SlotSet("parent_sign_in_needed", None)], "the form asks the sign-in"
    assert bank.parent_mini.current_step(sender_id=PARENT) == "username"


async def test_approve_inside_the_form_at_the_child_step(bank: Bank, domain: dict) -> None:
    sign_in_andrea(bank)
    first, second = andrea_asks(bank, "2", "una paleta"), andrea_asks(bank, "3", "un cuaderno")
    await carlos_through_the_form(bank, domain)
    tap = track(loop="parent_mini_form", intent="approve_request", entities={"request_ref": first})
    _, dispatcher = await run(parent_money.DecideRequest(), tap, domain)
    assert said(dispatcher) == ["utter_parent_request_approved_money"]
    _, dispatcher = await run(parent.AskParentChild(), track(loop="parent_mini_form"), domain)
    assert said(dispatcher)[:2] == ["utter_parent_pending_intro", "utter_parent_pending_money"]
    assert payloads(dispatcher, "utter_parent_pending_money") == decision(second)


# Pending approvals ---------------------------------------------------------------------------


async def test_parent_approvals_lists_every_kind_or_says_none(bank: Bank, domain: dict) -> None:
    sign_in_andrea(bank)
    sign_in_carlos(bank)
    action = parent_money.ShowParentApprovals()
    _, dispatcher = await run(action, track(intent="parent_approvals"), domain)
    assert said(dispatcher) == ["utter_parent_no_pending"]

    money = andrea_asks(bank)
    withdrawal = str(
        bank.mini_requests.ask_withdrawal(sender_id=CHILD, amount="2").data["request"]["ref"]
    )
    created = bank.mini_missions.create(
        sender_id=PARENT, child_ref=andrea_ref(bank), title="Ordenar tu cuarto", reward="1,50"
    )
    bank.mini_missions.claim(sender_id=CHILD, mission_ref=created.data["mission"]["ref"])
    events, dispatcher = await run(action, track(intent="parent_approvals"), domain)
    assert events == [SlotSet("parent_sign_in_needed", None)]
    assert said(dispatcher) == [
        "utter_parent_pending_intro",
        "utter_parent_pending_money",
        "utter_parent_pending_withdrawal",
        "utter_parent_pending_mission",
    ]
    assert payloads(dispatcher, "utter_parent_pending_money") == decision(money)
    assert payloads(dispatcher, "utter_parent_pending_withdrawal") == decision(withdrawal)
    mission = data(dispatcher, "utter_parent_pending_mission")
    assert (mission["reason"], mission["amount"]) == ("Ordenar tu cuarto", "$1,50")


async def test_parent_approvals_at_the_child_step_leave_the_list_to_the_step(
    bank: Bank, domain: dict
) -> None:
    sign_in_andrea(bank)
    await carlos_through_the_form(bank, domain)  # at the child step, which lists the requests
    asked = track(loop="parent_mini_form", intent="parent_approvals")
    _, dispatcher = await run(parent_money.ShowParentApprovals(), asked, domain)
    assert said(dispatcher) == ["utter_parent_no_pending"]
    andrea_asks(bank)
    _, dispatcher = await run(parent_money.ShowParentApprovals(), asked, domain)
    assert said(dispatcher) == []
    _, dispatcher = await run(parent.AskParentChild(), track(loop="parent_mini_form"), domain)
    assert said(dispatcher)[:2] == ["utter_parent_pending_intro", "utter_parent_pending_money"]


async def test_parent_approvals_signed_out_opens_the_sign_in(bank: Bank, domain: dict) -> None:
    events, dispatcher = await run(
        parent_money.ShowParentApprovals(), track(intent="parent_approvals"), domain
    )
    assert said(dispatcher) == ["utter_parent_approvals_signed_out"]
    assert events == [SlotSet("parent_sign_in_needed", True)]


# A child's money inside the form -------------------------------------------------------------


async def test_a_child_with_a_user_offers_balance_and_missions(bank: Bank, domain: dict) -> None:
    sign_in_andrea(bank)
    await carlos_picks_andrea(bank, domain)
    _, dispatcher = await run(parent.AskParentChoice(), track(loop="parent_mini_form"), domain)
    assert said(dispatcher) == ["utter_ask_parent_choice_has_user"]
    (variation,) = domain["responses"]["utter_ask_parent_choice_has_user"]
    assert [(b["title"], b["payload"]) for b in variation["buttons"]][:3] == [
        ("💰 Saldo y movimientos", "/show_balance"),
        ("⭐ Misiones", "/show_missions"),
        ("➕ Nueva misión", "/create_mission"),
    ]


async def test_show_balance_tells_movements_and_requests(bank: Bank, domain: dict) -> None:
    sign_in_andrea(bank)
    await carlos_picks_andrea(bank, domain)
    approved, rejected = andrea_asks(bank), andrea_asks(bank, "9", "un juego")
    for ref, intent in ((approved, "approve_request"), (rejected, "reject_request")):
        await run(
            parent_money.DecideRequest(),
            track(loop="parent_mini_form", intent=intent, entities={"request_ref": ref}),
            domain,
        )
    tap = track(loop="parent_mini_form", intent="show_balance")
    events, dispatcher = await run(parent_money.ShowParentBalance(), tap, domain)
    assert events == []
    assert said(dispatcher) == [
        "utter_parent_child_balance",
        "utter_parent_child_movements",
        "utter_parent_child_requests",
    ]
    balance = data(dispatcher, "utter_parent_child_balance")
    assert (balance["child"], balance["balance"]) == ("Andrea", "$15,00")
    assert data(dispatcher, "utter_parent_child_movements")["lines"] == (
        "• +$5,00 dinero que le diste «un libro» → saldo $15,00\n"
        "• +$10,00 saldo inicial → saldo $10,00"
    )
    assert data(dispatcher, "utter_parent_child_requests")["lines"] == (
        "• Pidió $9,00 (un juego): ❌ rechazada\n• Pidió $5,00 (un libro): ✅ aprobada"
    )


async def test_parent_overview_outside_the_form(bank: Bank, domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    assert await parent_money.show_parent_overview(dispatcher, domain, PARENT) is False
    assert dispatcher.messages == []
    sign_in_andrea(bank)
    sign_in_carlos(bank)
    ref = andrea_asks(bank)
    assert await parent_money.show_parent_overview(dispatcher, domain, PARENT) is True
    assert said(dispatcher) == [
        "utter_parent_balances_intro",
        "utter_parent_child_balance_line",
        "utter_parent_child_balance_line",
        "utter_parent_pending_intro",
        "utter_parent_pending_money",
    ]
    assert values(dispatcher.messages[0])["balance"] == "$500,00"
    lines = [m for m in dispatcher.messages if m["response"] == "utter_parent_child_balance_line"]
    assert [(values(m)["child"], values(m)["balance"]) for m in lines] == [
        ("Andrea", "$10,00"),
        ("Mateo", "$3,00"),
    ]
    assert lines[0]["buttons"] == [
        {
            "title": "📜 Movimientos y misiones",
            "payload": f'/start_parent_mini{{"child_ref": "{andrea_ref(bank)}"}}',
        }
    ]
    assert payloads(dispatcher, "utter_parent_pending_money") == decision(ref)


# Missions ------------------------------------------------------------------------------------


async def create_mission_through_the_form(
    bank: Bank, domain: dict[str, Any], title: str, reward: str
) -> CollectingDispatcher:
    """Carlos, at Andrea's menu, taps ➕ Nueva misión and answers the form."""
    tap = track(loop="parent_mini_form", intent="create_mission")
    events, dispatcher = await run(parent_mission_form.StartParentMission(), tap, domain)
    assert said(dispatcher) == ["utter_parent_mission_started"]
    assert data(dispatcher, "utter_parent_mission_started") == {"child": "Andrea"}
    assert events[:2] == [ActiveLoop(None), SlotSet("requested_slot", None)]
    assert SlotSet("mission_child_ref", andrea_ref(bank)) in events
    slots = {"mission_child_ref": andrea_ref(bank)}
    events, _ = await run(
        MISSION_FORM,
        track(loop="parent_mission_form", slots=slots, extracted={"mission_title": title}),
        domain,
    )
    slots["mission_title"] = next(e["value"] for e in events if e["name"] == "mission_title")
    events, _ = await run(
        MISSION_FORM,
        track(loop="parent_mission_form", slots=slots, extracted={"mission_reward": reward}),
        domain,
    )
    slots["mission_reward"] = next(e["value"] for e in events if e["name"] == "mission_reward")
    events, dispatcher = await run(
        parent_mission_form.FinishParentMission(), track(slots=slots), domain
    )
    assert events == [
        SlotSet("mission_child_ref", None),
        SlotSet("mission_title", None),
        SlotSet("mission_reward", None),
    ]
    return dispatcher


async def test_a_mission_is_created_through_the_form(bank: Bank, domain: dict) -> None:
    sign_in_andrea(bank)
    await carlos_picks_andrea(bank, domain)
    slots = {"mission_child_ref": andrea_ref(bank)}
    checks = [
        ("mission_title", "ok", None, None),
        ("mission_title", "  Ordenar   tu cuarto ", "Ordenar tu cuarto", None),
        ("mission_reward", "cien", None, "utter_invalid_mission_reward_over_limit"),
        ("mission_reward", "un montón", None, "utter_invalid_mission_reward_amount"),
        ("mission_reward", "$2", "2.00", None),
    ]
    for slot, typed, kept, response in checks:
        form = track(loop="parent_mission_form", slots=slots, extracted={slot: typed})
        events, dispatcher = await run(MISSION_FORM, form, domain)
        assert SlotSet(slot, kept) in events
        if typed == "ok":
            assert said(dispatcher) == ["utter_invalid_mission_title_too_short"]
        elif response:
            assert said(dispatcher) == [response]
        if response == "utter_invalid_mission_reward_over_limit":
            assert data(dispatcher, response)["max"] == "$50,00"
    dispatcher = await create_mission_through_the_form(bank, domain, "Ordenar tu cuarto", "2")
    assert said(dispatcher) == ["utter_parent_mission_created"]
    told = data(dispatcher, "utter_parent_mission_created")
    assert (told["child"], told["title"], told["reward"]) == (
        "Andrea",
        "Ordenar tu cuarto",
        "$2,00",
    )
    missions = bank.mini_missions.list(sender_id=CHILD).data["missions"]
    assert [(m["title"], m["reward"], m["state"]) for m in missions] == [
        ("Ordenar tu cuarto", "2.00", "open")
    ]


async def test_the_mission_form_without_a_chosen_child_ends_at_once(
    bank: Bank, domain: dict
) -> None:
    await carlos_through_the_form(bank, domain)  # at the child step: no child yet
    tap = track(loop="parent_mini_form", intent="create_mission")
    events, dispatcher = await run(parent_mission_form.StartParentMission(), tap, domain)
    assert said(dispatcher) == []
    assert SlotSet("mission_child_ref", None) in events
    events, _ = await run(MISSION_FORM, track(loop="parent_mission_form"), domain)
    assert requested(events) is None
    _, dispatcher = await run(parent_mission_form.FinishParentMission(), track(), domain)
    assert said(dispatcher) == ["utter_parent_mission_pick_child"]


async def test_missions_are_listed_removed_or_kept_when_claimed(bank: Bank, domain: dict) -> None:
    sign_in_andrea(bank)
    await carlos_picks_andrea(bank, domain)
    await create_mission_through_the_form(bank, domain, "Lavar los platos", "1")
    await create_mission_through_the_form(bank, domain, "Sacar la basura", "0,50")
    open_ref, claimed_ref = (
        m["ref"] for m in bank.mini_missions.list(sender_id=CHILD).data["missions"]
    )
    bank.mini_missions.claim(sender_id=CHILD, mission_ref=claimed_ref)

    tap = track(loop="parent_mini_form", intent="show_missions")
    _, dispatcher = await run(parent_money.ShowParentMissions(), tap, domain)
    assert said(dispatcher) == [
        "utter_parent_missions_intro",
        "utter_parent_mission_line",
        "utter_parent_mission_line_claimed",
    ]
    assert payloads(dispatcher, "utter_parent_mission_line") == [
        ("🗑️ Quitar", f'/remove_mission{{"mission_ref": "{open_ref}"}}')
    ]
    assert data(dispatcher, "utter_parent_mission_line")["reward"] == "$1,00"
    assert payloads(dispatcher, "utter_parent_mission_line_claimed") == [
        ("📬 Ver solicitudes", "/parent_approvals")
    ]

    remove = parent_money.RemoveMission()
    claimed = track(intent="remove_mission", entities={"mission_ref": claimed_ref})
    _, dispatcher = await run(remove, claimed, domain)
    assert said(dispatcher) == ["utter_parent_mission_claimed"]
    assert data(dispatcher, "utter_parent_mission_claimed") == {"child": "Andrea"}
    reward_ref = bank.mini_requests.pending(sender_id=PARENT).data["requests"][0]["ref"]
    assert payloads(dispatcher, "utter_parent_mission_claimed") == decision(reward_ref)

    removed = track(intent="remove_mission", entities={"mission_ref": open_ref})
    _, dispatcher = await run(remove, removed, domain)
    assert said(dispatcher) == ["utter_parent_mission_removed"]
    assert data(dispatcher, "utter_parent_mission_removed")["title"] == "Lavar los platos"
    _, dispatcher = await run(remove, removed, domain)
    assert said(dispatcher) == ["utter_parent_mission_unknown"]
    titles = [m["title"] for m in bank.mini_missions.list(sender_id=CHILD).data["missions"]]
    assert titles == ["Sacar la basura"]


async def test_missions_outside_the_form_offer_a_new_one_per_child(
    bank: Bank, domain: dict
) -> None:
    dispatcher = CollectingDispatcher()
    assert await parent_money.show_parent_missions(dispatcher, domain, PARENT) is False
    sign_in_carlos(bank)
    assert await parent_money.show_parent_missions(dispatcher, domain, PARENT) is True
    assert said(dispatcher) == ["utter_parent_no_missions", "utter_parent_no_missions"]
    first = dispatcher.messages[0]
    assert values(first) == {"child": "Andrea"}
    assert first["buttons"] == [
        {
            "title": "➕ Nueva misión",
            "payload": f'/create_mission{{"child_ref": "{andrea_ref(bank)}"}}',
        }
    ]


async def test_a_new_mission_button_outside_opens_the_form_for_that_child(
    bank: Bank, domain: dict
) -> None:
    sign_in_carlos(bank)
    tap = track(intent="create_mission", entities={"child_ref": andrea_ref(bank)})
    events, dispatcher = await run(parent_mission_form.StartParentMission(), tap, domain)
    assert said(dispatcher) == ["utter_parent_mission_started"]
    assert ActiveLoop(None) not in events
    assert SlotSet("mission_child_ref", andrea_ref(bank)) in events
    assert bank.parent_mini.current_step(sender_id=PARENT) == "child_action"


def test_every_parent_money_response_exists(domain: dict) -> None:
    mini = REPO / "actions" / "mini"
    sources = [*sorted(mini.glob("parent_*.py")), mini / "money_lines.py"]
    source = "\n".join(path.read_text() for path in sources)
    fixed = set(re.findall(r'"(utter_[a-z_]+)"', source))
    kinds = ("money", "withdrawal", "mission")
    dynamic = {f"utter_parent_request_{c}_{k}" for c in ("approved", "rejected") for k in kinds}
    dynamic |= {f"utter_parent_pending_{k}" for k in kinds}
    dynamic |= {f"utter_parent_request_line_{k}" for k in kinds}
    dynamic |= {f"utter_parent_request_{s}" for s in ("already_approved", "already_rejected")}
    dynamic |= {f"utter_parent_request_insufficient_{w}" for w in ("parent", "child")}
    dynamic |= {f"utter_parent_request_state_{s}" for s in ("pending", "approved", "rejected")}
    dynamic |= {f"utter_parent_movement_{k}" for k in money_lines.MOVEMENT_KINDS | {"other"}}
    dynamic |= {f"utter_invalid_mission_title_{r}" for r in ("empty", "too_short", "too_long")}
    buttons = set(re.findall(r'button\(\s*domain,\s*"([a-z_]+)"', source))
    assert {"approve", "reject", "new_mission", "remove_mission"} <= buttons
    dynamic |= {f"utter_button_{name}" for name in buttons}
    missing = sorted(name for name in fixed | dynamic if name not in domain["responses"])
    assert missing == []
    form = domain["forms"]["parent_mission_form"]["required_slots"]
    assert form == ["mission_title", "mission_reward"]
    assert set(parent_mission_form.MISSION_SLOTS) <= set(domain["slots"])


def test_the_childs_decision_notices_lead_back_to_her_goals_and_menu(notice_texts: dict) -> None:
    for kind in ("money", "withdrawal", "mission"):
        for decision in ("approved", "rejected"):
            (variation,) = notice_texts[f"utter_notice_mini_{kind}_{decision}"]
            payloads = [b["payload"] for b in variation["buttons"]]
            assert payloads == ["/show_goals", "/open_mini"]
