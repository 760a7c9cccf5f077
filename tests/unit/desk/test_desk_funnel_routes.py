"""The funnel in the desk: the page and the CSV are the supervisor's only, and they show the
bank's journeys (two registrations started today, one still open) with no personal data."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from desk_support import PAULA_LOGIN, PAULA_PASSWORD, ROSA_LOGIN, ROSA_PASSWORD, signed_in
from starlette.testclient import TestClient

from bank.bootstrap import Bank

CHATS = ("tg:700001", "tg:700002")


def started_registrations(bank: Bank) -> None:
    for chat in CHATS:
        bank.registration.start(sender_id=chat)


def test_agents_get_neither_the_page_nor_the_csv(
    new_client: Callable[[], TestClient], bank: Bank
) -> None:
    paula = new_client()
    signed_in(paula, PAULA_LOGIN, PAULA_PASSWORD)
    assert paula.get("/supervisor/embudo").status_code == 403
    assert paula.get("/supervisor/embudo.csv").status_code == 403


def test_the_supervisor_sees_the_registrations_started_today(
    new_client: Callable[[], TestClient], bank: Bank
) -> None:
    started_registrations(bank)
    rosa = new_client()
    signed_in(rosa, ROSA_LOGIN, ROSA_PASSWORD)
    page = rosa.get("/supervisor/embudo", params={"tramite": "registration"})
    assert page.status_code == 200
    assert "<svg" in page.text and "Embudo de trámites" in page.text
    assert "/supervisor/embudo.csv?tramite=registration" in page.text
    for chat in CHATS:
        assert chat not in page.text and chat.removeprefix("tg:") not in page.text

    download = rosa.get("/supervisor/embudo.csv", params={"tramite": "registration"})
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert 'filename="embudo-registration-' in download.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(download.text)))
    total = next(row for row in rows if row["section"] == "total")
    assert total["journey"] == "registration" and total["started"] == "2"
    for chat in CHATS:
        assert chat.removeprefix("tg:") not in download.text


def test_unusable_parameters_show_the_default_and_say_so(
    new_client: Callable[[], TestClient],
) -> None:
    rosa = new_client()
    signed_in(rosa, ROSA_LOGIN, ROSA_PASSWORD)
    page = rosa.get("/supervisor/embudo", params={"tramite": "registration", "desde": "ayer"})
    assert page.status_code == 200 and "<svg" in page.text
    assert "Ese período no es válido" in page.text
