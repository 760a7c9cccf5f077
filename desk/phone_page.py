"""Helping by phone: look a person up, resend the SMS code (within its limits), unlock with a
reason, send a deep link by SMS (`bank.assist_phone`). The audit names the masked identity only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from bank.assist import AssistCode
from bank.assist.desk_sessions import ActiveSession
from bank.assist.phone import LINK_JOURNEYS
from bank.outcome import Outcome
from desk import views
from desk.services import DeskServices
from desk.web import audit, form_text, render


async def phone_page(
    request: Request,
    services: DeskServices,
    active: ActiveSession,
    *,
    message: str = "",
    status: int = 200,
    **context: Any,
) -> Response:
    """GET /telefono: the four tools."""
    return render(
        request,
        services,
        active,
        "phone.html",
        status=status,
        message=message,
        link_journeys=list(LINK_JOURNEYS),
        **context,
    )


async def _run(
    request: Request,
    services: DeskServices,
    active: ActiveSession,
    action: str,
    call: Callable[..., Outcome],
    ok: tuple[AssistCode | str, ...],
    **arguments: str,
) -> tuple[Outcome, str]:
    identity = await form_text(request, "cedula")
    outcome = await run_in_threadpool(
        call, agent=active.principal.agent_id or "", cedula_or_ruc=identity, **arguments
    )
    subject = str(outcome.data.get("identity_masked") or "phone")
    await audit(
        services,
        active.principal.login,
        f"desk.{action}",
        subject,
        {"identity_masked": outcome.data.get("identity_masked", ""), "result": str(outcome.code)},
    )
    return outcome, views.outcome_message(services.texts, action, outcome)


def _status(outcome: Outcome, ok: tuple[AssistCode | str, ...]) -> int:
    return 200 if outcome.code in ok else 409


async def lookup(request: Request, services: DeskServices, active: ActiveSession) -> Response:
    """POST /telefono/buscar."""
    ok = (AssistCode.FOUND, AssistCode.UNKNOWN)
    outcome, message = await _run(request, services, active, "lookup", services.phone.lookup, ok)
    context: dict[str, Any] = {}
    if outcome.code in ok:
        context = {
            "state_rows": views.state_rows(services.texts, outcome.data),
            "journeys": views.journey_lines(services.texts, outcome.data),
        }
    return await phone_page(
        request, services, active, message=message, status=_status(outcome, ok), **context
    )


async def resend(request: Request, services: DeskServices, active: ActiveSession) -> Response:
    """POST /telefono/reenviar."""
    ok = (AssistCode.SENT,)
    outcome, message = await _run(
        request, services, active, "resend", services.phone.resend_otp, ok
    )
    return await phone_page(request, services, active, message=message, status=_status(outcome, ok))


async def unlock(request: Request, services: DeskServices, active: ActiveSession) -> Response:
    """POST /telefono/desbloquear: the reason is required (and audited, redacted)."""
    ok = (AssistCode.UNLOCKED, AssistCode.NOT_LOCKED)
    reason = await form_text(request, "motivo")
    outcome, message = await _run(
        request, services, active, "unlock", services.phone.unlock, ok, reason=reason
    )
    return await phone_page(request, services, active, message=message, status=_status(outcome, ok))


async def send_link(request: Request, services: DeskServices, active: ActiveSession) -> Response:
    """POST /telefono/enlace."""
    ok = (AssistCode.SENT,)
    journey = await form_text(request, "tramite")
    outcome, message = await _run(
        request, services, active, "link", services.phone.send_link, ok, journey=journey
    )
    return await phone_page(request, services, active, message=message, status=_status(outcome, ok))
