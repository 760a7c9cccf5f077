"""What the playground counts: Bot API calls and errors per method, uploads, queued updates."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.playground.errors import JSON


@dataclass
class Stats:
    """Counts per Bot API method, errors per method, and uploads."""

    calls: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    uploads: int = 0
    uploaded_bytes: int = 0
    updates_queued: int = 0

    def record_call(self, method: str, *, ok: bool) -> None:
        """Count one Bot API call."""
        self.calls[method] = self.calls.get(method, 0) + 1
        if not ok:
            self.errors[method] = self.errors.get(method, 0) + 1

    def record_upload(self, size: int) -> None:
        """Count one file the bot uploaded."""
        self.uploads += 1
        self.uploaded_bytes += size

    def as_json(self) -> JSON:
        """The page API's stats."""
        return {
            "methods": dict(sorted(self.calls.items())),
            "errors": dict(sorted(self.errors.items())),
            "uploads": self.uploads,
            "uploaded_bytes": self.uploaded_bytes,
            "updates_queued": self.updates_queued,
        }
