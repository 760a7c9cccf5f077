"""Finding 3: anyone could test cédulas in the Cuenta Mini registration.

The attacker types cédulas (nobody's, a child's in approval, a child's who already has a user, a
ready child's) and looks at what the registration answers, at the activation code and at
"Pedirle un código". Every answer before a valid code must be the same, with no name; cédula
attempts and code requests are rate limited; the audit keeps a keyed ref, never the number.
"""

from __future__ import annotations

from typing import Any

import pytest
from bank_helpers import unknown_cedula
from mini_journey_helpers import expect, new_code, sign_in_carlos
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.common.replies import phrase
from actions.mini import child_registration
from bank.bootstrap import Bank
from bank.clock import FixedClock
from bank.db import unit_of_work
from bank.demo import ANDREA, MATEO, SOFIA
from bank.models import AuditEntry, RateLimitHit
from formats.domain_files import load_domain
from tests.support.mini_family import create_andreas_user

FORM = child_registration.FORM
VALIDATION = child_registration.ValidateMiniRegistrationForm()
NAMES = ("Andrea", "Mateo", "Sofía", "Sofia", "Carlos")
NOBODY = unknown_cedula()
# A cédula of nobody, typed oddly but with a valid check digit: it is not refused as malformed.
NOBODY_ODDLY_TYPED = f"{unknown_cedula('170888888')[:9]}-{unknown_cedula('170888888')[9]}"
MESSAGE_KEYS = {"response", "template", "text", "buttons", "elements", "custom", "image"}


@pytest.fixture(scope="module")
def domain() -> dict[str, Any]:
    loaded: dict[str, Any] = load_domain()
    return loaded


def tracker(sender: str, slot: str | None = None, value: Any = None) -> Tracker:
    """A tracker in the child's registration form whose last message filled `slot`."""
    events: list[dict[str, Any]] = [
        {"event": "active_loop", "name": FORM.name},
        {"event": "user", "text": "…", "parse_data": {"intent": {"name": "inform"}}},
    ]
    slots: dict[str, Any] = {name: None for name in FORM.slots}
    slots["requested_slot"] = slot
    if slot is not None:
        events.append(SlotSet(slot, value))
        slots[slot] = value
    return Tracker(
        sender_id=sender,
        slots=slots,
        latest_message={"intent": {"name": "inform"}, "entities": [], "text": "…"},
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": FORM.name},
        latest_action_name="action_listen",
    )


def seen(dispatcher: CollectingDispatcher, events: list[Any], domain: dict[str, Any]) -> Any:
    """What the chat shows (response names, texts as rendered, buttons) and the form's events."""
    shown = []
    for message in dispatcher.messages:
        name = str(message.get("response") or "")
        values = {k: v for k, v in message.items() if k not in MESSAGE_KEYS and v is not None}
        text = phrase(domain, name, values) if name else str(message.get("text") or "")
        shown.append((name, text, message.get("buttons"), message.get("custom")))
    return shown, events


async def answer(sender: str, slot: str, value: Any, domain: dict[str, Any]) -> Any:
    """The child answers `slot` in the registration form: what the action sends back."""
    dispatcher = CollectingDispatcher()
    events = await VALIDATION.run(dispatcher, tracker(sender, slot, value), domain)
    return seen(dispatcher, events, domain)


async def start_and_type_cedula(sender: str, cedula: str, domain: dict[str, Any]) -> Any:
    """Open the registration in a fresh chat and type a cédula."""
    dispatcher = CollectingDispatcher()
    await child_registration.StartMiniRegistration().run(dispatcher, tracker(sender), domain)
    return await answer(sender, "mini_cedula", cedula, domain)


def boxed(bank: Bank, sender: str, code: str) -> str:
    """The channel boxes a typed code and hands Rasa only the reference."""
    return bank.secret_box.put(sender_id=sender, kind="otp", value=code)


def assert_no_names(views: list[Any]) -> None:
    text = repr(views)
    assert not [name for name in NAMES if name in text], text


async def test_attacker_cannot_tell_unknown_in_approval_with_user_and_ready_cedulas_apart(
    action_bank: Bank, domain: dict[str, Any]
) -> None:
    create_andreas_user(action_bank)  # Andrea already has a user; Mateo is ready; Sofía pending
    cases = {
        "nobody": NOBODY,
        "nobody, typed oddly": NOBODY_ODDLY_TYPED,
        "in approval": SOFIA.cedula,
        "has a user": ANDREA.cedula,
        "ready": MATEO.cedula,
    }
    views = {
        case: await start_and_type_cedula(f"probe:{case}", cedula, domain)
        for case, cedula in cases.items()
    }
    first = views["ready"]
    assert first[0], "the cédula gets an answer"
    assert all(view == first for view in views.values()), views
    assert_no_names(list(views.values()))
    for case in cases:  # and every one goes on to the code
        assert action_bank.mini_registration.current_step(sender_id=f"probe:{case}") == (
            "activation_code"
        )


async def test_attacker_cannot_tell_cedulas_apart_by_a_wrong_activation_code(
    action_bank: Bank, domain: dict[str, Any]
) -> None:
    create_andreas_user(action_bank)
    cases = {
        "nobody": NOBODY,
        "in approval": SOFIA.cedula,
        "has a user": ANDREA.cedula,
        "ready, no code yet": MATEO.cedula,
    }
    for case, cedula in cases.items():
        await start_and_type_cedula(f"probe:{case}", cedula, domain)
    views = {
        case: await answer(
            f"probe:{case}",
            "activation_code_ref",
            boxed(action_bank, f"probe:{case}", "123456"),
            domain,
        )
        for case in cases
    }
    new_code(action_bank, MATEO.cedula)  # now Mateo has a live code the attacker does not know
    await start_and_type_cedula("probe:ready, live code", MATEO.cedula, domain)
    views["ready, live code"] = await answer(
        "probe:ready, live code",
        "activation_code_ref",
        boxed(action_bank, "probe:ready, live code", "123456"),
        domain,
    )
    first = views["nobody"]
    assert [name for name, *_ in first[0]] == ["utter_mini_code_wrong"], first
    assert all(view == first for view in views.values()), views
    assert_no_names(list(views.values()))


async def test_attacker_cannot_tell_cedulas_apart_by_asking_for_a_code(
    action_bank: Bank, domain: dict[str, Any]
) -> None:
    create_andreas_user(action_bank)  # this also makes Carlos's chat known to the bank
    action_bank.notifications.claim()
    cases = {
        "nobody": NOBODY,
        "in approval": SOFIA.cedula,
        "has a user": ANDREA.cedula,
        "ready": MATEO.cedula,
    }
    views = {}
    for case, cedula in cases.items():
        chat = f"probe:{case}"
        await start_and_type_cedula(chat, cedula, domain)
        no_code = await answer(chat, "activation_code_ref", "missing", domain)
        asked = await answer(chat, "activation_code_ref", "ask", domain)
        views[case] = (no_code, asked)
    first = views["ready"]
    assert any(name == "utter_mini_offer_ask_parent" for name, *_ in first[0][0]), first
    assert all(view == first for view in views.values()), views
    assert_no_names(list(views.values()))
    # The answer was the same, yet only the ready child's parent was actually told.
    notices = [n for n in action_bank.notifications.claim() if n.kind == "mini_code_requested"]
    assert [dict(n.data)["child"] for n in notices] == ["Mateo"]


def test_attacker_guessing_a_code_cannot_learn_it_was_used_or_expired(
    bank: Bank, clock: FixedClock
) -> None:
    reg = bank.mini_registration
    code = new_code(bank, MATEO.cedula)
    for chat in ("tg:mateo", "probe:1", "probe:2"):
        reg.start(sender_id=chat)
        expect(reg.submit_cedula(sender_id=chat, text=MATEO.cedula), "ok", "activation_code")
    expect(reg.submit_activation_code(sender_id="tg:mateo", code=code), "ok", "avatar")
    guess = "000000" if code != "000000" else "111111"
    used = reg.submit_activation_code(sender_id="probe:1", code=guess)
    assert (used.code, used.data) == ("wrong", {"attempts_left": 4}), "not 'used'"
    new_code(bank, MATEO.cedula)
    clock.advance(minutes=9)
    reg.touch(sender_id="probe:2")
    clock.advance(minutes=2)
    expired = reg.submit_activation_code(sender_id="probe:2", code=guess)
    assert (expired.code, expired.data) == ("wrong", {"attempts_left": 4}), "not 'expired'"


def test_restarting_the_journey_neither_resets_the_code_attempts_nor_reveals_them(
    bank: Bank,
) -> None:
    reg, chat = bank.mini_registration, "probe:restart"
    code = new_code(bank, MATEO.cedula)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    reg.start(sender_id=chat)
    reg.submit_cedula(sender_id=chat, text=MATEO.cedula)
    for left in (4, 3, 2, 1):
        miss = expect(reg.submit_activation_code(sender_id=chat, code=wrong), "wrong")
        assert miss.data == {"attempts_left": left}
    expect(reg.cancel(sender_id=chat), "cancelled")
    reg.start(sender_id=chat)
    reg.submit_cedula(sender_id=chat, text=NOBODY)
    expect(reg.cancel(sender_id=chat), "cancelled")
    reg.start(sender_id=chat)
    reg.submit_cedula(sender_id=chat, text=MATEO.cedula)
    # The code's own 5 wrong entries are now used up, across journeys; this journey's answers
    # are those of any cédula, and not even the right code gets in.
    fifth = reg.submit_activation_code(sender_id=chat, code=wrong)
    assert (fifth.code, fifth.data) == ("wrong", {"attempts_left": 4})
    right = reg.submit_activation_code(sender_id=chat, code=code)
    assert (right.code, right.data) == ("wrong", {"attempts_left": 3})
    assert reg.current_step(sender_id=chat) == "activation_code"


def test_probing_many_cedulas_from_one_chat_is_rate_limited(bank: Bank, clock: FixedClock) -> None:
    reg, chat = bank.mini_registration, "probe:one-chat"
    prefixes = ("170111111", "170222222", "170333333", "170444444", "170555555")
    for prefix in prefixes:
        reg.start(sender_id=chat)
        expect(reg.submit_cedula(sender_id=chat, text=unknown_cedula(prefix)), "ok")
        reg.cancel(sender_id=chat)
    reg.start(sender_id=chat)
    limited = expect(reg.submit_cedula(sender_id=chat, text=MATEO.cedula), "rate_limited", "ended")
    assert limited.data == {"scope": "chat", "limit": 5, "window_minutes": 60, "minutes": 60}
    clock.advance(minutes=61)
    reg.start(sender_id=chat)
    expect(reg.submit_cedula(sender_id=chat, text=MATEO.cedula), "ok", "activation_code")


def test_probing_one_cedula_from_many_chats_is_rate_limited(bank: Bank, clock: FixedClock) -> None:
    reg = bank.mini_registration
    for cedula in (MATEO.cedula, NOBODY):  # a child's cédula and nobody's: the same limit
        for n in range(5):
            chat = f"probe:{cedula}:{n}"
            reg.start(sender_id=chat)
            expect(reg.submit_cedula(sender_id=chat, text=cedula), "ok")
        reg.start(sender_id=f"probe:{cedula}:last")
        limited = reg.submit_cedula(sender_id=f"probe:{cedula}:last", text=cedula)
        assert (limited.code, limited.data) == (
            "rate_limited",
            {"scope": "child", "limit": 5, "window_minutes": 60, "minutes": 60},
        )
    clock.advance(hours=1, seconds=1)
    reg.start(sender_id="probe:later")
    expect(reg.submit_cedula(sender_id="probe:later", text=MATEO.cedula), "ok")


def test_a_parent_cannot_be_flooded_with_code_requests_from_many_chats(
    bank: Bank, clock: FixedClock
) -> None:
    sign_in_carlos(bank)
    bank.notifications.claim()
    reg = bank.mini_registration
    answers = []
    for n in range(4):
        chat = f"probe:flood:{n}"
        reg.start(sender_id=chat)
        reg.submit_cedula(sender_id=chat, text=MATEO.cedula)
        answers.append(reg.request_code(sender_id=chat))
    assert [a.code for a in answers] == ["asked"] * 3 + ["rate_limited"]
    assert answers[-1].data == {"limit": 3, "window_minutes": 60, "minutes": 60}
    notices = [n for n in bank.notifications.claim() if n.kind == "mini_code_requested"]
    assert len(notices) == 3
    clock.advance(hours=1, seconds=1)
    reg.start(sender_id="probe:flood:later")
    reg.submit_cedula(sender_id="probe:flood:later", text=MATEO.cedula)
    expect(reg.request_code(sender_id="probe:flood:later"), "asked")


async def test_rate_limit_message_states_the_limit_and_nothing_about_the_cedula(
    action_bank: Bank, domain: dict[str, Any]
) -> None:
    chats = ("probe:limit:a", "probe:limit:b")
    for chat in chats:
        for prefix in ("170111111", "170222222", "170333333", "170444444", "170555555"):
            await start_and_type_cedula(chat, unknown_cedula(prefix), domain)
            # Past the first step "cancelar" asks first (issue 15): this is the confirmed cancel.
            confirmed = tracker(chat)
            confirmed.slots["cancel_pending"] = True
            await child_registration.CancelMiniRegistration().run(
                CollectingDispatcher(), confirmed, domain
            )
    ready = await start_and_type_cedula(chats[0], MATEO.cedula, domain)
    nobody = await start_and_type_cedula(chats[1], NOBODY, domain)
    assert ready == nobody
    ((name, text, _, _),) = ready[0]
    assert name == "utter_mini_cedula_limit_chat"
    assert "5" in text and "60" in text and "{" not in text
    assert_no_names([ready])


def test_probing_leaves_an_audit_trail_keyed_without_the_cedula(bank: Bank) -> None:
    reg = bank.mini_registration
    for n, cedula in enumerate((MATEO.cedula, NOBODY, SOFIA.cedula)):
        reg.start(sender_id=f"probe:audit:{n}")
        reg.submit_cedula(sender_id=f"probe:audit:{n}", text=cedula)
        reg.request_code(sender_id=f"probe:audit:{n}")
    about_mateo = bank.audit_log.read(customer=MATEO.cedula)
    assert "mini_registration.cedula_entered" in [row.action for row in about_mateo]
    with unit_of_work(bank.sessions) as session:
        rows = list(session.scalars(select(AuditEntry)))
        buckets = list(session.scalars(select(RateLimitHit.bucket)))
    stored = repr([(r.actor, r.subject, r.details) for r in rows]) + repr(buckets)
    assert buckets
    for cedula in (MATEO.cedula, NOBODY, SOFIA.cedula):
        assert cedula not in stored
        assert cedula[:9] not in stored
