"""The supervisor's funnel in the desk: `/supervisor/embudo` (the page: desk/funnel_page.py's
fragment inside the desk's layout) and `/supervisor/embudo.csv` (the same figures as CSV). Both
are supervisor-only (desk/app.py wraps them with `signed_in(..., supervisor=True)`); the report
holds no personal data (bank.funnel)."""

from __future__ import annotations

from functools import cache

from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from bank.assist.desk_sessions import ActiveSession
from bank.clock import ecuador_day
from bank.funnel import FunnelReport, build_report, funnel_csv
from desk.funnel_page import FunnelQuery, csv_filename, load_funnel_texts, read_query
from desk.funnel_page import render as render_funnel_fragment
from desk.services import DeskServices
from desk.web import render

PAGE_PATH = "/supervisor/embudo"
CSV_PATH = "/supervisor/embudo.csv"


@cache
def funnel_texts() -> dict[str, str]:
    """channel/funnel.yml, read once per process."""
    return load_funnel_texts()


def _report(services: DeskServices, request: Request) -> tuple[FunnelQuery, FunnelReport]:
    bank = services.bank
    now = bank.clock.now()
    query = read_query(request.query_params, today=ecuador_day(now))
    report = build_report(bank.sessions, journey=query.journey, period=query.period, now=now)
    return query, report


async def funnel_page(request: Request, services: DeskServices, active: ActiveSession) -> Response:
    """GET /supervisor/embudo?tramite=&desde=&hasta= (both days included)."""
    query, report = await run_in_threadpool(_report, services, request)
    fragment = render_funnel_fragment(
        report,
        csv_url=f"{CSV_PATH}?{query.query_string()}",
        texts=funnel_texts(),
        form_url=PAGE_PATH,
        problem=query.problem,
    )
    # The fragment escapes every text it writes (desk/funnel_page.py) and holds no personal data.
    return render(request, services, active, "funnel.html", funnel=Markup(fragment))  # noqa: S704


async def funnel_csv_file(
    request: Request, services: DeskServices, active: ActiveSession
) -> Response:
    """GET /supervisor/embudo.csv?...: the report as a CSV download."""
    _query, report = await run_in_threadpool(_report, services, request)
    filename = csv_filename(report)
    return Response(
        funnel_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )
