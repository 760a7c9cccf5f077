"""A journey form asks the bank for the chat's step once per call, and again only after an answer
moved it (rasa-sdk asks for the required slots three times a call)."""

from __future__ import annotations

from typing import Any

import pytest

from bank.bootstrap import Bank
from tests.unit.actions.test_registration_actions import answer, requested, start


@pytest.fixture
def step_reads(bank: Bank, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every current_step call the registration service gets."""
    reads: list[str] = []
    service = type(bank.registration)
    original = service.current_step

    def counted(self: Any, *, sender_id: str) -> Any:
        reads.append(sender_id)
        return original(self, sender_id=sender_id)

    monkeypatch.setattr(service, "current_step", counted)
    return reads


async def test_a_turn_without_an_answer_reads_the_step_once(
    bank: Bank, domain: dict, step_reads: list[str]
) -> None:
    await start(domain)
    step_reads.clear()
    events, _ = await answer(domain, None, None)
    assert requested(events) == "id_number"
    assert len(step_reads) == 1


async def test_an_answer_reads_the_step_before_and_after_it_moves(
    bank: Bank, domain: dict, step_reads: list[str]
) -> None:
    await start(domain)
    step_reads.clear()
    events, _ = await answer(domain, "id_number", "1710034065")
    # The answer moved the journey to the PIN: the step asked next is read after the answer.
    assert requested(events) == "pin_ref"
    assert len(step_reads) == 2
