"""The bot's command menus (setMyCommands) per scope and language, and the one a user sees."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from bot.playground.errors import JSON


def _scope_key(scope: JSON | None) -> str:
    return json.dumps(scope or {"type": "default"}, sort_keys=True)


@dataclass
class CommandMenus:
    """The command lists the bot set, by (scope, language code)."""

    _menus: dict[tuple[str, str], list[JSON]] = field(default_factory=dict)

    def set(self, commands: list[JSON], scope: JSON | None, language_code: str) -> None:
        """setMyCommands for one scope and language (an empty list deletes the menu)."""
        key = (_scope_key(scope), language_code)
        if commands:
            self._menus[key] = commands
        else:
            self._menus.pop(key, None)

    def get(self, scope: JSON | None, language_code: str) -> list[JSON]:
        """getMyCommands for exactly this scope and language."""
        return list(self._menus.get((_scope_key(scope), language_code), []))

    def visible(self, user_id: int) -> list[JSON]:
        """The menu a Spanish-speaking user sees in their private chat (Telegram's order)."""
        scopes = (
            {"type": "chat", "chat_id": user_id},
            {"type": "all_private_chats"},
            {"type": "default"},
        )
        for scope in scopes:
            for language in ("es", ""):
                commands = self._menus.get((_scope_key(scope), language))
                if commands:
                    return list(commands)
        return []
