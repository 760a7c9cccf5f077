"""An agent reads only their own private notes on a ticket (issue 16's rule, the same on the
desk and in the Telegram commands): the attack is an agent who takes over a ticket another agent
held and wrote notes on, and reads the ticket's held data (what `/tomar` and `/ticket` show)."""

from __future__ import annotations

from bank.bootstrap import Bank

CHAT = "tg:880001"
PAULA, LAURA = "1005", "2001"
PAULAS_NOTE = "Nota privada de Paula sobre la llamada"


def test_a_second_agent_does_not_read_the_first_agents_notes(bank: Bank) -> None:
    assert bank.agents.add(telegram_user_id=LAURA, display_name="Laura").code == "added"
    number = int(bank.tickets.open(sender_id=CHAT, reason="asked").data["ticket"])
    assert bank.assist_desk.take(agent=PAULA, ticket_number=number).code == "taken"
    assert bank.assist_desk.note(agent=PAULA, text=PAULAS_NOTE).code == "noted"
    mine = bank.assist_desk.current_ticket(agent=PAULA)
    assert [note["text"] for note in mine.data["notes"]] == [PAULAS_NOTE]

    # Paula stops being an agent: her ticket waits again, and Laura takes it over.
    assert bank.agents.remove(telegram_user_id=PAULA).data["requeued"] == [number]
    taken = bank.assist_desk.take(agent=LAURA, ticket_number=number)
    assert taken.code == "taken"
    assert taken.data["notes"] == []
    assert bank.assist_desk.current_ticket(agent=LAURA).data["notes"] == []
    assert bank.assist_desk.note(agent=LAURA, text="Nota de Laura").code == "noted"
    notes = bank.assist_desk.current_ticket(agent=LAURA).data["notes"]
    assert [note["text"] for note in notes] == ["Nota de Laura"]
