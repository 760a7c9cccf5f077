"""`make run` on both cores: RASA_LOCK_STORE_URL gives Rasa 2 Sanic workers sharing Redis locks.

The real launcher (scripts/run.sh) under supervisord, with the local Redis server. Many
conversations at once are served by both workers; a worker killed mid-journey makes the watchdog
(bot.supervision.rasa_workers) restart the whole Rasa server, and the customer's registration
goes on at its stored step.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from bank.bootstrap import Bank
from bot.playground.client import PlaygroundClient
from bot.supervision.rasa_workers import children, forked_workers
from tests.support.journeys import Secrets
from tests.support.local_run import (
    RESTART_TIMEOUT_SECONDS,
    LocalRun,
    bank_of,
    playground_of,
    running,
)
from tests.support.telegram_user import TelegramUser

pytestmark = pytest.mark.e2e

MARIA = 1001
CONVERSATIONS = 16
LOCK_STORE_URL = "redis://127.0.0.1:6379/1"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRun]:
    yield from running(tmp_path_factory.mktemp("both-cores"), RASA_LOCK_STORE_URL=LOCK_STORE_URL)


@pytest.fixture(scope="module")
def bank(run: LocalRun) -> Iterator[Bank]:
    yield from bank_of(run)


@pytest.fixture
async def playground(run: LocalRun) -> AsyncIterator[PlaygroundClient]:
    async with playground_of(run) as client:
        yield client


def rasa_workers(run: LocalRun) -> set[int]:
    """The Sanic workers of the Rasa server that supervisord's program (the watchdog) runs."""
    watchdog = int(run.info("rasa")["pid"])
    servers = sorted(children(watchdog))
    assert len(servers) == 1, f"the watchdog runs one server, not {servers}"
    return forked_workers(servers[0])


async def two_workers_answer(run: LocalRun, old_pid: int) -> None:
    """Until supervisord runs a new Rasa server whose 2 workers are up and answering."""
    await run.wait_restarted("rasa", old_pid)
    deadline = asyncio.get_running_loop().time() + RESTART_TIMEOUT_SECONDS
    while len(rasa_workers(run)) != 2:
        assert asyncio.get_running_loop().time() < deadline, run.describe()
        await asyncio.sleep(0.5)


async def test_two_workers_serve_many_conversations_at_once(run: LocalRun, bank: Bank) -> None:
    assert len(rasa_workers(run)) == 2
    endpoints = (run.var_dir / "endpoints.yml").read_text()
    assert "lock_store:" in endpoints and "type: redis" in endpoints

    async def conversation(http: httpx.AsyncClient, index: int) -> tuple[str, list[str]]:
        sender = f"both-cores-{index}"
        said = []
        for text in ("hola", "quiero registrarme"):
            response = await http.post(
                f"{run.servers.rasa_url}/webhooks/rest/webhook",
                json={"sender": sender, "message": text},
                timeout=120.0,
            )
            response.raise_for_status()
            said.append(" ".join(str(message.get("text", "")) for message in response.json()))
        return sender, said

    async with httpx.AsyncClient() as http:
        results = await asyncio.gather(*(conversation(http, i) for i in range(CONVERSATIONS)))
    for sender, said in results:
        assert all(said), f"{sender} got an empty answer: {said}"
        step = bank.registration.current_step(sender_id=sender)
        assert str(step) == "identity_number", f"{sender} is at {step}: {said}"


# The watchdog says why it restarts Rasa (bot/supervision/rasa_workers.py).
@pytest.mark.expected_errors(r"^rasa\.log: .* a Rasa worker died \(\d of 2 left\): restarting")
async def test_a_dead_worker_restarts_rasa_and_the_registration_goes_on(
    run: LocalRun, bank: Bank, playground: PlaygroundClient
) -> None:
    maria = TelegramUser(
        playground, MARIA, step_of=lambda sender: bank.registration.current_step(sender_id=sender)
    )
    await maria.say("/start", expect="Registrarme")
    await maria.tap("Registrarme en Produbanco en línea")
    await maria.wait_step("identity_number")
    await maria.say("171003406-5")
    await maria.wait_step("pin")

    old_pid = int(run.info("rasa")["pid"])
    os.kill(min(rasa_workers(run)), signal.SIGKILL)
    await two_workers_answer(run, old_pid)
    assert "exited: rasa (exit status 1; not expected)" in run.supervisor_log()

    await maria.say(Secrets().pin)
    await maria.wait_step("contact_confirmation")
    assert await maria.last_message_deleted(), "the PIN stayed in the chat"
