"""The queue: waiting and follow-up tickets, the agent's own, and (for a supervisor) every held
ticket; taking a ticket (of agents racing for it, one wins and the others are told who)."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bank.assist import AssistCode
from bank.assist.desk_accounts import DeskPrincipal
from bank.assist.desk_customer import DESK_JOINED
from bank.assist.desk_sessions import ActiveSession
from desk import views
from desk.services import DeskServices
from desk.web import audit, render


def queue_context(services: DeskServices, principal: DeskPrincipal) -> dict[str, Any]:
    """What the queue shows this account (blocking: call it in a worker thread)."""
    floor = services.customer.floor()
    texts = services.texts
    taken = floor["taken"]
    mine = [t for t in taken if principal.agent_id and t.get("agent_id") == principal.agent_id]
    others = [t for t in taken if t not in mine] if principal.is_supervisor else []
    return {
        "waiting": views.queue_rows(texts, floor["waiting"]),
        "follow_up": views.queue_rows(texts, floor["follow_up"]),
        "mine": views.queue_rows(texts, mine),
        "others": views.queue_rows(texts, others),
        "can_take": principal.can_act,
    }


def queue_fragment(services: DeskServices, active: ActiveSession) -> str:
    """The queue's live part as HTML (the page and the server-sent events share it)."""
    context = queue_context(services, active.principal)
    template = services.templates.get_template("_queue.html")
    return template.render(
        t=services.texts.get, csrf=active.csrf_token, me=active.principal, **context
    )


async def queue_page(
    request: Request,
    services: DeskServices,
    active: ActiveSession,
    *,
    message: str = "",
    status: int = 200,
) -> Response:
    """GET /: the queue, kept live by /eventos/cola."""
    fragment = await run_in_threadpool(queue_fragment, services, active)
    return render(
        request, services, active, "queue.html", status=status, fragment=fragment, message=message
    )


async def take(request: Request, services: DeskServices, active: ActiveSession) -> Response:
    """POST /tickets/{number}/tomar: the ticket is this agent's (and the customer is told), or
    the agent is told who has it."""
    number = request.path_params["number"]
    outcome = await run_in_threadpool(
        services.desk.take, agent=active.principal.agent_id or "", ticket_number=number
    )
    await audit(
        services,
        active.principal.login,
        "desk.take",
        f"ticket:{number}",
        {"ticket": number, "result": str(outcome.code)},
    )
    if outcome.code == AssistCode.TAKEN:
        data = outcome.data
        await run_in_threadpool(
            services.customer.tell,
            kind=DESK_JOINED,
            sender_id=str(data["sender_id"]),
            data={"ticket": number, "agent_name": str(data["agent_name"])},
        )
        return RedirectResponse(f"/tickets/{number}", status_code=303)
    if outcome.code == AssistCode.ALREADY_TAKEN and outcome.data.get("yours"):
        return RedirectResponse(f"/tickets/{number}", status_code=303)
    message = views.outcome_message(services.texts, "take", outcome, ticket=number)
    return await queue_page(request, services, active, message=message, status=409)
