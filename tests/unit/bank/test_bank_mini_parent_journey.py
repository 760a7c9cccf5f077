"""The parent's journey (`bank.parent_mini`, "Cuenta para mis hijos"), per docs/mini.md."""

from __future__ import annotations

import logging
from datetime import UTC, date

import pyotp
import pytest
from mini_journey_helpers import (
    CHILD_CHAT,
    PARENT_CHAT,
    account_ref,
    expect,
    journey_data,
    sign_in_carlos,
)
from sqlalchemy import select

from bank.bootstrap import Bank
from bank.clock import FixedClock
from bank.crypto import SecretCipher
from bank.db import unit_of_work
from bank.demo import ANDREA, CARLOS_PASSWORD, CARLOS_USERNAME, MARIA, MATEO, SOFIA
from bank.mini.parent_children import ChildChoice
from bank.models import (
    MINI_APPROVED,
    SECOND_FACTOR_TOKEN,
    AuditEntry,
    Customer,
    MiniAccount,
    OnlineUser,
)
from bank.totp import new_token_secret

KIND = "mini_parent"
CHAT = PARENT_CHAT


def signed_in_at_child(bank: Bank, chat: str = CHAT) -> None:
    """Carlos through the journey's own sign-in, at the choice of a child."""
    parent = bank.parent_mini
    expect(parent.start(sender_id=chat), "started", "username")
    expect(parent.submit_username(sender_id=chat, text=CARLOS_USERNAME), "ok", "password")
    signed = parent.submit_password(sender_id=chat, password=CARLOS_PASSWORD)
    expect(signed, "signed_in", "child")
    assert signed.data == {"first_name": "Carlos"}


def at_child_action(bank: Bank, name: str = "andrea", chat: str = CHAT) -> None:
    signed_in_at_child(bank, chat)
    expect(bank.parent_mini.submit_child(sender_id=chat, text=name), "ok", "child_action")


def test_carlos_signs_in_picks_andrea_and_gets_a_code(
    bank: Bank, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    parent = bank.parent_mini
    signed_in_at_child(bank)
    assert parent.children(sender_id=CHAT) == [
        ChildChoice(account_ref(bank, ANDREA.cedula), "Andrea Estefanía", True, False),
        ChildChoice(account_ref(bank, MATEO.cedula), "Mateo", True, False),
        ChildChoice(account_ref(bank, SOFIA.cedula), "Sofía", False, False),
    ]
    chosen = expect(parent.submit_child(sender_id=CHAT, text="andrea"), "ok", "child_action")
    assert chosen.data == {"child_first_name": "Andrea", "has_user": False}
    issued = expect(parent.generate_code(sender_id=CHAT), "issued", "child_action")
    code = issued.secret
    assert code is not None and len(code) == 6 and code.isdigit()
    assert issued.data == {"child_first_name": "Andrea", "minutes": 10}
    assert code not in repr(issued) and code not in str(issued)
    assert code not in repr(journey_data(bank, KIND, CHAT))
    with unit_of_work(bank.sessions) as session:
        audit = [(e.action, e.subject, e.details) for e in session.scalars(select(AuditEntry))]
    assert any(action == "mini_activation_code_generated" for action, _, _ in audit)
    assert code not in repr(audit) and code not in caplog.text
    assert CARLOS_PASSWORD not in caplog.text + repr(audit)
    assert bank.activation_codes.check(child_cedula=ANDREA.cedula, code=code).code == "ok"


def test_the_journey_sign_in_failures_and_lock(bank: Bank) -> None:
    parent = bank.parent_mini
    parent.start(sender_id=CHAT)
    bad = expect(parent.submit_username(sender_id=CHAT, text="ab"), "invalid", "username")
    assert bad.data == {"reason": "too_short"}
    results = []
    for _ in range(5):
        parent.submit_username(sender_id=CHAT, text=CARLOS_USERNAME)
        results.append(parent.submit_password(sender_id=CHAT, password="Equivocada1"))
    assert [r.code for r in results] == ["wrong"] * 4 + ["locked"]
    assert results[0].data == {"attempts_left": 4} and results[0].step == "username"
    assert results[-1].data == {"minutes": 30} and results[-1].step == "ended"
    assert parent.current_step(sender_id=CHAT) == "ended"


def _give_carlos_a_token(bank: Bank) -> str:
    secret = new_token_secret()
    cipher = SecretCipher(bank.settings.subkey("totp-secret"))
    with unit_of_work(bank.sessions) as session:
        user = session.scalar(select(OnlineUser).where(OnlineUser.username == CARLOS_USERNAME))
        assert user is not None
        user.second_factor = SECOND_FACTOR_TOKEN
        user.totp_secret_encrypted = cipher.encrypt(secret)
    return secret


def test_a_token_user_types_the_token_code(bank: Bank, clock: FixedClock) -> None:
    secret = _give_carlos_a_token(bank)
    parent = bank.parent_mini
    parent.start(sender_id=CHAT, child_ref=account_ref(bank, MATEO.cedula))
    parent.submit_username(sender_id=CHAT, text=CARLOS_USERNAME)
    expect(parent.submit_password(sender_id=CHAT, password=CARLOS_PASSWORD), "token_required")
    assert parent.current_step(sender_id=CHAT) == "token"
    code = pyotp.TOTP(secret).at(clock.now().replace(tzinfo=UTC))
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    miss = expect(parent.submit_token(sender_id=CHAT, code=wrong), "wrong", "token")
    assert miss.data == {"attempts_left": 4}
    done = expect(parent.submit_token(sender_id=CHAT, code=code), "signed_in", "child_action")
    assert done.data == {"first_name": "Carlos", "child_first_name": "Mateo"}


def test_a_token_step_without_a_pending_sign_in_goes_back_to_the_username(bank: Bank) -> None:
    _give_carlos_a_token(bank)
    parent = bank.parent_mini
    parent.start(sender_id=CHAT)
    parent.submit_username(sender_id=CHAT, text=CARLOS_USERNAME)
    parent.submit_password(sender_id=CHAT, password=CARLOS_PASSWORD)
    bank.parent_sign_in.sign_out(sender_id=CHAT)
    expect(parent.submit_token(sender_id=CHAT, code="123456"), "expired", "username")


def test_children_by_name_or_ref(bank: Bank) -> None:
    parent = bank.parent_mini
    assert parent.children(sender_id=CHAT) == [], "signed out"
    signed_in_at_child(bank)
    for text, first in (("Mateo", "Mateo"), ("ESTEFANÍA", "Andrea"), (" andrea ", "Andrea")):
        chosen = expect(parent.submit_child(sender_id=CHAT, text=text), "ok", "child_action")
        assert chosen.data["child_first_name"] == first
        expect(parent.pick_other_child(sender_id=CHAT), "ok", "child")
    for text in ("sofia", "Sofía", account_ref(bank, SOFIA.cedula)):
        pending = expect(parent.submit_child(sender_id=CHAT, text=text), "pending", "child")
        assert pending.data == {"child_first_name": "Sofía"}
    for text in ("pedro", "", "mora", "99999", _someone_elses_child(bank)):
        expect(parent.submit_child(sender_id=CHAT, text=text), "unknown", "child")
    ref = account_ref(bank, MATEO.cedula)
    expect(parent.submit_child(sender_id=CHAT, text=ref), "ok", "child_action")


def _someone_elses_child(bank: Bank) -> str:
    with unit_of_work(bank.sessions) as session:
        maria = session.scalar(select(Customer.id).where(Customer.id_number == MARIA.id_number))
        assert maria is not None
        account = MiniAccount(
            parent_id=maria,
            child_full_name="Pedro Andrade Salazar",
            child_cedula="1750000004",
            child_birth_date=date(2016, 1, 1),
            state=MINI_APPROVED,
            created_at=bank.clock.now(),
        )
        session.add(account)
        session.flush()
        return str(account.id)


def test_a_signed_out_parent_goes_back_to_the_username_and_the_child_is_kept(
    bank: Bank,
) -> None:
    parent = bank.parent_mini
    at_child_action(bank)
    bank.parent_sign_in.sign_out(sender_id=CHAT)
    expect(parent.generate_code(sender_id=CHAT), "signed_out", "username")
    parent.submit_username(sender_id=CHAT, text=CARLOS_USERNAME)
    back = parent.submit_password(sender_id=CHAT, password=CARLOS_PASSWORD)
    expect(back, "signed_in", "child_action")
    assert back.data["child_first_name"] == "Andrea"
    bank.parent_sign_in.sign_out(sender_id=CHAT)
    expect(parent.pick_other_child(sender_id=CHAT), "ok", "child")
    expect(parent.submit_child(sender_id=CHAT, text="mateo"), "signed_out", "username")


def test_the_chats_that_asked_are_told_the_code_is_ready(bank: Bank) -> None:
    reg = bank.mini_registration
    for chat in (CHILD_CHAT, "tg:tablet", "tg:mateo"):
        reg.start(sender_id=chat)
    reg.submit_cedula(sender_id=CHILD_CHAT, text=ANDREA.cedula)
    reg.submit_cedula(sender_id="tg:tablet", text=ANDREA.cedula)  # did not ask
    reg.submit_cedula(sender_id="tg:mateo", text=MATEO.cedula)
    sign_in_carlos(bank, "tg:carlos-phone")
    expect(reg.request_code(sender_id=CHILD_CHAT), "asked")
    expect(reg.request_code(sender_id="tg:mateo"), "asked")
    requested = bank.notifications.claim()
    assert [(n.sender_id, n.kind) for n in requested] == [
        ("tg:carlos-phone", "mini_code_requested")
    ] * 2
    at_child_action(bank, account_ref(bank, ANDREA.cedula))
    expect(bank.parent_mini.generate_code(sender_id=CHAT), "issued")
    (ready,) = bank.notifications.claim()
    assert (ready.sender_id, ready.kind, dict(ready.data)) == (
        CHILD_CHAT,
        "mini_code_ready",
        {"child": "Andrea"},
    )
    assert "code_requested_at" not in journey_data(bank, "mini_registration", CHILD_CHAT)
    assert "code_requested_at" in journey_data(bank, "mini_registration", "tg:mateo")
    expect(bank.parent_mini.generate_code(sender_id=CHAT), "issued")
    assert bank.notifications.claim() == [], "told once"


def test_five_codes_an_hour(bank: Bank) -> None:
    at_child_action(bank)
    for _ in range(5):
        expect(bank.parent_mini.generate_code(sender_id=CHAT), "issued")
    refused = expect(bank.parent_mini.generate_code(sender_id=CHAT), "too_many_codes")
    assert refused.data == {"minutes": 60} and refused.secret is None


def test_register_here_hands_the_chat_to_the_child(bank: Bank) -> None:
    parent = bank.parent_mini
    at_child_action(bank)
    expect(parent.register_here(sender_id=CHAT), "no_code", "child_action")
    before = expect(parent.summary(sender_id=CHAT), "ok", "child_action")
    andrea = next(c for c in parent.children(sender_id=CHAT) if c.name.startswith("Andrea"))
    assert before.data == {
        "first_name": "Carlos",
        "child_first_name": "Andrea",
        "child_ref": andrea.ref,
        "has_user": False,
        "code_issued": False,
        "child_locked": False,
    }
    code = parent.generate_code(sender_id=CHAT).secret
    assert code is not None
    assert parent.summary(sender_id=CHAT).data["code_issued"] is True
    here = expect(parent.register_here(sender_id=CHAT), "ok", "completed")
    assert here.data == {"child_first_name": "Andrea"}
    assert parent.current_step(sender_id=CHAT) == "completed"
    expect(parent.summary(sender_id=CHAT), "none", "completed")
    assert bank.parent_sign_in.current_parent(sender_id=CHAT).code == "none"
    reg = bank.mini_registration
    assert reg.current_step(sender_id=CHAT) == "activation_code"
    assert journey_data(bank, "mini_registration", CHAT)["cedula"] == ANDREA.cedula
    expect(reg.submit_activation_code(sender_id=CHAT, code=code), "ok", "avatar")


def test_start_with_a_child_ref(bank: Bank) -> None:
    parent = bank.parent_mini
    andrea, sofia = account_ref(bank, ANDREA.cedula), account_ref(bank, SOFIA.cedula)
    expect(parent.start(sender_id=CHAT, child_ref=andrea), "started", "username")
    assert journey_data(bank, KIND, CHAT) == {"pending_child_ref": andrea}
    parent.submit_username(sender_id=CHAT, text=CARLOS_USERNAME)
    signed = parent.submit_password(sender_id=CHAT, password=CARLOS_PASSWORD)
    expect(signed, "signed_in", "child_action")
    resumed = expect(parent.start(sender_id=CHAT), "resumed", "child_action")
    assert resumed.data == {"first_name": "Carlos", "child_first_name": "Andrea"}
    parent.finish(sender_id=CHAT)
    expect(parent.start(sender_id=CHAT, child_ref=sofia), "started", "child")
    parent.finish(sender_id=CHAT)
    started = expect(parent.start(sender_id=CHAT, child_ref=andrea), "started", "child_action")
    assert started.data == {"first_name": "Carlos", "child_first_name": "Andrea"}
    expect(parent.start(sender_id="tg:x", child_ref="DROP TABLE"), "started", "username")
    assert journey_data(bank, KIND, "tg:x") == {}


def test_finish_keeps_the_parent_signed_in(bank: Bank) -> None:
    parent = bank.parent_mini
    at_child_action(bank)
    expect(parent.finish(sender_id=CHAT), "done", "completed")
    assert bank.parent_sign_in.current_parent(sender_id=CHAT).code == "active"
    expect(parent.finish(sender_id=CHAT), "wrong_step", "completed")
    expect(parent.start(sender_id=CHAT), "started", "child")


def test_idle_restart_depends_on_the_parent_session(bank: Bank, clock: FixedClock) -> None:
    parent = bank.parent_mini
    at_child_action(bank)
    clock.advance(minutes=9)
    assert bank.parent_sign_in.current_parent(sender_id=CHAT).code == "active"
    clock.advance(minutes=1)
    assert parent.current_step(sender_id=CHAT) == "child"
    restarted = expect(parent.touch(sender_id=CHAT), "restarted_inactive", "child")
    assert restarted.data == {}
    assert journey_data(bank, KIND, CHAT) == {"first_name": "Carlos"}
    clock.advance(minutes=10)
    expect(parent.touch(sender_id=CHAT), "restarted_inactive", "username")
    assert journey_data(bank, KIND, CHAT) == {}


def test_calls_for_another_step(bank: Bank) -> None:
    parent = bank.parent_mini
    expect(parent.submit_username(sender_id=CHAT, text=CARLOS_USERNAME), "wrong_step")
    parent.start(sender_id=CHAT)
    for outcome in (
        parent.submit_password(sender_id=CHAT, password=CARLOS_PASSWORD),
        parent.submit_token(sender_id=CHAT, code="123456"),
        parent.submit_child(sender_id=CHAT, text="andrea"),
        parent.generate_code(sender_id=CHAT),
        parent.register_here(sender_id=CHAT),
        parent.pick_other_child(sender_id=CHAT),
    ):
        expect(outcome, "wrong_step", "username")
    assert bank.parent_sign_in.current_parent(sender_id=CHAT).code == "none"
    expect(parent.cancel(sender_id=CHAT), "cancelled", "cancelled")
    expect(parent.touch(sender_id=CHAT), "none", "cancelled")
