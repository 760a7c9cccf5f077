"""The supervisor's funnel page (issue 16): an accessible HTML fragment with the funnel drawn as
inline SVG bars and the daily series as an inline SVG line chart, each followed by a table with
the same figures. No script, no style sheet, nothing fetched at run time: only SVG presentation
attributes, so a strict Content-Security-Policy (no inline styles) is fine.

How the desk's routes use it (`/supervisor/embudo` and `/supervisor/embudo.csv`)::

    texts = load_funnel_texts()                        # channel/funnel.yml, once
    query = read_query(request.query_params, today=ecuador_day(bank.clock.now()))
    report = build_report(bank.sessions, journey=query.journey, period=query.period,
                          now=bank.clock.now())        # bank.funnel
    html = render(report, csv_url=f"/supervisor/embudo.csv?{query.query_string()}",
                  texts=texts, form_url="/supervisor/embudo", problem=query.problem)
    csv_text = funnel_csv(report)                      # bank.funnel; file name csv_filename(report)

`render(report, *, csv_url, texts, form_url=None, problem=None) -> str`: `texts` maps the names
of channel/funnel.yml to Spanish; `form_url` adds the GET form to choose the journey and days;
`problem` is a texts name shown above it (`read_query`'s complaint about the parameters).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from pathlib import Path
from typing import Final
from urllib.parse import urlencode

from bank.funnel import JOURNEYS, FunnelReport, Period
from formats.domain_files import REPO, read_yaml_mapping

FUNNEL_TEXTS_PATH: Final = REPO / "channel" / "funnel.yml"
DEFAULT_JOURNEY: Final = "registration"
DEFAULT_DAYS: Final = 7
MAX_DAYS: Final = 366

# Colours: dark blue bars and line (8.6:1 on white), a dark orange dotted line (5.9:1), dark
# grey text and axes: every mark has at least 3:1 contrast, and the two lines differ in shape.
BAR: Final = "#1f4e79"
TRACK: Final = "#e6e6e6"
FINISHED: Final = "#a14a00"
INK: Final = "#1a1a1a"
CHART_WIDTH: Final = 640
LABEL_WIDTH: Final = 230
BAR_HEIGHT: Final = 22
ROW_HEIGHT: Final = 30


def load_funnel_texts(path: Path = FUNNEL_TEXTS_PATH) -> dict[str, str]:
    """The page's Spanish labels (`texts:` of channel/funnel.yml), by name."""
    texts = read_yaml_mapping(path).get("texts") or {}
    return {str(name): str(text) for name, text in texts.items()}


@dataclass(frozen=True)
class FunnelQuery:
    """What the page shows: a journey kind and a period; `problem` names a text when the
    parameters were not usable and the defaults are shown instead."""

    journey: str
    period: Period
    problem: str | None = None

    def query_string(self) -> str:
        """The parameters that show this again (for the CSV link): the last day is included."""
        last = self.period.until - timedelta(days=1)
        return urlencode(
            {"tramite": self.journey, "desde": self.period.since.isoformat(), "hasta": last}
        )


def read_query(params: Mapping[str, str], *, today: date) -> FunnelQuery:
    """`tramite`, `desde` and `hasta` (both days included, YYYY-MM-DD); by default the
    registration over the last 7 days. Unusable values give the default and a `problem`."""
    default = FunnelQuery(
        DEFAULT_JOURNEY, Period(today - timedelta(days=DEFAULT_DAYS - 1), today + timedelta(1))
    )
    journey = params.get("tramite") or DEFAULT_JOURNEY
    if journey not in JOURNEYS:
        return FunnelQuery(default.journey, default.period, "funnel_bad_period")
    try:
        last = date.fromisoformat(params["hasta"]) if params.get("hasta") else today
        since = (
            date.fromisoformat(params["desde"])
            if params.get("desde")
            else last - timedelta(days=DEFAULT_DAYS - 1)
        )
        period = Period(since, last + timedelta(days=1))
    except ValueError:
        return FunnelQuery(journey, default.period, "funnel_bad_period")
    if period.days > MAX_DAYS:
        return FunnelQuery(journey, default.period, "funnel_bad_period")
    return FunnelQuery(journey, period)


def csv_filename(report: FunnelReport) -> str:
    """A download name such as `embudo-registration-2026-12-01-2026-12-07.csv`."""
    last = report.period.until - timedelta(days=1)
    return f"embudo-{report.journey}-{report.period.since.isoformat()}-{last.isoformat()}.csv"


class _Texts:
    """The labels, escaped for HTML, with `{name}` filled."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self._texts = texts

    def __call__(self, name: str, **values: object) -> str:
        return escape(self._texts[name].format(**values))

    def get(self, name: str, fallback: str) -> str:
        return escape(self._texts.get(name, fallback))


def _day(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)} %" if whole else "—"


def _duration(seconds: float | None, t: _Texts) -> str:
    if seconds is None:
        return t("funnel_none")
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return t("funnel_duration_hours", hours=hours, minutes=f"{minutes:02d}")
    if minutes:
        return t("funnel_duration_minutes", minutes=minutes, seconds=f"{secs:02d}")
    return t("funnel_duration_seconds", seconds=secs)


def _step_label(report: FunnelReport, step: str, t: _Texts) -> str:
    return t.get(f"funnel_step_{report.journey}_{step}", step)


def _form(report: FunnelReport, form_url: str, t: _Texts) -> str:
    options = "".join(
        f'<option value="{escape(kind)}"{" selected" if kind == report.journey else ""}>'
        f"{t(f'funnel_journey_{kind}')}</option>"
        for kind in JOURNEYS
    )
    last = report.period.until - timedelta(days=1)
    return (
        f'<form method="get" action="{escape(form_url)}" class="funnel-form">'
        f"<fieldset><legend>{t('funnel_choose')}</legend>"
        f'<label for="funnel-journey">{t("funnel_journey_label")}</label> '
        f'<select id="funnel-journey" name="tramite">{options}</select> '
        f'<label for="funnel-since">{t("funnel_since_label")}</label> '
        f'<input id="funnel-since" name="desde" type="date" required '
        f'value="{report.period.since.isoformat()}"> '
        f'<label for="funnel-last">{t("funnel_last_label")}</label> '
        f'<input id="funnel-last" name="hasta" type="date" required value="{last.isoformat()}"> '
        f'<button type="submit">{t("funnel_show")}</button>'
        "</fieldset></form>"
    )


def _summary(report: FunnelReport, t: _Texts) -> str:
    out = report.outcomes
    finished = f"{out.finished} ({_share(out.finished, report.started)})"
    pairs = [
        ("funnel_started", str(report.started)),
        ("funnel_finished", finished),
        ("funnel_cancelled", str(out.cancelled)),
        ("funnel_ended", str(out.ended)),
        ("funnel_abandoned", str(out.abandoned)),
        ("funnel_in_progress", str(out.in_progress)),
        ("funnel_finished_after_lock", str(out.finished_after_lock)),
        ("funnel_finished_after_handoff", str(out.finished_after_handoff)),
        ("funnel_median_to_finish", _duration(report.median_seconds_to_finish, t)),
        ("funnel_locks", str(report.locks)),
        ("funnel_expired_codes", str(report.expired_codes)),
        ("funnel_handoffs", str(report.handoffs)),
    ]
    items = "".join(f"<div><dt>{t(name)}</dt><dd>{value}</dd></div>" for name, value in pairs)
    return (
        f'<h2 id="funnel-summary">{t("funnel_summary")}</h2><dl class="funnel-summary">{items}</dl>'
    )


def _bars(report: FunnelReport, t: _Texts) -> str:
    rows: list[tuple[str, int]] = [(t("funnel_started"), report.started)]
    rows += [(_step_label(report, s.step, t), s.reached) for s in report.steps]
    rows.append((t("funnel_finished"), report.finished))
    span = CHART_WIDTH - LABEL_WIDTH - 60
    height = ROW_HEIGHT * len(rows) + 10
    marks = []
    for index, (label, count) in enumerate(rows):
        y = 5 + index * ROW_HEIGHT
        width = round(span * count / report.started) if report.started else 0
        marks.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end" font-size="13" '
            f'fill="{INK}">{label}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{span}" height="{BAR_HEIGHT}" '
            f'fill="{TRACK}"/>'
            f'<rect class="funnel-bar" x="{LABEL_WIDTH}" y="{y}" width="{width}" '
            f'height="{BAR_HEIGHT}" fill="{BAR}"/>'
            f'<text x="{LABEL_WIDTH + span + 8}" y="{y + 16}" font-size="13" '
            f'fill="{INK}">{count}</text>'
        )
    desc = t("funnel_chart_desc", started=report.started, finished=report.finished)
    return _svg("funnel-bars", t("funnel_chart_title"), desc, height, "".join(marks))


def _svg(ident: str, title: str, caption: str, height: int, marks: str) -> str:
    # Named by its title and described by the visible caption (read once, not twice).
    return (
        f'<figure><svg id="{ident}" role="img" width="{CHART_WIDTH}" height="{height}" '
        f'viewBox="0 0 {CHART_WIDTH} {height}" aria-labelledby="{ident}-title" '
        f'aria-describedby="{ident}-caption"><title id="{ident}-title">{title}</title>'
        f'{marks}</svg><figcaption id="{ident}-caption">{caption}</figcaption></figure>'
    )


def _points(values: Sequence[int], top: int, left: int, width: int, height: int) -> list[str]:
    count = len(values)
    step = width / (count - 1) if count > 1 else 0
    return [
        f"{left + (i * step if count > 1 else width / 2):.1f},"
        f"{10 + height - height * value / top:.1f}"
        for i, value in enumerate(values)
    ]


def _series(report: FunnelReport, t: _Texts) -> str:
    left, width, plot = 50, CHART_WIDTH - 80, 160
    top = max([1, *(d.started for d in report.days), *(d.finished for d in report.days)])
    base = 10 + plot
    marks = [
        f'<line x1="{left}" y1="10" x2="{left}" y2="{base}" stroke="{INK}"/>'
        f'<line x1="{left}" y1="{base}" x2="{left + width}" y2="{base}" stroke="{INK}"/>'
        f'<text x="{left - 6}" y="{base + 4}" text-anchor="end" font-size="12" '
        f'fill="{INK}">0</text>'
        f'<text x="{left - 6}" y="14" text-anchor="end" font-size="12" '
        f'fill="{INK}">{top}</text>'
    ]
    for values, colour, dash, name in (
        ([d.started for d in report.days], BAR, "", "started"),
        ([d.finished for d in report.days], FINISHED, ' stroke-dasharray="3 4"', "finished"),
    ):
        points = _points(values, top, left, width, plot)
        marks.append(
            f'<polyline class="funnel-{name}" points="{" ".join(points)}" fill="none" '
            f'stroke="{colour}" stroke-width="2.5"{dash}/>'
        )
        marks.extend(
            f'<circle cx="{p.split(",")[0]}" cy="{p.split(",")[1]}" r="3" fill="{colour}"/>'
            for p in points
        )
    first, last = report.days[0].day, report.days[-1].day
    marks.append(
        f'<text x="{left}" y="{base + 18}" font-size="12" fill="{INK}">{_day(first)}</text>'
        f'<text x="{left + width}" y="{base + 18}" text-anchor="end" font-size="12" '
        f'fill="{INK}">{_day(last)}</text>'
    )
    legend = base + 40
    for offset, colour, dash, name in (
        (0, BAR, "", "funnel_started"),
        (160, FINISHED, ' stroke-dasharray="3 4"', "funnel_finished"),
    ):
        x = left + offset
        marks.append(
            f'<line x1="{x}" y1="{legend - 4}" x2="{x + 30}" y2="{legend - 4}" '
            f'stroke="{colour}" stroke-width="2.5"{dash}/>'
            f'<text x="{x + 38}" y="{legend}" font-size="12" fill="{INK}">{t(name)}</text>'
        )
    return _svg(
        "funnel-series",
        t("funnel_series_title"),
        t("funnel_series_desc"),
        plot + 60,
        "".join(marks),
    )


def _table(caption: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f'<th scope="col">{cell}</th>' for cell in header)
    body = "".join(
        f'<tr><th scope="row">{row[0]}</th>{"".join(f"<td>{cell}</td>" for cell in row[1:])}</tr>'
        for row in rows
    )
    return (
        f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def _steps_table(report: FunnelReport, t: _Texts) -> str:
    header = [
        t(name)
        for name in (
            "funnel_step",
            "funnel_reached",
            "funnel_share",
            "funnel_left",
            "funnel_median",
            "funnel_locks",
            "funnel_expired_codes",
            "funnel_handoffs",
        )
    ]
    rows = [
        (
            _step_label(report, s.step, t),
            str(s.reached),
            _share(s.reached, report.started),
            str(s.left),
            _duration(s.median_seconds, t),
            str(s.locks),
            str(s.expired_codes),
            str(s.handoffs),
        )
        for s in report.steps
    ]
    return _table(t("funnel_steps_caption"), header, rows)


def _days_table(report: FunnelReport, t: _Texts) -> str:
    header = [t("funnel_day"), t("funnel_started"), t("funnel_finished")]
    rows = [(_day(d.day), str(d.started), str(d.finished)) for d in report.days]
    return _table(t("funnel_days_caption"), header, rows)


def render(
    report: FunnelReport,
    *,
    csv_url: str,
    texts: Mapping[str, str],
    form_url: str | None = None,
    problem: str | None = None,
) -> str:
    """The page's HTML fragment (a `<section>`) for `report` (see the module's docstring)."""
    t = _Texts(texts)
    journey = t(f"funnel_journey_{report.journey}")
    last = report.period.until - timedelta(days=1)
    parts = [
        '<section class="funnel" aria-labelledby="funnel-title">',
        f'<h1 id="funnel-title">{t("funnel_title", journey=journey)}</h1>',
        f"<p>{t('funnel_period', since=_day(report.period.since), last=_day(last))}</p>",
    ]
    if problem is not None:
        parts.append(f'<p role="alert">{t(problem, days=DEFAULT_DAYS)}</p>')
    if form_url is not None:
        parts.append(_form(report, form_url, t))
    parts.append(f'<p><a href="{escape(csv_url)}" download>{t("funnel_csv")}</a></p>')
    parts.append(_summary(report, t))
    if report.started == 0:
        parts.append(f"<p>{t('funnel_no_journeys')}</p>")
    parts += [
        _bars(report, t),
        _steps_table(report, t),
        _series(report, t),
        _days_table(report, t),
        "</section>",
    ]
    return "".join(parts)
