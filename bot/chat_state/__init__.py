"""The chat state: what the channel must remember about chats, in the bank's database.

The bank knows nothing of chats; this package keeps the channel's own state next to the bank's
data (same database, its own tables: `bot.chat_state.tables`), so it survives restarts and is
shared by every bot instance. One store per job:

- `PendingInputs`: how the chat's next typed message is read (a secret kind, or "number");
- `Keyboards`: inline keyboards, their opaque callback ids, taps and multi-pick picks;
- `HandledUpdates`: update ids already handled (a repeated delivery is ignored);
- `MediaCache`: the platform's file ids of pictures uploaded before;
- `ShownNotices`: one-time notices already shown;
- `ScheduledDeletions`: messages to delete later.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from bank.bootstrap import Bank
from bank.crypto import SecretCipher
from bot.chat_state.deletions import ScheduledDeletions
from bot.chat_state.keyboards import Keyboards
from bot.chat_state.media import MediaCache
from bot.chat_state.notices import ShownNotices
from bot.chat_state.pending_inputs import PendingInputs
from bot.chat_state.updates import HandledUpdates

# The purpose the keyboards' picks are encrypted under (a subkey of the bank's master key).
SUBKEY_CHAT_STATE: Final = "channel-state"


@dataclass(frozen=True)
class ChatState:
    """Every store of the chat state, over one database."""

    pending_inputs: PendingInputs
    keyboards: Keyboards
    updates: HandledUpdates
    media: MediaCache
    notices: ShownNotices
    deletions: ScheduledDeletions

    def purge(self) -> None:
        """Drop what is too old to matter: keyboards, update ids, finished deletions."""
        self.keyboards.purge()
        self.updates.purge()
        self.deletions.purge()


def chat_state_of(bank: Bank) -> ChatState:
    """The chat state kept in `bank`'s database, with its clock and a key of its own."""
    sessions, clock = bank.sessions, bank.clock
    return ChatState(
        pending_inputs=PendingInputs(session_factory=sessions, clock=clock),
        keyboards=Keyboards(
            session_factory=sessions,
            clock=clock,
            cipher=SecretCipher(bank.settings.key_ring(SUBKEY_CHAT_STATE)),
        ),
        updates=HandledUpdates(session_factory=sessions, clock=clock),
        media=MediaCache(session_factory=sessions, clock=clock),
        notices=ShownNotices(session_factory=sessions, clock=clock),
        deletions=ScheduledDeletions(session_factory=sessions, clock=clock),
    )
