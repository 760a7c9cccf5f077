"""The desk's Starlette app: routes, static files, templates, security headers. `build_app`
wires it from a built bank (nothing happens at import)."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bank.assist.desk_accounts import DeskAccounts
from bank.assist.desk_customer import DeskCustomer
from bank.assist.desk_sessions import DeskSessions
from bank.bootstrap import Bank
from bank.facts import stated_facts
from desk import events, funnel_routes, phone_page, queue_page, sign_in, ticket_page
from desk.services import EVENT_SECONDS, DeskServices, services_of
from desk.settings import DeskSettings
from desk.texts import DeskTexts, load_desk_texts
from desk.web import message_page, signed_in

HERE: Final = Path(__file__).resolve().parent

# Pages are the desk's own: no inline script or style, no framing, no referrer, nothing cached.
SECURITY_HEADERS: Final = {
    b"content-security-policy": (
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
        b"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"no-referrer",
    b"cache-control": b"no-store",
}


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS.items() if k not in names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def routes() -> list[Route | Mount]:
    """Every route of the desk (Spanish paths; POST for every action)."""
    acting = {"acting": True}
    return [
        Route("/entrar", sign_in.sign_in_page, methods=["GET"]),
        Route("/entrar", sign_in.sign_in, methods=["POST"]),
        Route("/salir", signed_in(sign_in.sign_out), methods=["POST"]),
        Route("/", signed_in(queue_page.queue_page), methods=["GET"]),
        Route("/eventos/cola", signed_in(events.queue_events), methods=["GET"]),
        Route("/eventos/tickets/{number:int}", signed_in(events.ticket_events), methods=["GET"]),
        Route(
            "/tickets/{number:int}/tomar", signed_in(queue_page.take, **acting), methods=["POST"]
        ),
        Route("/tickets/{number:int}", signed_in(ticket_page.ticket_page), methods=["GET"]),
        Route(
            "/tickets/{number:int}/responder",
            signed_in(ticket_page.reply, **acting),
            methods=["POST"],
        ),
        Route(
            "/tickets/{number:int}/nota", signed_in(ticket_page.note, **acting), methods=["POST"]
        ),
        Route(
            "/tickets/{number:int}/devolver",
            signed_in(ticket_page.hand_back, **acting),
            methods=["POST"],
        ),
        Route(
            "/tickets/{number:int}/cerrar",
            signed_in(ticket_page.close, **acting),
            methods=["POST"],
        ),
        Route("/telefono", signed_in(phone_page.phone_page, **acting), methods=["GET"]),
        Route("/telefono/buscar", signed_in(phone_page.lookup, **acting), methods=["POST"]),
        Route("/telefono/reenviar", signed_in(phone_page.resend, **acting), methods=["POST"]),
        Route("/telefono/desbloquear", signed_in(phone_page.unlock, **acting), methods=["POST"]),
        Route("/telefono/enlace", signed_in(phone_page.send_link, **acting), methods=["POST"]),
        Route(
            funnel_routes.PAGE_PATH,
            signed_in(funnel_routes.funnel_page, supervisor=True),
            methods=["GET"],
        ),
        Route(
            funnel_routes.CSV_PATH,
            signed_in(funnel_routes.funnel_csv_file, supervisor=True),
            methods=["GET"],
        ),
        Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
    ]


async def not_found(request: Request, exc: Exception) -> Response:
    """Unknown paths and methods: a plain Spanish page."""
    return message_page(request, services_of(request), None, "desk_not_found", status=404)


def build_app(
    bank: Bank,
    settings: DeskSettings,
    *,
    texts: DeskTexts | None = None,
    event_seconds: float = EVENT_SECONDS,
) -> Starlette:
    """The desk app on a built bank."""
    app = Starlette(
        routes=routes(),
        middleware=[Middleware(SecurityHeaders)],
        exception_handlers={404: not_found, 405: not_found},
    )
    app.state.desk = DeskServices(
        bank=bank,
        desk=bank.assist_desk,
        phone=bank.assist_phone,
        accounts=DeskAccounts(session_factory=bank.sessions, clock=bank.clock, hasher=bank.hasher),
        sessions=DeskSessions(session_factory=bank.sessions, clock=bank.clock),
        customer=DeskCustomer(session_factory=bank.sessions, clock=bank.clock),
        texts=texts or load_desk_texts(facts=stated_facts(bank.settings)),
        templates=Jinja2Templates(directory=HERE / "templates"),
        settings=settings,
        event_seconds=event_seconds,
    )
    return app
