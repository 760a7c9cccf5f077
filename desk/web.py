"""The desk's request plumbing: the session cookie, the CSRF check on every POST, roles, page
rendering with the texts, and the audit row of every page view.

Pages are handlers `(request, services, active) -> Response`, wrapped by `signed_in`:

- no valid session (none, ended, idle too long, agent removed): a GET goes to the sign-in page,
  anything else gets 401;
- a POST without this session's CSRF token (form field `csrf`, or header `X-CSRF-Token`): 403;
- a supervisor-only page for an agent, or an agent-only action for a supervisor without an agent:
  403.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bank.assist.desk_policy import SESSION_LIFETIME
from bank.assist.desk_sessions import ActiveSession
from desk.services import DeskServices, services_of

SESSION_COOKIE: Final = "desk_session"
SIGN_IN_CSRF_COOKIE: Final = "desk_sign_in"
CSRF_FIELD: Final = "csrf"
CSRF_HEADER: Final = "x-csrf-token"
SIGN_IN_PATH: Final = "/entrar"

Page = Callable[[Request, DeskServices, ActiveSession], Awaitable[Response]]


def signed_in(
    page: Page, *, supervisor: bool = False, acting: bool = False
) -> Callable[[Request], Awaitable[Response]]:
    """The endpoint of `page`: checks the session, the CSRF token of a POST, and the role."""

    async def endpoint(request: Request) -> Response:
        services = services_of(request)
        token = request.cookies.get(SESSION_COOKIE)
        active = await run_in_threadpool(services.sessions.check, token=token)
        if active is None:
            if request.method == "GET":
                return RedirectResponse(SIGN_IN_PATH, status_code=303)
            return message_page(request, services, None, "desk_signed_out", status=401)
        login = active.principal.login
        if request.method == "POST" and not await _csrf_ok(request, active):
            await audit(services, login, "desk.csrf_refused", request.url.path)
            return message_page(request, services, active, "desk_csrf_refused", status=403)
        if (supervisor and not active.principal.is_supervisor) or (
            acting and not active.principal.can_act
        ):
            await audit(services, login, "desk.refused", request.url.path)
            return message_page(request, services, active, "desk_forbidden", status=403)
        if request.method == "GET":
            await audit(services, login, "desk.view", request.url.path)
        return await page(request, services, active)

    return endpoint


async def _csrf_ok(request: Request, active: ActiveSession) -> bool:
    given = request.headers.get(CSRF_HEADER)
    if not given:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    return active.csrf_matches(given)


async def form_text(request: Request, name: str) -> str:
    """A form field as text ("" when missing or a file)."""
    value = (await request.form()).get(name)
    return value.strip() if isinstance(value, str) else ""


async def audit(
    services: DeskServices,
    login: str,
    action: str,
    subject: str,
    details: Mapping[str, Any] | None = None,
) -> None:
    """One audit row of the desk (actor "desk:<login>")."""
    await run_in_threadpool(
        services.sessions.audit, login=login, action=action, subject=subject, details=details
    )


def render(
    request: Request,
    services: DeskServices,
    active: ActiveSession | None,
    template: str,
    *,
    status: int = 200,
    **context: Any,
) -> Response:
    """A page from desk/templates with the texts (`t`, `label`), who is signed in and the CSRF
    token its forms carry."""
    values = {
        "t": services.texts.get,
        "label": services.texts.label,
        "me": active.principal if active else None,
        "csrf": active.csrf_token if active else "",
        **context,
    }
    return services.templates.TemplateResponse(request, template, values, status_code=status)


def message_page(
    request: Request,
    services: DeskServices,
    active: ActiveSession | None,
    text_name: str,
    *,
    status: int,
    **values: object,
) -> Response:
    """A page with one message (refusals, not found)."""
    message = services.texts.get(text_name, **values)
    return render(request, services, active, "message.html", status=status, message=message)


def set_session_cookie(response: Response, services: DeskServices, token: str) -> None:
    """The session cookie: HttpOnly, SameSite=Strict, Secure unless DESK_INSECURE_COOKIES."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        path="/",
        httponly=True,
        samesite="strict",
        secure=not services.settings.insecure_cookies,
    )


def clear_session_cookie(response: Response, services: DeskServices) -> None:
    """Forget the session cookie in the browser."""
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        samesite="strict",
        secure=not services.settings.insecure_cookies,
    )
