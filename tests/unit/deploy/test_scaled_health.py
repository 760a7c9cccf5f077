"""deploy/scaled/health.py: the topology is up only when each backend answers its own health
check and HAProxy also sees it UP (HAProxy starts with its servers UP before any check)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from deploy.scaled.health import HEALTH_CHECKS, balancer_states, tiers_up

CSV_HEADER = "# pxname,svname,qcur,status\n"


class Fake:
    """One fake HTTP server answering GET `path` with `status` and a body."""

    def __init__(self, routes: dict[str, tuple[int, str]]) -> None:
        self.routes = routes
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, body = fake.routes.get(self.path, (404, ""))
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self.server.server_address[1])
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def topology() -> Iterator[tuple[dict[str, str], Fake, list[Fake]]]:
    backends = {
        "RASA_1_PORT": Fake({"/": (200, "Hello from Rasa")}),
        "RASA_2_PORT": Fake({"/": (200, "Hello from Rasa")}),
        "ACTION_1_PORT": Fake({"/health": (200, "{}")}),
        "ACTION_2_PORT": Fake({"/health": (200, "{}")}),
    }
    rows = "".join(
        f"{backend},{server},0,UP\n"
        for backend, server in (
            ("rasa", "rasa1"),
            ("rasa", "rasa2"),
            ("actions", "action1"),
            ("actions", "action2"),
        )
    )
    stats = Fake({"/;csv": (200, CSV_HEADER + "rasa,FRONTEND,0,OPEN\n" + rows)})
    env = {name: str(fake.port) for name, fake in backends.items()}
    env["LB_STATS_PORT"] = str(stats.port)
    yield env, stats, list(backends.values())
    for fake in [stats, *backends.values()]:
        fake.close()


def test_up_when_every_backend_answers_and_haproxy_agrees(
    topology: tuple[dict[str, str], Fake, list[Fake]],
) -> None:
    env, _, _ = topology
    assert tiers_up(env, ["rasa", "actions"])
    states = balancer_states(int(env["LB_STATS_PORT"]))
    assert states[("rasa", "rasa1")] == "UP" and ("rasa", "FRONTEND") not in states


def test_not_up_while_a_backend_does_not_answer_even_if_haproxy_says_up(
    topology: tuple[dict[str, str], Fake, list[Fake]],
) -> None:
    env, _, backends = topology
    backends[0].routes["/"] = (503, "loading")
    assert not tiers_up(env, ["rasa", "actions"])
    assert tiers_up(env, ["actions"])


def test_not_up_while_haproxy_sees_a_backend_down(
    topology: tuple[dict[str, str], Fake, list[Fake]],
) -> None:
    env, stats, _ = topology
    body = stats.routes["/;csv"][1].replace("actions,action2,0,UP", "actions,action2,0,DOWN")
    stats.routes["/;csv"] = (200, body)
    assert not tiers_up(env, ["rasa", "actions"])
    assert tiers_up(env, ["rasa"])


def test_not_up_without_the_balancer() -> None:
    assert not tiers_up({"LB_STATS_PORT": "1", "RASA_1_PORT": "1", "RASA_2_PORT": "1"}, ["rasa"])


def test_the_bot_tier_is_checked_like_haproxy_checks_it() -> None:
    assert HEALTH_CHECKS["bots"] == ("/telegram/webhook", 405)
