"""Bot API methods about the bot itself: getMe, its command menus, getFile, close and logOut."""

from __future__ import annotations

from bot.playground.errors import JSON, bad_request
from bot.playground.params import Params
from bot.playground.personas import get_me_json
from bot.playground.state import PlaygroundState


async def get_me(state: PlaygroundState, params: Params) -> JSON:
    """getMe."""
    return get_me_json()


def command_list(params: Params) -> list[JSON]:
    """The `commands` of setMyCommands, checked like Telegram checks them."""
    commands = params.json_value("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    clean: list[JSON] = []
    for item in commands:
        name = item.get("command") if isinstance(item, dict) else None
        description = item.get("description") if isinstance(item, dict) else None
        if (
            not isinstance(name, str)
            or not 1 <= len(name) <= 32
            or not all(char.islower() or char.isdigit() or char == "_" for char in name)
            or not name.isascii()
        ):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        clean.append({"command": name, "description": description})
    return clean


def command_scope(params: Params) -> JSON | None:
    """The `scope` of the *MyCommands methods."""
    scope = params.json_value("scope")
    if scope is not None and not (isinstance(scope, dict) and isinstance(scope.get("type"), str)):
        raise bad_request("can't parse BotCommandScope JSON object")
    return scope


async def set_my_commands(state: PlaygroundState, params: Params) -> bool:
    """setMyCommands."""
    state.set_commands(
        command_list(params), command_scope(params), params.text("language_code") or ""
    )
    return True


async def get_my_commands(state: PlaygroundState, params: Params) -> list[JSON]:
    """getMyCommands."""
    return state.commands.get(command_scope(params), params.text("language_code") or "")


async def delete_my_commands(state: PlaygroundState, params: Params) -> bool:
    """deleteMyCommands."""
    state.set_commands([], command_scope(params), params.text("language_code") or "")
    return True


async def get_file(state: PlaygroundState, params: Params) -> JSON:
    """getFile."""
    stored = state.files.by_id(params.text("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    return stored.file_json()


async def always_true(state: PlaygroundState, params: Params) -> bool:
    """close and logOut: nothing to do locally."""
    return True
