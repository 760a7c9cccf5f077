"""The supervisor's funnel page (desk/funnel_page.py): SVG bars and line chart with the same
figures as the tables, accessible markup, Spanish labels from channel/funnel.yml, nothing
fetched at run time, and the page's parameters."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from html.parser import HTMLParser

import pytest

from bank.funnel import JOURNEYS, Event, EventKind, FunnelReport, Period, Trace, compute_funnel
from desk.funnel_page import (
    csv_filename,
    load_funnel_texts,
    read_query,
    render,
)

PERIOD = Period(date(2026, 12, 1), date(2026, 12, 4))
T0 = datetime(2026, 12, 1, 15, 0, 0)
TEXTS = load_funnel_texts()
VOID = {"input", "br", "img", "meta", "link", "hr", "col", "source", "wbr"}


def trace(journey_id: int, steps: list[str], status: str, day: int = 0) -> Trace:
    start = T0 + timedelta(days=day)
    entries = tuple((step, start + timedelta(seconds=30 * n)) for n, step in enumerate(steps))
    return Trace(journey_id, journey_id, start, status, entries[-1][1], entries)


def sample_report(traces: list[Trace] | None = None) -> FunnelReport:
    journeys = (
        traces
        if traces is not None
        else [
            trace(
                1,
                [
                    "cedula",
                    "activation_code",
                    "avatar",
                    "username",
                    "picture_password",
                    "picture_password_confirmation",
                    "finish",
                    "completed",
                ],
                "completed",
            ),
            trace(2, ["cedula", "activation_code", "ended"], "ended"),
            trace(3, ["cedula", "activation_code", "avatar", "cancelled"], "cancelled", day=1),
            trace(4, ["cedula"], "active", day=2),
        ]
    )
    events = [Event(2, EventKind.LOCK, "ended", T0 + timedelta(minutes=2))]
    return compute_funnel(
        JOURNEYS["mini_registration"],
        period=PERIOD,
        traces=journeys,
        events=events,
        now=T0 + timedelta(days=5),
    )


class Elements(HTMLParser):
    """The elements of a fragment, checking that every element is closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str]]] = []
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {k: v or "" for k, v in attrs}))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (tag, self.stack)
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all(self, tag: str, **attrs: str) -> Iterator[dict[str, str]]:
        for name, found in self.found:
            if name == tag and all(found.get(k) == v for k, v in attrs.items()):
                yield found


def parse(html: str) -> Elements:
    elements = Elements()
    elements.feed(html)
    elements.close()
    assert elements.stack == [], elements.stack
    return elements


def page(report: FunnelReport | None = None, **options: str) -> tuple[str, Elements]:
    html = render(
        report or sample_report(),
        csv_url="/supervisor/embudo.csv?tramite=mini_registration&desde=2026-12-01&hasta=2026-12-03",
        texts=TEXTS,
        form_url="/supervisor/embudo",
        **options,
    )
    return html, parse(html)


def rows_of(html: str, caption: str) -> list[list[str]]:
    table = html.split(f"<caption>{caption}</caption>", 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    return [
        [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", body)
    ]


def test_the_bars_show_the_figures_of_the_table() -> None:
    report = sample_report()
    html, elements = page(report)

    bars = [int(bar["width"]) for bar in elements.all("rect", **{"class": "funnel-bar"})]
    # Started, each step in order, finished.
    assert len(bars) == len(report.steps) + 2
    full = bars[0]
    assert full > 0
    expected = [report.started, *(s.reached for s in report.steps), report.finished]
    assert bars == [round(full * count / report.started) for count in expected]
    rows = rows_of(html, "Pasos del trámite, en orden")
    assert [row[0] for row in rows] == [
        "Cédula del niño o la niña",
        "Código de activación",
        "Avatar",
        "Usuario",
        "Contraseña de imágenes",
        "Confirmar contraseña de imágenes",
        "Creación del usuario",
    ]
    assert rows[0][1:4] == ["4", "100 %", "1"]
    assert rows[1][1:6] == ["3", "75 %", "1", "30 s", "1"]  # the lock counts at the code
    assert rows[2][1:4] == ["2", "50 %", "1"]


def test_the_series_has_a_point_per_day_and_its_table() -> None:
    html, elements = page()

    started = next(elements.all("polyline", **{"class": "funnel-started"}))
    finished = next(elements.all("polyline", **{"class": "funnel-finished"}))
    assert len(started["points"].split()) == PERIOD.days
    assert len(finished["points"].split()) == PERIOD.days
    assert "stroke-dasharray" in finished  # told apart by shape, not only by colour
    assert rows_of(html, "Trámites por día") == [
        ["01/12/2026", "2", "1"],
        ["02/12/2026", "1", "0"],
        ["03/12/2026", "1", "0"],
    ]


def test_the_summary_and_the_csv_link() -> None:
    html, elements = page()

    summary = dict(
        re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", html.split('class="funnel-summary"', 1)[1])
    )
    assert summary["Empezaron"] == "4"
    assert summary["Terminaron"] == "1 (25 %)"
    assert summary["Bloqueos"] == "1"
    assert summary["Abandonados (10 minutos o más sin actividad)"] == "1"
    (link,) = elements.all("a")
    assert link["href"] == (
        "/supervisor/embudo.csv?tramite=mini_registration&desde=2026-12-01&hasta=2026-12-03"
    )
    assert "&amp;desde=" in html  # escaped in the markup
    assert "download" in link


def test_accessible_markup() -> None:
    html, elements = page()

    ids = {found["id"] for _, found in elements.found if "id" in found}
    for svg in elements.all("svg"):
        assert svg["role"] == "img"
        assert svg["aria-labelledby"] in ids
        assert svg["aria-describedby"] in ids
    assert len(list(elements.all("svg"))) == 2
    assert len(list(elements.all("title"))) == 2
    labelled = {label["for"] for label in elements.all("label")}
    controls = [*elements.all("input"), *elements.all("select")]
    assert controls and all(control["id"] in labelled for control in controls)
    assert len(list(elements.all("caption"))) == len(list(elements.all("table"))) == 2
    assert all(th.get("scope") in ("col", "row") for th in elements.all("th"))
    assert '<section class="funnel" aria-labelledby="funnel-title">' in html
    assert 'id="funnel-title"' in html


def test_nothing_is_fetched_or_run() -> None:
    html, elements = page()

    assert "<script" not in html
    assert "<style" not in html and "style=" not in html  # a strict CSP allows the page
    assert "://" not in html and "url(" not in html
    assert not list(elements.all("img")) and not list(elements.all("link"))
    references = [found for _, found in elements.found if {"href", "src"} & set(found)]
    assert [found.get("href") for found in references] == [
        "/supervisor/embudo.csv?tramite=mini_registration&desde=2026-12-01&hasta=2026-12-03"
    ]


def test_every_label_is_spanish_from_the_texts_file() -> None:
    used: set[str] = set()

    class Recording(dict[str, str]):
        def __getitem__(self, name: str) -> str:
            used.add(name)
            return super().__getitem__(name)

        def get(self, name: str, default: str | None = None) -> str | None:  # type: ignore[override]
            used.add(name)
            return super().get(name, default)

    texts = Recording(TEXTS)
    for kind, spec in JOURNEYS.items():
        traces = [trace(1, [spec.steps[0]], "active")]
        report = compute_funnel(spec, period=PERIOD, traces=traces, events=[], now=T0)
        render(report, csv_url="/x.csv", texts=texts, form_url="/x", problem="funnel_bad_period")
        for step in spec.steps:
            assert f"funnel_step_{kind}_{step}" in TEXTS, (kind, step)
    render(sample_report([]), csv_url="/x.csv", texts=texts)
    # Stays of seconds, minutes and hours.
    seconds = (0, 5, 5 + 300, 5 + 300 + 7200)
    entries = tuple(
        (step, T0 + timedelta(seconds=s))
        for step, s in zip(
            ("cedula", "activation_code", "avatar", "username"), seconds, strict=True
        )
    )
    slow = Trace(9, 9, T0, "active", entries[-1][1], entries)
    html = render(sample_report([slow]), csv_url="/x.csv", texts=texts)
    assert [row[4] for row in rows_of(html, "Pasos del trámite, en orden")][:3] == [
        "5 s",
        "5 min 00 s",
        "2 h 00 min",
    ]
    assert used <= set(TEXTS)
    unused = set(TEXTS) - used
    assert unused == set(), unused


def test_a_missing_label_fails_loudly() -> None:
    texts = {k: v for k, v in TEXTS.items() if k != "funnel_locks"}
    with pytest.raises(KeyError):
        render(sample_report(), csv_url="/x.csv", texts=texts)


def test_labels_are_escaped() -> None:
    texts = {**TEXTS, "funnel_started": "<b>Empezaron</b> & más"}
    html = render(sample_report(), csv_url="/x.csv?a=1&b=<2>", texts=texts)

    assert "<b>" not in html
    assert "&lt;b&gt;Empezaron&lt;/b&gt; &amp; más" in html
    assert 'href="/x.csv?a=1&amp;b=&lt;2&gt;"' in html


def test_an_empty_period() -> None:
    html, elements = page(sample_report([]))

    assert "Ningún trámite empezó en este período." in html
    assert {bar["width"] for bar in elements.all("rect", **{"class": "funnel-bar"})} == {"0"}
    assert "nan" not in html.lower()


def test_the_problem_is_announced() -> None:
    html, _ = page(problem="funnel_bad_period")

    assert '<p role="alert">Ese período no es válido: muestro los últimos 7 días.</p>' in html


def test_reading_the_query() -> None:
    today = date(2026, 12, 6)

    default = read_query({}, today=today)
    assert (default.journey, default.problem) == ("registration", None)
    assert default.period == Period(date(2026, 11, 30), date(2026, 12, 7))

    chosen = read_query(
        {"tramite": "mini_parent", "desde": "2026-12-01", "hasta": "2026-12-03"}, today=today
    )
    assert chosen.journey == "mini_parent"
    assert chosen.period == Period(date(2026, 12, 1), date(2026, 12, 4))  # "hasta" included
    assert chosen.query_string() == "tramite=mini_parent&desde=2026-12-01&hasta=2026-12-03"
    assert (
        read_query(dict(p.split("=") for p in chosen.query_string().split("&")), today=today)
        == chosen
    )

    for bad in (
        {"tramite": "login"},
        {"desde": "01/12/2026"},
        {"desde": "2026-12-05", "hasta": "2026-12-01"},
        {"desde": "2020-01-01", "hasta": "2026-12-01"},
    ):
        read = read_query(bad, today=today)
        assert read.problem == "funnel_bad_period", bad
        assert read.period == default.period


def test_the_csv_file_name() -> None:
    assert csv_filename(sample_report()) == "embudo-mini_registration-2026-12-01-2026-12-03.csv"
