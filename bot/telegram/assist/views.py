"""What an agent reads: the queue, a ticket, its transcript and the customer's state, as plain
Spanish text built from channel/texts.yml responses (`utter_channel_assist_*`). Pure functions of
the bank's outcome data (docs/assist.md); that data never holds a secret, so neither does this."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from bank import clock
from bot.channel_text_names import ASSIST_PREFIX
from bot.channel_texts import ChannelTexts

Data = Mapping[str, Any]


def text(texts: ChannelTexts, name: str, **values: object) -> str:
    """The response `utter_channel_assist_<name>` with its placeholders filled."""
    return texts.get(ASSIST_PREFIX + name, **values)


def label(texts: ChannelTexts, kind: str, key: object) -> str:
    """A Spanish label (`utter_channel_assist_<kind>_<key>`), else the key itself."""
    name = f"{ASSIST_PREFIX}{kind}_{key}"
    return texts.get(name) if name in texts.texts else str(key)


def identity(texts: ChannelTexts, masked: object) -> str:
    """The masked cédula or RUC, or "identity unknown"."""
    return str(masked) if masked else text(texts, "identity_unknown")


def journey_step(texts: ChannelTexts, journey: object, step: object) -> str:
    """ "Registro en línea · paso otp", or "no journey"."""
    if not journey:
        return text(texts, "no_journey_label")
    return text(
        texts, "journey_step", journey=label(texts, "journey_name", journey), step=step or "—"
    )


def duration(texts: ChannelTexts, seconds: object) -> str:
    """ "4 min 05 s"."""
    total = seconds if isinstance(seconds, int) and seconds > 0 else 0
    return text(texts, "duration", minutes=total // 60, seconds=f"{total % 60:02d}")


def yes_no(texts: ChannelTexts, value: object) -> str:
    """ "sí" or "no"."""
    return text(texts, "yes" if value else "no")


def ticket_numbers(numbers: Sequence[object]) -> str:
    """ "#12, #9"."""
    return ", ".join(f"#{number}" for number in numbers)


# The queue ----------------------------------------------------------------------------------


def queue_item(texts: ChannelTexts, ticket: Data, *, current: bool = False) -> str:
    """One ticket of the queue on one line."""
    line = text(
        texts,
        "queue_item",
        ticket=ticket.get("ticket"),
        reason=label(texts, "reason", ticket.get("reason")),
        journey=journey_step(texts, ticket.get("journey"), ticket.get("step")),
        identity=identity(texts, ticket.get("identity_masked")),
        minutes=ticket.get("waiting_minutes", 0),
    )
    return f"{line} {text(texts, 'current_marker')}" if current else line


def _items(texts: ChannelTexts, tickets: Sequence[Data], *, mark_current: bool = False) -> str:
    if not tickets:
        return text(texts, "none")
    return "\n".join(
        queue_item(texts, t, current=mark_current and bool(t.get("current"))) for t in tickets
    )


def queue(texts: ChannelTexts, data: Data) -> str:
    """`assist_desk.queue`: waiting (oldest first), follow-up, and the agent's own tickets."""
    waiting, follow_up, mine = (list(data.get(key, [])) for key in ("waiting", "follow_up", "mine"))
    return text(
        texts,
        "queue",
        waiting_count=len(waiting),
        waiting=_items(texts, waiting),
        follow_up_count=len(follow_up),
        follow_up=_items(texts, follow_up),
        mine_count=len(mine),
        mine=_items(texts, mine, mark_current=True),
    )


# A held ticket ------------------------------------------------------------------------------


def ticket(texts: ChannelTexts, data: Data) -> str:
    """Held data (take, current_ticket, switch): the ticket, the agent's tickets, the notes."""
    held = list(data.get("held", []))
    body = text(
        texts,
        "ticket",
        ticket=data.get("ticket"),
        state=label(texts, "state_name", data.get("state")),
        reason=label(texts, "reason", data.get("reason")),
        journey=journey_step(texts, data.get("journey"), data.get("step")),
        identity=identity(texts, data.get("identity_masked")),
        minutes=data.get("waiting_minutes", 0),
        held=ticket_numbers(held) if held else text(texts, "none"),
    )
    notes = list(data.get("notes", []))
    if notes:
        lines = "\n".join(
            text(
                texts,
                "note_line",
                agent_name=note.get("agent_name", ""),
                time=clock.ecuador_clock_time(note.get("at")),
                text=note.get("text", ""),
            )
            for note in notes
        )
        body += "\n\n" + text(texts, "notes", notes=lines)
    return body


def transcript(texts: ChannelTexts, data: Data) -> str:
    """`assist_desk.transcript`: the redacted lines, oldest first."""
    lines = list(data.get("lines", []))
    if not lines:
        shown = text(texts, "transcript_empty")
    else:
        shown = "\n".join(
            text(
                texts,
                "transcript_line",
                time=line.get("time", ""),
                who=line.get("author") or label(texts, "role", line.get("role")),
                text=line.get("text", ""),
            )
            for line in lines
        )
    return text(texts, "transcript", ticket=data.get("ticket"), lines=shown)


# The state view (state_for_agent, assist_phone.lookup) --------------------------------------


def _journey_line(texts: ChannelTexts, entry: Data) -> str:
    if not entry.get("active"):
        status = text(texts, "journey_ended")
    elif entry.get("expired"):
        status = text(texts, "journey_expired")
    else:
        status = text(texts, "journey_active", minutes=entry.get("idle_minutes", 0))
    where = "" if entry.get("same_chat", True) else text(texts, "journey_elsewhere")
    steps = list(entry.get("can_return_to", []))
    returns = text(texts, "journey_returns", steps=", ".join(steps)) if steps else ""
    return text(
        texts,
        "state_journey",
        journey=label(texts, "journey_name", entry.get("journey")),
        step=entry.get("step", ""),
        status=status,
        where=where,
        returns=returns,
    )


def _lock(texts: ChannelTexts, lock: Data, *, open_name: str) -> str:
    state = lock.get("state")
    if state == "held":
        return text(texts, "lock_held")
    if state == "locked":
        return text(
            texts,
            "lock_locked",
            minutes=lock.get("minutes", 0),
            until=clock.ecuador_clock_time(lock.get("until")),
        )
    return text(texts, open_name, attempts=lock.get("attempts_left", 0))


def _otp(texts: ChannelTexts, otp: Data) -> str:
    if otp.get("code_active"):
        code = text(
            texts,
            "otp_active",
            attempts=otp.get("attempts_left", 0),
            until=clock.ecuador_clock_time(otp.get("expires_at")),
            left=duration(texts, otp.get("expires_in_seconds", 0)),
        )
    else:
        code = text(texts, "otp_none")
    blocked_minutes = otp.get("blocked_minutes", 0)
    blocked = text(texts, "otp_blocked", minutes=blocked_minutes) if blocked_minutes else ""
    return text(texts, "otp", code=code, codes_left=otp.get("codes_left", 0), blocked=blocked)


def state(texts: ChannelTexts, view: Data) -> str:
    """The state view: identity, journeys and steps, locks, the SMS code's counters."""
    journeys = list(view.get("journeys", []))
    return text(
        texts,
        "state",
        identity=identity(texts, view.get("identity_masked")),
        verified=yes_no(texts, view.get("identity_verified")),
        known=yes_no(texts, view.get("known_customer")),
        has_user=yes_no(texts, view.get("has_user")),
        journeys="\n".join(_journey_line(texts, j) for j in journeys)
        if journeys
        else text(texts, "none"),
        lock=_lock(texts, view.get("lock", {}), open_name="lock_open"),
        sign_in_lock=_lock(texts, view.get("sign_in_lock", {}), open_name="sign_in_open"),
        otp=_otp(texts, view.get("otp", {})),
    )


# Letting go ---------------------------------------------------------------------------------


def where_now(texts: ChannelTexts, data: Data) -> str:
    """Where the customer's journey is after hand_back or close."""
    journey = data.get("journey")
    if not journey:
        return text(texts, "where_none")
    name = label(texts, "journey_name", journey)
    if not data.get("journey_active"):
        return text(texts, "where_ended", journey=name)
    if data.get("went_back"):
        return text(texts, "where_went_back", journey=name, step=data.get("step", ""))
    return text(texts, "where_step", journey=name, step=data.get("step", ""))


# Notices --------------------------------------------------------------------------------------

NEW_TICKET_NOTICE: Final = "assist_new_ticket"


def notice_values(texts: ChannelTexts, kind: str, data: Data) -> dict[str, Any]:
    """A notice's data plus the Spanish labels its text shows (a new ticket's reason, journey
    and masked identity); other notices' data as it is."""
    values = dict(data)
    if kind == NEW_TICKET_NOTICE:
        values.update(
            reason_text=label(texts, "reason", data.get("reason")),
            journey_text=journey_step(texts, data.get("journey"), data.get("step")),
            identity_text=identity(texts, data.get("identity_masked")),
        )
    return values
