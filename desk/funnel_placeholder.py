"""The supervisor's funnel page until the funnel helper's `desk.funnel_page.render` is merged:
the route `/supervisor/embudo` (supervisors only) shows that it is not there yet. The lead
replaces this module's use in desk/app.py with `desk.funnel_page.render` (same signature: the
request, the desk's services, whose `bank` is the whole bank, and the signed-in session)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bank.assist.desk_sessions import ActiveSession
from desk.services import DeskServices
from desk.web import render


async def render_funnel(
    request: Request, services: DeskServices, active: ActiveSession
) -> Response:
    """GET /supervisor/embudo (supervisors only)."""
    return render(request, services, active, "funnel_placeholder.html")
