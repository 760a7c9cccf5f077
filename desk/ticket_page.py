"""A ticket: its summary, the redacted transcript (live), the journey state without secrets, the
private notes the viewer may read, and the agent's actions: reply, note, hand back, close.

An agent sees a ticket they hold; a supervisor may read any ticket (and act on one they hold).
What the customer must see goes to their chat as the bank's desk notices (the bot delivers them,
as it does after the Telegram commands)."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from bank.assist import AssistCode
from bank.assist.desk_customer import DESK_BACK, DESK_REPLY
from bank.assist.desk_sessions import ActiveSession
from bank.models import TICKET_TAKEN
from bank.outcome import Outcome
from desk import views
from desk.queue_page import queue_page
from desk.services import DeskServices
from desk.web import audit, form_text, message_page, render


def _number(request: Request) -> int:
    number: int = request.path_params["number"]
    return number


def holds(active: ActiveSession, ticket: dict[str, Any]) -> bool:
    """Whether the signed-in agent holds this ticket."""
    agent_id = active.principal.agent_id
    return bool(agent_id) and ticket["state"] == TICKET_TAKEN and ticket["agent_id"] == agent_id


def ticket_context(services: DeskServices, active: ActiveSession, number: int) -> dict[str, Any]:
    """Everything the ticket page shows (blocking: call it in a worker thread). Empty when the
    ticket does not exist; `allowed` False when the viewer may not see it."""
    ticket = services.customer.ticket(number=number)
    if ticket is None:
        return {}
    principal, texts = active.principal, services.texts
    mine = holds(active, ticket)
    if not mine and not principal.is_supervisor:
        return {"ticket": ticket, "allowed": False}
    state: dict[str, Any] = {}
    if mine:
        agent = principal.agent_id or ""
        outcome = services.desk.state_for_agent(agent=agent, ticket_number=number)
        state = dict(outcome.data) if outcome.code == AssistCode.OK else {}
    notes = services.customer.notes(
        number=number, viewer_agent_id=principal.agent_id or "", supervisor=principal.is_supervisor
    )
    return {
        "allowed": True,
        "ticket": ticket,
        "mine": mine,
        "summary": views.queue_rows(texts, [ticket])[0],
        "transcript": transcript_rows(services, ticket),
        "state_rows": views.state_rows(texts, state) if state else [],
        "journeys": views.journey_lines(texts, state) if state else [],
        "return_steps": views.return_steps(state) if state else [],
        "notes": notes,
    }


def transcript_rows(services: DeskServices, ticket: dict[str, Any]) -> list[dict[str, str]]:
    """The ticket chat's redacted transcript lines."""
    lines = services.customer.transcript(sender_id=str(ticket["sender_id"]))
    return views.transcript_lines(services.texts, lines)


def transcript_fragment(services: DeskServices, ticket: dict[str, Any]) -> str:
    """The transcript's live part as HTML (the page and the server-sent events share it)."""
    template = services.templates.get_template("_transcript.html")
    return template.render(t=services.texts.get, transcript=transcript_rows(services, ticket))


async def ticket_page(
    request: Request,
    services: DeskServices,
    active: ActiveSession,
    *,
    message: str = "",
    status: int = 200,
) -> Response:
    """GET /tickets/{number}."""
    number = _number(request)
    context = await run_in_threadpool(ticket_context, services, active, number)
    if not context:
        return message_page(
            request, services, active, "desk_ticket_unknown", status=404, ticket=number
        )
    if not context["allowed"]:
        await audit(services, active.principal.login, "desk.refused", f"ticket:{number}")
        return message_page(
            request, services, active, "desk_ticket_not_yours", status=403, ticket=number
        )
    return render(
        request, services, active, "ticket.html", status=status, message=message, **context
    )


async def _after(
    request: Request,
    services: DeskServices,
    active: ActiveSession,
    action: str,
    outcome: Outcome,
    *,
    ok: AssistCode,
    **extra: object,
) -> Response:
    """Audit the action and show the ticket again with the outcome's message."""
    number = _number(request)
    await audit(
        services,
        active.principal.login,
        f"desk.{action}",
        f"ticket:{number}",
        {"ticket": number, "result": str(outcome.code)},
    )
    message = views.outcome_message(services.texts, action, outcome, ticket=number, **extra)
    status = 200 if outcome.code == ok else 409
    if outcome.code in (AssistCode.NOT_YOURS, AssistCode.UNKNOWN, AssistCode.NOT_AGENT):
        # The ticket is not (or no longer) the agent's: back to the queue, with the reason.
        return await queue_page(request, services, active, message=message, status=status)
    return await ticket_page(request, services, active, message=message, status=status)


async def reply(request: Request, services: DeskServices, active: ActiveSession) -> Response:
    """POST /tickets/{number}/responder: to the customer's chat, with the agent's name."""
    text = await form_text(request, "texto")
    outcome = await run_in_threadpool(
        services.desk.reply,
        agent=active.principal.agent_id or "",
        text=text,
        ticket_number=_number(request),
    )
    if outcome.code == AssistCode.SENT:
        data = outcome.data
        await run_in_threadpool(
            services.customer.tell,
            kind=DESK_REPLY,
            sender_id=str(data["sender_id"]),
            data={"ticket": data["ticket"], "agent_name": data["agent_name"], "text": text},
        )
    return await _after(request, services, active, "reply", outcome, ok=AssistCode.SENT)


async def note(request: Request, services: DeskServices, active: ActiveSession) -> Response:
    """POST /tickets/{number}/nota: a private note (redacted by the bank)."""
    text = await form_text(request, "texto")
    outcome = await run_in_threadpool(
        services.desk.note,
        agent=active.principal.agent_id or "",
        text=text,
        ticket_number=_number(request),
    )
    return await _after(request, services, active, "note", outcome, ok=AssistCode.NOTED)


async def hand_back(request: Request, services: DeskServices, active: ActiveSession) -> Response:
    """POST /tickets/{number}/devolver: at the current step (`paso` empty) or an earlier one."""
    step = await form_text(request, "paso")
    outcome = await run_in_threadpool(
        services.desk.hand_back,
        agent=active.principal.agent_id or "",
        step=step or None,
        ticket_number=_number(request),
    )
    if outcome.code != AssistCode.HANDED_BACK:
        return await _after(request, services, active, "hand_back", outcome, ok=AssistCode.OK)
    return await _let_go(request, services, active, "hand_back", outcome)


async def close(request: Request, services: DeskServices, active: ActiveSession) -> Response:
    """POST /tickets/{number}/cerrar: the ticket ends, the assistant answers again."""
    outcome = await run_in_threadpool(
        services.desk.close, agent=active.principal.agent_id or "", ticket_number=_number(request)
    )
    if outcome.code != AssistCode.CLOSED:
        return await _after(request, services, active, "close", outcome, ok=AssistCode.OK)
    return await _let_go(request, services, active, "close", outcome)


async def _let_go(
    request: Request, services: DeskServices, active: ActiveSession, action: str, outcome: Outcome
) -> Response:
    """After a hand back or a close: the customer is told and the assistant resumes (through
    the bot), and the agent is back at the queue with the outcome's message."""
    data, number = outcome.data, _number(request)
    await run_in_threadpool(
        services.customer.tell,
        kind=DESK_BACK,
        sender_id=str(data["sender_id"]),
        data={"ticket": number, "agent_name": active.principal.display_name},
    )
    details = {
        "ticket": number,
        "result": str(outcome.code),
        "journey": data.get("journey", ""),
        "step": data.get("step", ""),
    }
    await audit(services, active.principal.login, f"desk.{action}", f"ticket:{number}", details)
    where = where_now(services, data)
    message = views.outcome_message(services.texts, action, outcome, where=where)
    return await queue_page(request, services, active, message=message)


def where_now(services: DeskServices, data: dict[str, Any] | Any) -> str:
    """Where the customer's journey is after a hand back or a close."""
    texts = services.texts
    journey = data.get("journey")
    if not journey:
        return texts.get("desk_where_none")
    name = texts.label("journey", journey)
    if not data.get("journey_active"):
        return texts.get("desk_where_ended", journey=name)
    which = "desk_where_went_back" if data.get("went_back") else "desk_where_step"
    return texts.get(which, journey=name, step=data.get("step", ""))
