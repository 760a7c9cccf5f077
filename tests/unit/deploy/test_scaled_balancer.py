"""deploy/scaled/haproxy.cfg and endpoints.yml: both backends of every tier, health-checked,
retried only when no connection was made, everything on 127.0.0.1."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from scaled_configs import Section, haproxy_sections, rasa_endpoints, topology_env

from deploy.scaled.health import HEALTH_CHECKS
from deploy.scaled.topology import HAPROXY_CFG, REPO, tiers


def by_name(sections: list[Section], kind: str) -> dict[str, Section]:
    return {section.name: section for section in sections if section.kind == kind}


def test_haproxy_itself_accepts_the_configuration(tmp_path: Path) -> None:
    haproxy = shutil.which("haproxy")
    assert haproxy, "HAProxy is missing: make lb installs it"
    checked = subprocess.run(
        [haproxy, "-c", "-f", str(HAPROXY_CFG)],
        env=topology_env(tmp_path),
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr


def test_each_tier_balances_both_backends_with_its_health_check(tmp_path: Path) -> None:
    env = topology_env(tmp_path)
    sections = haproxy_sections(env)
    backends = by_name(sections, "backend")
    frontends = by_name(sections, "frontend")
    for tier in tiers(env):
        backend = backends[tier.name]
        servers = backend.values("server")
        assert [server[1] for server in servers] == [
            f"127.0.0.1:{port}" for port in tier.backend_ports
        ]
        assert all("check" in server[2:] for server in servers), f"{tier.name} unchecked"
        path, status = HEALTH_CHECKS[tier.name]
        assert backend.values("option") == [["httpchk", "GET", path]]
        assert backend.values("http-check") == [["expect", "status", str(status)]]
        frontend = frontends[f"{tier.name}_in"]
        assert frontend.values("bind") == [[f"127.0.0.1:{tier.lb_port}"]]
        assert frontend.values("default_backend") == [[tier.name]]


def test_only_a_failed_connection_is_retried_and_then_on_the_other_backend(
    tmp_path: Path,
) -> None:
    sections = haproxy_sections(topology_env(tmp_path))
    (defaults,) = [section for section in sections if section.kind == "defaults"]
    assert defaults.values("retry-on") == [["conn-failure"]]
    assert ["redispatch", "1"] in defaults.values("option")
    # A new connection per request on both sides: HAProxy retries a refused connection only
    # for the first request of a client connection.
    assert ["httpclose"] in defaults.values("option")
    assert ["http-server-close"] not in defaults.values("option")
    assert ["http-keep-alive"] not in defaults.values("option")
    for section in sections:
        assert not section.values("retry-on") or section is defaults, section.name
        for option in section.values("option"):
            assert option[0] != "allbackups"


def test_nothing_listens_beyond_loopback(tmp_path: Path) -> None:
    env = topology_env(tmp_path)
    binds = [line for section in haproxy_sections(env) for line in section.values("bind")]
    assert len(binds) == 4, "three tiers and the read-only status page"
    for bind in binds:
        assert bind[0].startswith("127.0.0.1:"), bind
    assert [f"127.0.0.1:{env['LB_STATS_PORT']}"] in binds


def test_rasa_reaches_the_action_servers_through_the_balancer_and_shares_its_stores(
    tmp_path: Path,
) -> None:
    env = topology_env(tmp_path)
    endpoints = rasa_endpoints(env)
    assert endpoints["action_endpoint"]["url"] == (
        f"http://127.0.0.1:{env['ACTION_LB_PORT']}/webhook"
    )
    tracker = endpoints["tracker_store"]
    local = yaml.safe_load((REPO / "endpoints.yml").read_text())["tracker_store"]
    assert tracker["type"] == local["type"], "the same tracker store as make run"
    assert tracker["compact_after_events"] == local["compact_after_events"]
    assert tracker["dialect"] == "postgresql"
    assert (tracker["url"], tracker["db"]) == ("127.0.0.1", "produbanco_tracker")
    lock = endpoints["lock_store"]
    assert (lock["type"], lock["url"], lock["port"]) == ("redis", "127.0.0.1", "6379")
    assert lock["key_prefix"].isalnum(), "Rasa accepts only an alphanumeric key prefix"


@pytest.mark.parametrize("name", ["BANK_DB", "TRACKER_DB", "LOCK_STORE_KEY_PREFIX"])
def test_the_stores_follow_the_environment(tmp_path: Path, name: str) -> None:
    env = topology_env(tmp_path, **{name: "other7"})
    endpoints = rasa_endpoints(env)
    if name == "TRACKER_DB":
        assert endpoints["tracker_store"]["db"] == "other7"
    elif name == "LOCK_STORE_KEY_PREFIX":
        assert endpoints["lock_store"]["key_prefix"] == "other7"
    else:
        assert env["DATABASE_URL"].endswith("/other7")
