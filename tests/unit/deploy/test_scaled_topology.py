"""deploy/scaled/topology.py: ports and names from the environment, refused when unusable."""

from __future__ import annotations

from pathlib import Path

import pytest

from deploy.scaled.topology import DEFAULT_PORTS, TopologyError, ports, scaled_environment


def environment(**env: str) -> dict[str, str]:
    return scaled_environment(env, run_dir=Path("/run/x"), model=Path("/m.tar.gz"))


def test_defaults_are_the_documented_ports() -> None:
    assert ports({}) == DEFAULT_PORTS
    env = environment()
    assert env["RASA_LB_PORT"] == "5005" and env["ACTION_LB_PORT"] == "5055"
    assert env["PLAYGROUND_PORT"] == "8080" and env["PLAYGROUND_AUTOSTART"] == "true"


def test_every_port_can_be_moved() -> None:
    env = environment(RASA_LB_PORT="15005", BOT_LB_PORT="18443")
    assert env["RASA_URL"] == "http://127.0.0.1:15005"
    assert env["WEBHOOK_URL"] == "http://127.0.0.1:18443/telegram/webhook"


@pytest.mark.parametrize("value", ["0", "70000", "abc", "5O05", "-1"])
def test_a_port_that_is_not_a_port_is_refused(value: str) -> None:
    with pytest.raises(TopologyError, match="RASA_1_PORT"):
        environment(RASA_1_PORT=value)


def test_two_processes_cannot_share_a_port() -> None:
    with pytest.raises(TopologyError, match="differ"):
        environment(RASA_1_PORT="5055")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LOCK_STORE_KEY_PREFIX", "bad:prefix"),
        ("BANK_DB", "x; DROP DATABASE y"),
        ("POSTGRES_HOST", "h@st/x"),
    ],
)
def test_names_that_could_break_a_configuration_are_refused(name: str, value: str) -> None:
    with pytest.raises(TopologyError, match=name):
        environment(**{name: value})


def test_a_real_token_needs_the_public_https_webhook_url() -> None:
    with pytest.raises(TopologyError, match="WEBHOOK_URL"):
        environment(TELEGRAM_BOT_TOKEN="123456:ABCDEFGHIJ")
    with pytest.raises(TopologyError, match="WEBHOOK_URL"):
        environment(TELEGRAM_BOT_TOKEN="123456:ABCDEFGHIJ", WEBHOOK_URL="http://x/telegram")
    env = environment(TELEGRAM_BOT_TOKEN="123456:ABCDEFGHIJ", WEBHOOK_URL="https://x.example/t")
    assert env["PLAYGROUND_AUTOSTART"] == "false"
    assert env["WEBHOOK_URL"] == "https://x.example/t"
