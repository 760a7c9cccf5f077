"""Check, in Rasa's venv, that a session the compacting tracker store starts keeps its carried
slots when Rasa loads the conversation again (run by `make validate`; exits 1 if not).

Rasa loads a conversation as the events stamped at or after its latest `session_started`: a
carried slot stamped earlier than that event is silently dropped at the next turn. This saves a
long conversation with a slot set, lets the store start a new session, and loads it back.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_extensions.compacting_tracker_store import CompactingSQLTrackerStore

DOMAIN = """
version: "3.1"
slots:
  otp_minutes:
    type: text
    mappings: [{type: custom}]
"""
COMPACT_AFTER = 10


async def reloaded_slot(folder: Path) -> tuple[object, int]:
    domain = Domain.from_yaml(DOMAIN)
    store = CompactingSQLTrackerStore(
        domain, dialect="sqlite", db=str(folder / "tracker.db"), compact_after_events=COMPACT_AFTER
    )
    opening = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        SlotSet("otp_minutes", "5"),
        ActionExecuted("action_listen"),
    ]
    tracker = DialogueStateTracker.from_events("check", opening, domain.slots)
    for _ in range(COMPACT_AFTER):
        turn = [UserUttered("hola"), ActionExecuted("utter_greet"), ActionExecuted("action_listen")]
        tracker.update_with_events(turn, domain)
    await store.save(tracker)
    loaded = await store.retrieve("check")
    assert loaded is not None
    sessions = sum(isinstance(event, SessionStarted) for event in loaded.events)
    return loaded.get_slot("otp_minutes"), sessions


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        value, sessions = asyncio.run(reloaded_slot(Path(folder)))
    if sessions != 1 or value != "5":
        print(f"compacting store: after a new session the slot reloads as {value!r} (want '5')")
        return 1
    print("compacting store: a new session's carried slots load with it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
