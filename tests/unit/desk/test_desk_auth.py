"""Signing in and out of the desk: refused when signed out, cookies, CSRF, lockout, idle timeout,
roles, and an audit row for every page view."""

from __future__ import annotations

from collections.abc import Callable

from desk_support import (
    CHAT,
    PAULA_LOGIN,
    PAULA_PASSWORD,
    ROSA_LOGIN,
    ROSA_PASSWORD,
    csrf_of,
    desk_audit,
    open_ticket,
    sign_in,
    signed_in,
)
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bank.assist.desk_policy import IDLE_TIMEOUT, MAX_FAILED_SIGN_INS, SIGN_IN_LOCK_TIME
from bank.bootstrap import Bank
from bank.clock import FixedClock
from bank.db import unit_of_work
from bank.models import DeskSession
from desk.app import build_app
from desk.settings import DeskSettings


def test_signed_out_requests_are_refused(client: TestClient, bank: Bank) -> None:
    number = open_ticket(bank, CHAT)
    for path in ("/", f"/tickets/{number}", "/telefono", "/eventos/cola", "/supervisor/embudo"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/entrar", path
    for path in (f"/tickets/{number}/tomar", f"/tickets/{number}/responder", "/telefono/buscar"):
        response = client.post(path, data={"csrf": "x", "texto": "hola", "cedula": "1710034065"})
        assert response.status_code == 401, path
        assert 'lang="es"' in response.text and "Tu sesión terminó" in response.text
    assert bank.tickets.position(sender_id=CHAT).code == "waiting"
    forged = client.get("/", cookies={"desk_session": "not-a-session"}, follow_redirects=False)
    assert forged.status_code == 303


def test_sign_in_sets_a_strict_http_only_cookie(client: TestClient) -> None:
    response = sign_in(client, PAULA_LOGIN, PAULA_PASSWORD)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("desk_session=")
    )
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    page = client.get("/")
    assert page.status_code == 200 and "Sesión de Paula (asesor)" in page.text


def test_the_cookie_is_secure_unless_insecure_cookies(bank: Bank) -> None:
    with TestClient(build_app(bank, DeskSettings()), base_url="https://127.0.0.1") as client:
        response = sign_in(client, PAULA_LOGIN, PAULA_PASSWORD)
        cookies = response.headers.get_list("set-cookie")
        assert any(c.startswith("desk_session=") and "Secure" in c for c in cookies)


def test_wrong_passwords_lock_the_account_for_a_while(
    client: TestClient, bank: Bank, clock: FixedClock
) -> None:
    for _ in range(MAX_FAILED_SIGN_INS - 1):
        wrong = sign_in(client, PAULA_LOGIN, "not-the-password")
        assert wrong.status_code == 401 and "no son correctos" in wrong.text
    locked = sign_in(client, PAULA_LOGIN, "not-the-password")
    assert locked.status_code == 429 and "bloqueada" in locked.text
    # Even the right password is refused while locked.
    assert sign_in(client, PAULA_LOGIN, PAULA_PASSWORD).status_code == 429
    clock.advance(minutes=int(SIGN_IN_LOCK_TIME.total_seconds() // 60) + 1)
    assert sign_in(client, PAULA_LOGIN, PAULA_PASSWORD).status_code == 303
    actions = [row.action for row in desk_audit(bank)]
    assert actions.count("desk.account_locked") == 1
    assert actions.count("desk.sign_in_refused") == MAX_FAILED_SIGN_INS
    assert actions[-1] == "desk.sign_in"


def test_an_unknown_login_is_refused_like_a_wrong_password(client: TestClient) -> None:
    unknown = sign_in(client, "nadie", PAULA_PASSWORD)
    wrong = sign_in(client, PAULA_LOGIN, "not-the-password")
    assert unknown.status_code == wrong.status_code == 401


def test_the_sign_in_form_needs_its_own_token(client: TestClient) -> None:
    client.get("/entrar")
    forged = client.post(
        "/entrar",
        data={"csrf": "forged", "usuario": PAULA_LOGIN, "clave": PAULA_PASSWORD},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    assert "desk_session" not in client.cookies


def test_every_post_needs_the_sessions_csrf_token(
    new_client: Callable[[], TestClient], bank: Bank
) -> None:
    paula = new_client()
    token = signed_in(paula, PAULA_LOGIN, PAULA_PASSWORD)
    number = open_ticket(bank, CHAT)
    # Another session's token is no better than none.
    rosa = new_client()
    other = signed_in(rosa, ROSA_LOGIN, ROSA_PASSWORD)
    for data in ({}, {"csrf": ""}, {"csrf": "forged"}, {"csrf": other}):
        refused = paula.post(f"/tickets/{number}/tomar", data=data)
        assert refused.status_code == 403 and "No pudimos verificar" in refused.text
    assert bank.tickets.position(sender_id=CHAT).code == "waiting"
    assert paula.post("/salir", data={"csrf": "forged"}).status_code == 403
    taken = paula.post(
        f"/tickets/{number}/tomar", headers={"X-CSRF-Token": token}, follow_redirects=False
    )
    assert taken.status_code == 303
    assert [r.action for r in desk_audit(bank)].count("desk.csrf_refused") == 5


def test_an_idle_session_ends(
    client: TestClient, bank: Bank, clock: FixedClock, app: Starlette
) -> None:
    signed_in(client, PAULA_LOGIN, PAULA_PASSWORD)
    clock.advance(seconds=int(IDLE_TIMEOUT.total_seconds()) - 5)
    assert client.get("/").status_code == 200  # activity: the idle time starts again
    clock.advance(seconds=int(IDLE_TIMEOUT.total_seconds()) + 1)
    expired = client.get("/", follow_redirects=False)
    assert expired.status_code == 303 and expired.headers["location"] == "/entrar"
    with unit_of_work(bank.sessions) as session:
        (row,) = session.query(DeskSession).all()
        assert row.ended_at is not None
    # Coming back within the time does not revive it.
    clock.set(clock.now())
    assert client.get("/", follow_redirects=False).status_code == 303
    assert "desk.session_expired" in [r.action for r in desk_audit(bank)]


def test_sign_out_ends_the_session(client: TestClient) -> None:
    token = signed_in(client, PAULA_LOGIN, PAULA_PASSWORD)
    cookie = client.cookies["desk_session"]
    response = client.post("/salir", data={"csrf": token}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/entrar"
    # The old cookie, replayed, is worth nothing.
    replay = client.get("/", cookies={"desk_session": cookie}, follow_redirects=False)
    assert replay.status_code == 303


def test_the_supervisors_page_is_for_supervisors(new_client: Callable[[], TestClient]) -> None:
    paula = new_client()
    signed_in(paula, PAULA_LOGIN, PAULA_PASSWORD)
    assert paula.get("/supervisor/embudo").status_code == 403
    rosa = new_client()
    signed_in(rosa, ROSA_LOGIN, ROSA_PASSWORD)
    page = rosa.get("/supervisor/embudo")
    assert page.status_code == 200 and "Embudo" in page.text
    # A supervisor without an agent behind takes nothing and has no phone tools.
    assert rosa.get("/telefono").status_code == 403


def test_every_page_view_is_audited_with_the_desk_account(client: TestClient, bank: Bank) -> None:
    signed_in(client, PAULA_LOGIN, PAULA_PASSWORD)
    client.get("/telefono")
    views = [(r.actor, r.subject) for r in desk_audit(bank) if r.action == "desk.view"]
    assert views == [("desk:paula", "/"), ("desk:paula", "/telefono")]


def test_pages_carry_security_headers_and_accessible_markup(client: TestClient) -> None:
    form = client.get("/entrar")
    assert "frame-ancestors 'none'" in form.headers["content-security-policy"]
    assert form.headers["x-content-type-options"] == "nosniff"
    assert '<html lang="es">' in form.text
    assert '<label for="usuario">' in form.text and '<label for="clave">' in form.text
    assert 'href="#contenido"' in form.text
    assert csrf_of(form.text)
