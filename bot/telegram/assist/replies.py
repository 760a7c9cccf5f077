"""The agent's reply to each outcome code of docs/assist.md, in Spanish (channel/texts.yml).

Pure functions: the Telegram layer sends the text and does what an outcome implies (telling the
customer an agent joined, handing the chat back to the assistant).
"""

from __future__ import annotations

from typing import Final

from bank.assist.outcome import AssistCode
from bank.assist.phone import LINK_JOURNEYS
from bank.outcome import Outcome
from bot.channel_text_names import ASSIST_PREFIX
from bot.channel_texts import ChannelTexts
from bot.telegram.assist import views
from bot.telegram.assist.command_parsing import AGENT_COMMANDS
from bot.telegram.assist.views import label, text

# Codes any desk call may answer, whatever the command.
_COMMON: Final = frozenset({"not_agent", "no_ticket", "not_yours", "unknown"})


def usage(texts: ChannelTexts, command: str) -> str:
    """How a command is used (its line of the help)."""
    return text(texts, "usage", usage=text(texts, f"cmd_{command}"))


def help_text(texts: ChannelTexts) -> str:
    """/asesor: every agent command, one per line, and how replies and secrets work."""
    lines = "\n".join(text(texts, f"cmd_{name}") for name in AGENT_COMMANDS)
    return text(texts, "help", commands=lines)


def menu_description(texts: ChannelTexts, command: str) -> str:
    """A command's short description for Telegram's "/" menu (its help line after the dash)."""
    line = text(texts, f"cmd_{command}")
    _, dash, description = line.partition(" — ")
    return (description if dash else line)[:256]


def common(texts: ChannelTexts, outcome: Outcome) -> str:
    """Codes shared by the desk calls, else "it did not work (code)"."""
    data = outcome.data
    if outcome.code == AssistCode.NOT_AGENT:
        return text(texts, "not_agent")
    if outcome.code == AssistCode.NO_TICKET:
        return text(texts, "no_ticket")
    if outcome.code == AssistCode.NOT_YOURS:
        return text(
            texts,
            "not_yours",
            ticket=data.get("ticket"),
            state=label(texts, "state_name", data.get("state")),
        )
    if outcome.code == AssistCode.UNKNOWN:
        return text(texts, "unknown_ticket", ticket=data.get("ticket", ""))
    return text(texts, "unexpected", code=outcome.code)


def take(texts: ChannelTexts, outcome: Outcome) -> str:
    """/tomar: taken, already taken (by someone else or by this agent), unknown."""
    data = outcome.data
    if outcome.code == AssistCode.TAKEN:
        return text(texts, "taken", ticket=data.get("ticket"))
    if outcome.code == AssistCode.ALREADY_TAKEN:
        name = "already_yours" if data.get("yours") else "already_taken"
        return text(texts, name, ticket=data.get("ticket"), agent_name=data.get("agent_name", ""))
    return common(texts, outcome)


def switch(texts: ChannelTexts, outcome: Outcome) -> str:
    """/cambiar: switched, not yours, unknown."""
    if outcome.code == AssistCode.SWITCHED:
        return text(texts, "switched", ticket=outcome.data.get("ticket"))
    return common(texts, outcome)


def note(texts: ChannelTexts, outcome: Outcome) -> str:
    """/nota: noted (the customer never sees it), empty, no ticket."""
    if outcome.code == AssistCode.NOTED:
        return text(
            texts, "noted", ticket=outcome.data.get("ticket"), notes=outcome.data.get("notes")
        )
    if outcome.code == AssistCode.EMPTY:
        return usage(texts, "nota")
    return common(texts, outcome)


def hand_back(texts: ChannelTexts, outcome: Outcome, requested: str | None) -> str:
    """/devolver: handed back (where the journey is now), cannot go back there, no journey."""
    data = outcome.data
    if outcome.code == AssistCode.HANDED_BACK:
        return text(
            texts, "handed_back", ticket=data.get("ticket"), where=views.where_now(texts, data)
        )
    if outcome.code == AssistCode.CANNOT_GO_BACK:
        steps = list(data.get("can_return_to", []))
        journey = label(texts, "journey_name", data.get("journey"))
        if not steps:
            return text(texts, "cannot_go_back_none", journey=journey, step=data.get("step", ""))
        return text(
            texts,
            "cannot_go_back",
            journey=journey,
            requested=requested or "",
            step=data.get("step", ""),
            steps=", ".join(steps),
        )
    if outcome.code == AssistCode.NO_JOURNEY:
        return text(texts, "no_journey", ticket=data.get("ticket"))
    return common(texts, outcome)


def close(texts: ChannelTexts, outcome: Outcome) -> str:
    """/cerrar: closed (where the journey is now), no ticket."""
    if outcome.code == AssistCode.CLOSED:
        return text(
            texts,
            "closed",
            ticket=outcome.data.get("ticket"),
            where=views.where_now(texts, outcome.data),
        )
    return common(texts, outcome)


def next_ticket(texts: ChannelTexts, outcome: Outcome) -> str | None:
    """After letting a ticket go: which held ticket is current now, if any."""
    number = outcome.data.get("next_ticket")
    return text(texts, "next_ticket", ticket=number) if number else None


# Assisted by phone --------------------------------------------------------------------------


def _phone(texts: ChannelTexts, family: str, outcome: Outcome, **extra: object) -> str:
    """`utter_channel_assist_<family>_<code>` filled with the outcome's data; unknown codes get
    the generic "did not work (code)"."""
    data = outcome.data
    if outcome.code == AssistCode.NOT_AGENT:
        return text(texts, "not_agent")
    if outcome.code == AssistCode.INVALID_IDENTITY:
        return text(texts, "invalid_identity")
    name = f"{ASSIST_PREFIX}{family}_{outcome.code}"
    if name not in texts.texts:
        return text(texts, "phone_failed", code=outcome.code)
    values: dict[str, object] = {
        **data,
        "identity": views.identity(texts, data.get("identity_masked")),
        "mobile": data.get("mobile_masked", ""),
        **extra,
    }
    return texts.get(name, **values)


def lookup_header(texts: ChannelTexts, outcome: Outcome) -> str:
    """/buscar: is this a customer of the bank? (the state view follows on found/unknown)."""
    return _phone(texts, "lookup", outcome)


def resend(texts: ChannelTexts, outcome: Outcome) -> str:
    """/reenviar: sent, too soon, too many codes, attempts exhausted, no journey, locks..."""
    return _phone(texts, "resend", outcome)


def unlock(texts: ChannelTexts, outcome: Outcome) -> str:
    """/desbloquear: unlocked, not locked, reason required."""
    return _phone(texts, "unlock", outcome, usage=text(texts, "cmd_desbloquear"))


def link(texts: ChannelTexts, outcome: Outcome) -> str:
    """/enlace: sent (by SMS), invalid journey, unknown, no mobile."""
    journey = LINK_JOURNEYS.get(str(outcome.data.get("journey", "")), "")
    allowed = ", ".join(outcome.data.get("allowed", sorted(LINK_JOURNEYS)))
    return _phone(
        texts,
        "link",
        outcome,
        journey_name=label(texts, "journey_name", journey) if journey else "",
        allowed=allowed,
    )
