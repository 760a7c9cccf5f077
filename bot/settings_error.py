"""The error every bot settings class raises for an unusable value (it names the variable)."""

from __future__ import annotations


class BotSettingsError(ValueError):
    """The bot's configuration is unusable; the message says which variable and why."""
