"""Is the scaled topology up? Each backend's own health URL, and what HAProxy thinks of it."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

import httpx

from deploy.scaled.topology import LOOPBACK, WEBHOOK_PATH

# What each tier's backend answers when it is up (the same checks as haproxy.cfg).
HEALTH_CHECKS: dict[str, tuple[str, int]] = {
    "bots": (WEBHOOK_PATH, 405),
    "rasa": ("/", 200),
    "actions": ("/health", 200),
}


def answers(url: str, status: int, *, timeout: float = 2.0) -> bool:
    """Whether GET `url` answers with `status` now."""
    try:
        return httpx.get(url, timeout=timeout).status_code == status
    except httpx.HTTPError:
        return False


def backend_up(tier: str, port: int) -> bool:
    """Whether one backend of `tier` on 127.0.0.1:`port` passes its health check."""
    path, status = HEALTH_CHECKS[tier]
    return answers(f"http://{LOOPBACK}:{port}{path}", status)


def balancer_rows(stats_port: int) -> dict[tuple[str, str], dict[str, str]]:
    """HAProxy's statistics of every backend server: (backend, server) -> its CSV row."""
    response = httpx.get(f"http://{LOOPBACK}:{stats_port}/;csv", timeout=2.0)
    response.raise_for_status()
    rows = csv.DictReader(io.StringIO(response.text.lstrip("# ")))
    return {
        (row["pxname"], row["svname"]): row
        for row in rows
        if row["svname"] not in ("FRONTEND", "BACKEND")
    }


def balancer_states(stats_port: int) -> dict[tuple[str, str], str]:
    """HAProxy's view: (backend, server) -> status ("UP", "DOWN", "MAINT", ...)."""
    return {key: row["status"].split()[0] for key, row in balancer_rows(stats_port).items()}


def tiers_up(env: Mapping[str, str], names: list[str]) -> bool:
    """Whether every backend of the named tiers answers its health check itself and HAProxy
    sees it UP (HAProxy starts with its servers UP until the first checks, so both are asked)."""
    ports = {
        "bots": ("BOT_1_PORT", "BOT_2_PORT"),
        "rasa": ("RASA_1_PORT", "RASA_2_PORT"),
        "actions": ("ACTION_1_PORT", "ACTION_2_PORT"),
    }
    for tier in names:
        if not all(backend_up(tier, int(env[name])) for name in ports[tier]):
            return False
    try:
        states = balancer_states(int(env["LB_STATS_PORT"]))
    except httpx.HTTPError:
        return False
    wanted = [key for key in states if key[0] in names]
    return len(wanted) == 2 * len(names) and all(states[key] == "UP" for key in wanted)
