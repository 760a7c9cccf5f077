"""Cuenta Mini actions with trackers built in code, the real domain and a real bank on SQLite."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common.journey_form import JourneyForm, JourneyFormValidation
from actions.mini import child_registration, child_sign_in, parent
from bank.bootstrap import Bank
from bank.demo import ANDREA, CARLOS_PASSWORD, CARLOS_USERNAME

REPO = Path(__file__).resolve().parents[3]
PARENT = "test:carlos"
CHILD = "test:andrea"
PICTURES = "pic_star,pic_fish,pic_star,pic_kite"


def tracker(
    form: JourneyForm,
    sender: str,
    slot: str | None = None,
    value: Any = None,
    *,
    intent: str = "inform",
    entities: list[dict[str, Any]] | None = None,
) -> Tracker:
    """A tracker in `form` whose last message filled `slot` with `value`."""
    events: list[dict[str, Any]] = [
        {"event": "active_loop", "name": form.name},
        {"event": "user", "text": "…", "parse_data": {"intent": {"name": intent}}},
    ]
    slots: dict[str, Any] = {name: None for name in form.slots}
    slots["requested_slot"] = slot
    if slot is not None:
        events.append(SlotSet(slot, value))
        slots[slot] = value
    return Tracker(
        sender_id=sender,
        slots=slots,
        latest_message={"intent": {"name": intent}, "entities": entities or [], "text": "…"},
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": form.name},
        latest_action_name="action_listen",
    )


async def run(
    action: Any, track: Tracker, domain: dict[str, Any]
) -> tuple[list[Any], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, track, domain)
    return events, dispatcher


async def answer(
    validation: JourneyFormValidation,
    sender: str,
    slot: str | None,
    value: Any,
    domain: dict[str, Any],
) -> tuple[list[Any], CollectingDispatcher]:
    return await run(validation, tracker(validation.form, sender, slot, value), domain)


def responses(dispatcher: CollectingDispatcher) -> list[str]:
    return [m["response"] for m in dispatcher.messages if m.get("response")]


def customs(dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    return [m["custom"] for m in dispatcher.messages if m.get("custom")]


def requested(events: list[Any]) -> Any:
    return next(e["value"] for e in reversed(events) if e.get("name") == "requested_slot")


def boxed(bank: Bank, sender: str, kind: str, value: str) -> str:
    return bank.secret_box.put(sender_id=sender, kind=kind, value=value)


PARENT_FORM = parent.ValidateParentMiniForm()
CHILD_FORM = child_registration.ValidateMiniRegistrationForm()
SIGN_IN_FORM = child_sign_in.ValidateMiniSignInForm()


async def parent_code(bank: Bank, domain: dict[str, Any]) -> str:
    """Carlos signs in through the form, picks Andrea and generates: the code, read from the box."""
    await run(parent.StartParentMini(), tracker(parent.FORM, PARENT), domain)
    events, _ = await answer(PARENT_FORM, PARENT, None, None, domain)
    assert requested(events) == "parent_username"
    await answer(PARENT_FORM, PARENT, "parent_username", CARLOS_USERNAME, domain)
    ref = boxed(bank, PARENT, "password", CARLOS_PASSWORD)
    events, dispatcher = await answer(PARENT_FORM, PARENT, "parent_password_ref", ref, domain)
    assert responses(dispatcher) == ["utter_parent_signed_in"]
    assert requested(events) == "parent_child"
    events, _ = await answer(PARENT_FORM, PARENT, "parent_child", "andrea", domain)
    assert requested(events) == "parent_choice"
    events, dispatcher = await answer(PARENT_FORM, PARENT, "parent_choice", "generate", domain)
    (shown,) = customs(dispatcher)
    assert shown["type"] == "activation_code" and shown["child"] == "Andrea"
    code = bank.secret_box.take(ref=shown["ref"], sender_id=PARENT, kind="activation_code")
    assert code is not None and len(code) == 6 and code.isdigit()
    assert code not in json.dumps(dispatcher.messages) + json.dumps(events, default=str)
    return code


async def test_parent_children_are_buttons_with_pending_ones_marked(
    bank: Bank, domain: dict
) -> None:
    await run(parent.StartParentMini(), tracker(parent.FORM, PARENT), domain)
    await answer(PARENT_FORM, PARENT, "parent_username", CARLOS_USERNAME, domain)
    await answer(
        PARENT_FORM,
        PARENT,
        "parent_password_ref",
        boxed(bank, PARENT, "password", CARLOS_PASSWORD),
        domain,
    )
    _, dispatcher = await run(parent.AskParentChild(), tracker(parent.FORM, PARENT), domain)
    (message,) = dispatcher.messages
    titles = [button["title"] for button in message["buttons"]]
    assert len(titles) == 3
    assert any(title.startswith("Sofía") and "⏳" in title for title in titles)
    assert all(json.loads(b["payload"][len("/inform") :])["child_ref"] for b in message["buttons"])
    events, dispatcher = await answer(PARENT_FORM, PARENT, "parent_child", "sofia", domain)
    assert responses(dispatcher) == ["utter_parent_child_pending"]
    assert requested(events) == "parent_child"


async def test_parent_wrong_password_asks_the_username_again(bank: Bank, domain: dict) -> None:
    await run(parent.StartParentMini(), tracker(parent.FORM, PARENT), domain)
    await answer(PARENT_FORM, PARENT, "parent_username", CARLOS_USERNAME, domain)
    events, dispatcher = await answer(
        PARENT_FORM,
        PARENT,
        "parent_password_ref",
        boxed(bank, PARENT, "password", "Otra2024clave"),
        domain,
    )
    assert responses(dispatcher) == ["utter_parent_sign_in_wrong"]
    assert requested(events) == "parent_username"


async def test_parent_choices_follow_the_code(bank: Bank, domain: dict) -> None:
    await parent_code(bank, domain)
    _, dispatcher = await run(parent.AskParentChoice(), tracker(parent.FORM, PARENT), domain)
    assert responses(dispatcher) == ["utter_ask_parent_choice_where"]
    _, dispatcher = await answer(PARENT_FORM, PARENT, "parent_choice", "link", domain)
    assert {"type": "deep_link", "start": "mini"} in customs(dispatcher)
    events, dispatcher = await answer(PARENT_FORM, PARENT, "parent_choice", "here", domain)
    assert responses(dispatcher) == ["utter_parent_register_here"]
    assert requested(events) is None, "the parent's form ends"
    assert bank.mini_registration.current_step(sender_id=PARENT) == "activation_code"


async def test_child_registers_with_the_parents_code(bank: Bank, domain: dict) -> None:
    code = await parent_code(bank, domain)
    await run(
        child_registration.StartMiniRegistration(), tracker(child_registration.FORM, CHILD), domain
    )
    events, _ = await answer(CHILD_FORM, CHILD, None, None, domain)
    assert requested(events) == "mini_cedula"
    events, dispatcher = await answer(CHILD_FORM, CHILD, "mini_cedula", "172233445", domain)
    assert responses(dispatcher) == ["utter_invalid_mini_cedula_length"]
    events, dispatcher = await answer(CHILD_FORM, CHILD, "mini_cedula", ANDREA.cedula, domain)
    assert responses(dispatcher) == ["utter_mini_cedula_ok"]
    assert requested(events) == "activation_code_ref"
    wrong = "000000" if code != "000000" else "111111"
    _, dispatcher = await answer(
        CHILD_FORM, CHILD, "activation_code_ref", boxed(bank, CHILD, "otp", wrong), domain
    )
    assert responses(dispatcher) == ["utter_mini_code_wrong"]
    events, dispatcher = await answer(
        CHILD_FORM, CHILD, "activation_code_ref", boxed(bank, CHILD, "otp", code), domain
    )
    assert responses(dispatcher) == ["utter_mini_code_ok"]
    assert requested(events) == "mini_avatar"

    _, dispatcher = await run(
        child_registration.AskMiniAvatar(), tracker(child_registration.FORM, CHILD), domain
    )
    (keyboard,) = customs(dispatcher)
    assert keyboard["kind"] == "mini_avatar" and len(keyboard["options"]) >= 8
    avatar = keyboard["options"][0]["id"]
    events, _ = await answer(CHILD_FORM, CHILD, "mini_avatar", avatar, domain)
    assert requested(events) == "mini_username"
    events, dispatcher = await answer(CHILD_FORM, CHILD, "mini_username", "andrea", domain)
    assert responses(dispatcher) == ["utter_invalid_mini_username_too_short"]
    events, _ = await answer(CHILD_FORM, CHILD, "mini_username", "andreita2015", domain)
    assert requested(events) == "picture_password_ref"

    _, dispatcher = await run(
        child_registration.AskPicturePassword(), tracker(child_registration.FORM, CHILD), domain
    )
    (keyboard,) = customs(dispatcher)
    assert (
        keyboard["choose"] == 4 and keyboard["ordered"] and keyboard["secret"] == "picture_password"
    )
    assert len(keyboard["options"]) >= 12
    events, _ = await answer(
        CHILD_FORM,
        CHILD,
        "picture_password_ref",
        boxed(bank, CHILD, "picture_password", PICTURES),
        domain,
    )
    assert requested(events) == "picture_password_confirmation_ref"
    events, dispatcher = await answer(
        CHILD_FORM,
        CHILD,
        "picture_password_confirmation_ref",
        boxed(bank, CHILD, "picture_password", "pic_fish,pic_star,pic_star,pic_kite"),
        domain,
    )
    assert responses(dispatcher) == ["utter_picture_password_mismatch"]
    assert requested(events) == "picture_password_ref"
    await answer(
        CHILD_FORM,
        CHILD,
        "picture_password_ref",
        boxed(bank, CHILD, "picture_password", PICTURES),
        domain,
    )
    events, _ = await answer(
        CHILD_FORM,
        CHILD,
        "picture_password_confirmation_ref",
        boxed(bank, CHILD, "picture_password", PICTURES),
        domain,
    )
    assert requested(events) is None
    _, dispatcher = await run(
        child_registration.FinishMiniRegistration(), tracker(child_registration.FORM, CHILD), domain
    )
    assert responses(dispatcher) == ["utter_mini_user_created"]
    assert {"type": "picture", "id": avatar, "caption": ""} in customs(dispatcher)

    # Sign in: a wrong picture password first, then the right one.
    await run(child_sign_in.StartMiniSignIn(), tracker(child_sign_in.FORM, CHILD), domain)
    await answer(SIGN_IN_FORM, CHILD, "mini_sign_in_username", "andreita2015", domain)
    events, dispatcher = await answer(
        SIGN_IN_FORM,
        CHILD,
        "mini_sign_in_picture_ref",
        boxed(bank, CHILD, "picture_password", "pic_fish,pic_fish,pic_fish,pic_fish"),
        domain,
    )
    assert responses(dispatcher) == ["utter_mini_sign_in_wrong"]
    assert requested(events) == "mini_sign_in_username"
    await answer(SIGN_IN_FORM, CHILD, "mini_sign_in_username", "andreita2015", domain)
    events, dispatcher = await answer(
        SIGN_IN_FORM,
        CHILD,
        "mini_sign_in_picture_ref",
        boxed(bank, CHILD, "picture_password", PICTURES),
        domain,
    )
    assert responses(dispatcher) == ["utter_mini_signed_in"]
    assert requested(events) is None
    assert bank.mini_sign_in.current_child(sender_id=CHILD).code == "active"
    _, dispatcher = await run(child_sign_in.SignOut(), tracker(child_sign_in.FORM, CHILD), domain)
    assert responses(dispatcher) == ["utter_signed_out"]


async def test_no_code_explains_and_asks_the_parent(bank: Bank, domain: dict) -> None:
    await parent_code(bank, domain)  # Carlos's chat is now known to the bank
    await run(
        child_registration.StartMiniRegistration(), tracker(child_registration.FORM, CHILD), domain
    )
    await answer(CHILD_FORM, CHILD, "mini_cedula", ANDREA.cedula, domain)
    events, dispatcher = await answer(CHILD_FORM, CHILD, "activation_code_ref", "missing", domain)
    assert responses(dispatcher) == ["utter_mini_how_to_get_code", "utter_mini_offer_ask_parent"]
    assert requested(events) == "activation_code_ref"
    _, dispatcher = await answer(CHILD_FORM, CHILD, "activation_code_ref", "ask", domain)
    assert responses(dispatcher) == ["utter_mini_code_requested"]
    _, dispatcher = await answer(CHILD_FORM, CHILD, "activation_code_ref", "ask", domain)
    assert responses(dispatcher) == ["utter_mini_code_request_too_soon"]
    kinds = [notice.kind for notice in bank.notifications.claim()]
    assert "mini_code_requested" in kinds


async def test_notice_button_generates_at_once_for_a_signed_in_parent(
    bank: Bank, domain: dict
) -> None:
    await parent_code(bank, domain)
    ref = parent.CHILD_REF_PAYLOAD  # the payload shape the notice button uses too
    assert "child_ref" in ref
    child_ref = next(
        choice.ref
        for choice in bank.parent_mini.children(sender_id=PARENT)
        if choice.name.startswith("Andrea")
    )
    track = tracker(
        parent.FORM,
        PARENT,
        intent="generate_code",
        entities=[{"entity": "child_ref", "value": child_ref}],
    )
    _, dispatcher = await run(parent.StartParentMini(), track, domain)
    assert responses(dispatcher) == ["utter_parent_signed_in_already"]
    assert [c["type"] for c in customs(dispatcher)] == ["activation_code"]


def test_every_journey_step_has_a_slot_in_the_domain_form(domain: dict) -> None:
    for form in (parent.FORM, child_registration.FORM, child_sign_in.FORM):
        assert set(domain["forms"][form.name]["required_slots"]) == set(form.slots)
        assert set(form.slots) <= set(domain["slots"])
        assert set(form.handlers) == set(form.slots)


def test_invalid_reasons_of_the_mini_fields_have_responses(domain: dict) -> None:
    names = {
        f"utter_invalid_mini_cedula_{r}" for r in ("empty", "not_digits", "length", "check_digit")
    }
    names |= {f"utter_invalid_mini_username_{r}" for r in ("too_short", "too_long", "bad_chars")}
    assert sorted(name for name in names if name not in domain["responses"]) == []
