"""Signing in and out. The sign-in form has its own CSRF token (a short-lived cookie compared with
the form's copy), so another site cannot sign a browser into an account of its choosing."""

from __future__ import annotations

import hmac
import secrets

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bank.assist.desk_accounts import DeskCode
from bank.assist.desk_policy import TOKEN_BYTES
from bank.assist.desk_sessions import ActiveSession
from desk.services import DeskServices, services_of
from desk.web import (
    CSRF_FIELD,
    SESSION_COOKIE,
    SIGN_IN_CSRF_COOKIE,
    SIGN_IN_PATH,
    audit,
    clear_session_cookie,
    form_text,
    render,
    set_session_cookie,
)

SIGN_IN_FORM_SECONDS = 3600


async def sign_in_page(request: Request) -> Response:
    """GET /entrar: the form (or the queue, when already signed in)."""
    services = services_of(request)
    active = await run_in_threadpool(
        services.sessions.check, token=request.cookies.get(SESSION_COOKIE), touch=False
    )
    if active is not None:
        return RedirectResponse("/", status_code=303)
    return _form(request, services, message="", status=200)


async def sign_in(request: Request) -> Response:
    """POST /entrar: check the form's token, then the login and password (with the lockout)."""
    services = services_of(request)
    expected = request.cookies.get(SIGN_IN_CSRF_COOKIE, "")
    given = await form_text(request, CSRF_FIELD)
    if not expected or not hmac.compare_digest(expected, given):
        return _form(request, services, message=services.texts.get("desk_csrf_refused"), status=403)
    login, password = await form_text(request, "usuario"), await _password(request)
    answer = await run_in_threadpool(services.accounts.sign_in, login=login, password=password)
    if answer.code == DeskCode.LOCKED:
        text = services.texts.get("desk_sign_in_locked", minutes=answer.locked_minutes)
        return _form(request, services, message=text, status=429)
    if answer.principal is None:
        wrong = services.texts.get("desk_sign_in_wrong")
        return _form(request, services, message=wrong, status=401)
    opened = await run_in_threadpool(services.sessions.open, login=answer.principal.login)
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(response, services, opened.token)
    response.delete_cookie(SIGN_IN_CSRF_COOKIE, path=SIGN_IN_PATH)
    return response


async def sign_out(request: Request, services: DeskServices, active: ActiveSession) -> Response:
    """POST /salir: the session ends here and in the browser."""
    await run_in_threadpool(services.sessions.end, token=request.cookies.get(SESSION_COOKIE))
    await audit(services, active.principal.login, "desk.sign_out", f"desk:{active.principal.login}")
    response = RedirectResponse(SIGN_IN_PATH, status_code=303)
    clear_session_cookie(response, services)
    return response


async def _password(request: Request) -> str:
    # Not stripped: spaces may be part of a password.
    value = (await request.form()).get("clave")
    return value if isinstance(value, str) else ""


def _form(request: Request, services: DeskServices, *, message: str, status: int) -> Response:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    response = render(
        request, services, None, "sign_in.html", status=status, message=message, form_token=token
    )
    response.set_cookie(
        SIGN_IN_CSRF_COOKIE,
        token,
        max_age=SIGN_IN_FORM_SECONDS,
        path=SIGN_IN_PATH,
        httponly=True,
        samesite="strict",
        secure=not services.settings.insecure_cookies,
    )
    return response
