"""Issue 15: a parent journey whose purpose is done never asks its old step again.

Carlos generates Andrea's code and sends her the link; Andrea creates her user in her own chat;
when Carlos, still at Andrea in "Cuenta para mis hijos", approves her first request, the prompt
must offer her account, not ask again where she creates her user.
"""

from __future__ import annotations

from mini_journey_helpers import CHILD_CHAT, PARENT_CHAT, expect, registration_to_finish

from bank.bootstrap import Bank
from bank.demo import CARLOS_PASSWORD, CARLOS_USERNAME

CHAT = PARENT_CHAT


def carlos_gives_andrea_a_code(bank: Bank) -> None:
    parent = bank.parent_mini
    expect(parent.start(sender_id=CHAT), "started", "username")
    expect(parent.submit_username(sender_id=CHAT, text=CARLOS_USERNAME), "ok", "password")
    expect(parent.submit_password(sender_id=CHAT, password=CARLOS_PASSWORD), "signed_in", "child")
    expect(parent.submit_child(sender_id=CHAT, text="andrea"), "ok", "child_action")
    expect(parent.generate_code(sender_id=CHAT), "issued", "child_action")


def andrea_creates_her_user(bank: Bank) -> None:
    registration_to_finish(bank, CHILD_CHAT, username="andreanavega")
    expect(bank.mini_registration.complete(sender_id=CHILD_CHAT), "completed")


def test_the_summary_reads_whether_the_child_has_a_user_now(bank: Bank) -> None:
    carlos_gives_andrea_a_code(bank)
    before = expect(bank.parent_mini.summary(sender_id=CHAT), "ok", "child_action")
    assert before.data["code_issued"] is True and before.data["has_user"] is False
    andrea_creates_her_user(bank)
    after = expect(bank.parent_mini.summary(sender_id=CHAT), "ok", "child_action")
    assert after.data["has_user"] is True


def test_register_here_after_the_child_has_a_user_opens_nothing(bank: Bank) -> None:
    carlos_gives_andrea_a_code(bank)
    andrea_creates_her_user(bank)
    here = expect(
        bank.parent_mini.register_here(sender_id=CHAT), "already_has_user", "child_action"
    )
    assert here.data == {"child_first_name": "Andrea"}
    assert bank.mini_registration.current_step(sender_id=CHAT) is None
    assert bank.parent_sign_in.current_parent(sender_id=CHAT).code == "active"
