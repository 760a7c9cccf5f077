"""Pure helpers that turn the bank's outcome data (docs/assist.md) into what the templates show:
Spanish labels, times in Ecuador, the state view as rows, and one message per outcome code.
That data never holds a secret, so neither does anything here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bank import clock
from bank.outcome import Outcome
from desk.texts import DeskTexts

Data = Mapping[str, Any]


@dataclass(frozen=True)
class Row:
    """One line of a definition list: a label and its value."""

    label: str
    value: str


def identity(texts: DeskTexts, masked: object) -> str:
    """The masked cédula or RUC, or "unknown"."""
    return str(masked) if masked else texts.get("desk_identity_unknown")


def journey_step(texts: DeskTexts, journey: object, step: object) -> str:
    """ "Registro en línea · paso otp", or "no journey"."""
    if not journey:
        return texts.get("desk_no_journey")
    name = texts.label("journey", journey)
    return texts.get("desk_journey_step", journey=name, step=step or "—")


def queue_rows(texts: DeskTexts, tickets: Sequence[Data]) -> list[dict[str, Any]]:
    """Tickets of the queue as table rows (labels in Spanish, masked identity)."""
    return [
        {
            "ticket": t.get("ticket"),
            "minutes": t.get("waiting_minutes", 0),
            "reason": texts.label("reason", t.get("reason")),
            "journey": journey_step(texts, t.get("journey"), t.get("step")),
            "identity": identity(texts, t.get("identity_masked")),
            "agent_name": t.get("agent_name", ""),
            "agent_id": t.get("agent_id", ""),
            "state": texts.label("state", t.get("state")),
        }
        for t in tickets
    ]


def _yes_no(texts: DeskTexts, value: object) -> str:
    return texts.get("desk_yes" if value else "desk_no")


def _lock(texts: DeskTexts, lock: Data, *, open_text: str) -> str:
    state = lock.get("state")
    if state == "held":
        return texts.get("desk_lock_held")
    if state == "locked":
        until = clock.ecuador_clock_time(lock.get("until"))
        return texts.get("desk_lock_locked", minutes=lock.get("minutes", 0), until=until)
    return texts.get(open_text, attempts=lock.get("attempts_left", 0))


def _otp(texts: DeskTexts, otp: Data) -> str:
    if otp.get("code_active"):
        seconds = otp.get("expires_in_seconds", 0)
        seconds = seconds if isinstance(seconds, int) and seconds > 0 else 0
        code = texts.get(
            "desk_otp_active",
            attempts=otp.get("attempts_left", 0),
            until=clock.ecuador_clock_time(otp.get("expires_at")),
            minutes=seconds // 60,
            seconds=f"{seconds % 60:02d}",
        )
    else:
        code = texts.get("desk_otp_none")
    text = texts.get("desk_otp", code=code, codes_left=otp.get("codes_left", 0))
    blocked = otp.get("blocked_minutes", 0)
    return text + (texts.get("desk_otp_blocked", minutes=blocked) if blocked else "")


def state_rows(texts: DeskTexts, view: Data) -> list[Row]:
    """The state view (state_for_agent, lookup) as labelled rows, journeys excepted."""
    return [
        Row(texts.get("desk_state_identity"), identity(texts, view.get("identity_masked"))),
        Row(texts.get("desk_state_verified"), _yes_no(texts, view.get("identity_verified"))),
        Row(texts.get("desk_state_known"), _yes_no(texts, view.get("known_customer"))),
        Row(texts.get("desk_state_has_user"), _yes_no(texts, view.get("has_user"))),
        Row(
            texts.get("desk_state_lock"),
            _lock(texts, view.get("lock", {}), open_text="desk_lock_open"),
        ),
        Row(
            texts.get("desk_state_sign_in_lock"),
            _lock(texts, view.get("sign_in_lock", {}), open_text="desk_sign_in_open"),
        ),
        Row(texts.get("desk_state_otp"), _otp(texts, view.get("otp", {}))),
    ]


def journey_lines(texts: DeskTexts, view: Data) -> list[str]:
    """One line per journey of the state view."""
    lines = []
    for entry in view.get("journeys", []):
        if not entry.get("active"):
            status = texts.get("desk_journey_ended")
        elif entry.get("expired"):
            status = texts.get("desk_journey_expired")
        else:
            status = texts.get("desk_journey_active", minutes=entry.get("idle_minutes", 0))
        where = "" if entry.get("same_chat", True) else texts.get("desk_journey_elsewhere")
        lines.append(
            texts.get(
                "desk_journey_line",
                journey=texts.label("journey", entry.get("journey")),
                step=entry.get("step", ""),
                status=status,
                where=where,
            )
        )
    return lines


def return_steps(view: Data) -> list[str]:
    """The earlier steps a hand back may go to (the ticket chat's active journey)."""
    steps: list[str] = []
    for entry in view.get("journeys", []):
        if entry.get("same_chat") and entry.get("active"):
            steps.extend(str(step) for step in entry.get("can_return_to", []))
    return steps


def transcript_lines(texts: DeskTexts, lines: Sequence[Data]) -> list[dict[str, str]]:
    """The redacted transcript's lines: time, who (the agent's name, or the role), text."""
    return [
        {
            "time": str(line.get("time", "")),
            "who": str(line.get("author") or texts.label("role", line.get("role"))),
            "role": str(line.get("role", "")),
            "text": str(line.get("text", "")),
        }
        for line in lines
    ]


def outcome_message(texts: DeskTexts, action: str, outcome: Outcome, **extra: object) -> str:
    """The Spanish message for an action's outcome: `desk_<action>_<code>`, else the shared
    `desk_code_<code>`, else "it did not work (code)". Placeholders come from the outcome's data
    (labels for journey and state added) and `extra`."""
    data = dict(outcome.data)
    values: dict[str, object] = {**data, **extra}
    if "journey" in data:
        values["journey"] = texts.label("journey", data.get("journey")) if data["journey"] else ""
    if "state" in data:
        values["state"] = texts.label("state", data.get("state"))
    if "allowed" in data and isinstance(data["allowed"], list):
        values["allowed"] = ", ".join(str(a) for a in data["allowed"])
    if "can_return_to" in data and isinstance(data["can_return_to"], list):
        steps = data["can_return_to"]
        values["can_return_to"] = ", ".join(steps) if steps else texts.get("desk_none")
    code = str(outcome.code)
    for name in (f"desk_{action}_{code}", f"desk_code_{code}"):
        if name in texts.texts:
            return texts.get(name, **values)
    return texts.get("desk_unexpected", code=code)
