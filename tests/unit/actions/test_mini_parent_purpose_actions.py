"""Issue 15: after the child has created her user, the parent who approves her first request in
"Cuenta para mis hijos" is offered her account, never asked "¿Dónde va a crear … su usuario?"."""

from __future__ import annotations

from typing import Any

from actions.mini import parent, parent_money
from bank.bootstrap import Bank
from bank.demo import ANDREA
from tests.support import mini_family as family
from tests.unit.actions.test_mini_actions import (
    PARENT,
    PARENT_FORM,
    answer,
    parent_code,
    responses,
    run,
    tracker,
)

CHILD_CHAT = "test:andrea-phone"


def andrea_registers_and_asks(bank: Bank) -> str:
    """Andrea creates her user with the code in her own chat, signs in and asks for $5."""
    family.sign_in_andrea(bank, chat=CHILD_CHAT)
    asked = bank.mini_requests.ask_money(sender_id=CHILD_CHAT, amount="5", reason="para mi bici")
    assert asked.code == "asked"
    return str(asked.data["request"]["ref"])


async def test_approving_after_the_child_registered_does_not_ask_where_again(
    bank: Bank, domain: dict[str, Any]
) -> None:
    await parent_code(bank, domain)
    _, dispatcher = await answer(PARENT_FORM, PARENT, "parent_choice", "link", domain)
    _, dispatcher = await run(parent.AskParentChoice(), tracker(parent.FORM, PARENT), domain)
    assert responses(dispatcher) == ["utter_ask_parent_choice_where"]
    ref = andrea_registers_and_asks(bank)
    approve = tracker(
        parent.FORM,
        PARENT,
        intent="approve_request",
        entities=[{"entity": "request_ref", "value": ref}],
    )
    _, dispatcher = await run(parent_money.DecideRequest(), approve, domain)
    assert responses(dispatcher) == ["utter_parent_request_approved_money"]
    _, dispatcher = await run(parent.AskParentChoice(), tracker(parent.FORM, PARENT), domain)
    assert responses(dispatcher) == ["utter_ask_parent_choice_has_user"]
    _, dispatcher = await answer(PARENT_FORM, PARENT, "parent_choice", "here", domain)
    assert responses(dispatcher) == ["utter_parent_child_has_user"]
    assert bank.mini_registration.current_step(sender_id=PARENT) is None
    assert ANDREA.cedula not in str(dispatcher.messages)
