"""Finding 5 of the security review: a child approving their own request from a chat the parent
signed in to (a parent session and a child session living together in one chat)."""

from __future__ import annotations

from sqlalchemy import select

from bank.bootstrap import Bank
from bank.db import unit_of_work
from bank.demo import CARLOS_PASSWORD, CARLOS_USERNAME
from bank.models import AuditEntry
from tests.support.mini_family import ANDREA_PICTURES, ANDREA_USERNAME, create_andreas_user

SHARED_CHAT = "tg:family-phone"


def carlos_signs_in(bank: Bank, chat: str = SHARED_CHAT) -> None:
    signed = bank.parent_sign_in.sign_in(
        sender_id=chat, username=CARLOS_USERNAME, password=CARLOS_PASSWORD
    )
    assert signed.code == "signed_in"


def andrea_signs_in(bank: Bank, chat: str = SHARED_CHAT) -> None:
    journey = bank.mini_sign_in
    journey.start(sender_id=chat)
    assert journey.submit_username(sender_id=chat, text=ANDREA_USERNAME).code == "ok"
    signed = journey.submit_picture_password(sender_id=chat, picture_ids=list(ANDREA_PICTURES))
    assert signed.code == "signed_in"


def andrea_asks_money(bank: Bank, chat: str = SHARED_CHAT) -> str:
    asked = bank.mini_requests.ask_money(sender_id=chat, amount="20", reason="un juego nuevo")
    assert asked.code == "asked", asked
    return str(asked.data["request"]["ref"])


def audit_actions(bank: Bank) -> list[str]:
    with unit_of_work(bank.sessions) as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_child_signing_in_on_the_parents_chat_cannot_approve_their_own_request(
    bank: Bank,
) -> None:
    create_andreas_user(bank)
    carlos_signs_in(bank)
    andrea_signs_in(bank)  # the parent left the phone signed in; the child signs in too
    ref = andrea_asks_money(bank)
    decided = bank.mini_requests.decide(sender_id=SHARED_CHAT, request_ref=ref, approve=True)
    assert decided.code == "signed_out", "the child's sign-in ended the parent's session"
    assert bank.parent_sign_in.current_parent(sender_id=SHARED_CHAT).code == "none"
    assert "parent_session.ended_by_child_sign_in" in audit_actions(bank)


def test_parent_signing_in_on_the_childs_chat_ends_the_childs_session(bank: Bank) -> None:
    create_andreas_user(bank)
    andrea_signs_in(bank)
    carlos_signs_in(bank)
    assert bank.mini_sign_in.current_child(sender_id=SHARED_CHAT).code == "none"
    asked = bank.mini_requests.ask_money(sender_id=SHARED_CHAT, amount="20", reason="un juego")
    assert asked.code == "signed_out"
    assert "mini_session.ended_by_parent_sign_in" in audit_actions(bank)


def test_child_who_knows_the_parents_password_cannot_approve_from_the_chat_they_asked_from(
    bank: Bank,
) -> None:
    create_andreas_user(bank)
    andrea_signs_in(bank)
    ref = andrea_asks_money(bank)
    carlos_signs_in(bank)  # in the child's own chat (the child typed the parent's password)
    refused = bank.mini_requests.decide(sender_id=SHARED_CHAT, request_ref=ref, approve=True)
    assert refused.code == "from_child_chat"
    pending = bank.mini_requests.pending(sender_id=SHARED_CHAT)
    assert [r["ref"] for r in pending.data["requests"]] == [ref], "still waiting"
    # The parent's own chat decides it.
    carlos_signs_in(bank, chat="tg:carlos-phone")
    approved = bank.mini_requests.decide(sender_id="tg:carlos-phone", request_ref=ref, approve=True)
    assert approved.code == "approved"
