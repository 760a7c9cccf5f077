"""Each chat's transcript for agents: what the customer typed or tapped, what the bot answered.

The Conversation records every turn here (one worker-thread call per turn); the bank redacts each
line before it stores it. A secret the channel collected is never passed on: only the fact that
one was typed (`secret=True`, stored as the bank's fixed marker). A failure to record is logged
(its type only, never the text) and the turn goes on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Protocol

from bot.rasa_messages import BotMessage, SensitiveMarker, TextMessage

logger = logging.getLogger(__name__)

CUSTOMER: Final = "cliente"
ASSISTANT: Final = "asistente"


@dataclass(frozen=True, slots=True)
class TranscriptLine:
    """One line to keep: who said it and the text; a secret line carries no text at all."""

    role: str
    text: str = ""
    secret: bool = False


def customer_line(text: str) -> TranscriptLine:
    """What the customer typed or tapped (a button's title)."""
    return TranscriptLine(CUSTOMER, text)


def secret_line() -> TranscriptLine:
    """The customer typed or picked a secret: kept only as the bank's fixed marker."""
    return TranscriptLine(CUSTOMER, secret=True)


def assistant_lines(messages: Sequence[BotMessage]) -> list[TranscriptLine]:
    """The bot's text messages of a turn; a text marked sensitive (personal data sent with
    protect_content) is kept only as the marker."""
    lines: list[TranscriptLine] = []
    for message in messages:
        if isinstance(message, TextMessage) and message.text.strip():
            lines.append(TranscriptLine(ASSISTANT, message.text))
        elif isinstance(message, SensitiveMarker) and lines:
            # Like the renderer: the marker protects the text message before it.
            lines[-1] = TranscriptLine(ASSISTANT, secret=True)
    return lines


def assistant_line(text: str) -> TranscriptLine:
    """A text the channel itself sent (an agent joined, the assistant is back)."""
    return TranscriptLine(ASSISTANT, text)


class TranscriptSink(Protocol):
    """Where lines go: `bank.assist.Transcripts` (synchronous, one unit of work per line)."""

    def append(self, *, sender_id: str, role: str, text: str, secret: bool = False) -> None:
        """Store one line (the bank redacts it first)."""
        ...


class TranscriptRecorder:
    """Appends a turn's lines off the event loop; never raises."""

    def __init__(self, sink: TranscriptSink | None) -> None:
        self._sink = sink

    async def record(self, sender_id: str, lines: Sequence[TranscriptLine]) -> None:
        """Keep the lines in order; a failure is logged by type only and otherwise ignored."""
        if self._sink is None or not lines:
            return
        try:
            await asyncio.to_thread(self._append_all, sender_id, tuple(lines))
        except Exception as exc:
            logger.warning("transcript lines not kept (%s)", type(exc).__name__)

    def _append_all(self, sender_id: str, lines: tuple[TranscriptLine, ...]) -> None:
        assert self._sink is not None
        for line in lines:
            self._sink.append(
                sender_id=sender_id,
                role=line.role,
                text="" if line.secret else line.text,
                secret=line.secret,
            )
