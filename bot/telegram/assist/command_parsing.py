"""The agents' commands (Spanish), as typed in an agent's private chat or carried by a button the
bot made for an agent (a notice's "Tomar", the queue's buttons). Pure parsing, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

# Every agent command, in the order the help lists them.
AGENT_COMMANDS: Final = (
    "cola",
    "tomar",
    "ticket",
    "cambiar",
    "nota",
    "devolver",
    "cerrar",
    "buscar",
    "reenviar",
    "desbloquear",
    "enlace",
    "asesor",
)
_NAMES: Final = frozenset(AGENT_COMMANDS)
# "/name", optionally "@BotUsername", then whitespace and the argument (which may span lines).
_COMMAND: Final = re.compile(r"/([A-Za-z_]+)(?:@\w+)?(?:\s+(.*))?\Z", re.DOTALL)


@dataclass(frozen=True, slots=True)
class AgentCommand:
    """A command name (lower case, without the slash) and the rest of the line, stripped."""

    name: str
    argument: str = ""

    @property
    def words(self) -> list[str]:
        """The argument split on whitespace."""
        return self.argument.split()


def parse_agent_command(text: str) -> AgentCommand | None:
    """`/tomar 12`, `/TOMAR@ProdubancoBot 12` -> AgentCommand("tomar", "12"); None for anything
    that is not one of the agent commands (plain text, /start, /cola2)."""
    match = _COMMAND.match(text.strip())
    if match is None:
        return None
    name = match.group(1).casefold()
    if name not in _NAMES:
        return None
    rest = match.group(2) or ""
    # A note keeps its line breaks; every other argument is single-spaced.
    return AgentCommand(name, rest.strip() if name == "nota" else " ".join(rest.split()))


def command_payload(name: str, argument: str = "") -> str:
    """The payload of a button that runs an agent command ("/tomar 12")."""
    if name not in _NAMES:
        raise ValueError(f"not an agent command: {name}")
    return f"/{name} {argument}".strip()
