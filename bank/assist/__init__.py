"""Assisted mode (issue 6): agents, the ticket queue, redacted transcripts, the agents' desk and
help by phone. The contract is docs/assist.md."""

from bank.assist.agents import Agents, AgentView
from bank.assist.audit_log import AuditLog, AuditRow
from bank.assist.desk import AssistDesk
from bank.assist.outcome import AssistCode
from bank.assist.phone import PhoneAssist
from bank.assist.tickets import Holder, Tickets
from bank.assist.transcript import Line, Transcripts
from bank.chat_redaction import looks_like_secret, redact_chat_text, redact_line
from bank.identity import CustomerRefs

__all__ = [
    "AgentView",
    "Agents",
    "AssistCode",
    "AssistDesk",
    "AuditLog",
    "AuditRow",
    "CustomerRefs",
    "Holder",
    "Line",
    "PhoneAssist",
    "Tickets",
    "Transcripts",
    "looks_like_secret",
    "redact_chat_text",
    "redact_line",
]
