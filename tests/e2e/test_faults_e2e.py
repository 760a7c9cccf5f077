"""`make run` under supervisord, killed piece by piece during a registration in the playground.

The real launcher (scripts/run.sh) runs in a temporary work directory on free ports with its own
bank and Rasa tracker. Each process is killed with SIGKILL in turn; supervisord must start it
again, the journey must go on at its stored step and finish, and nothing may be done twice.
Messages written while the bot, Rasa and the action server are all stopped are answered after
they are back. SIGTERM to the launcher stops everything, bot first.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pyotp
import pytest
from sqlalchemy import text

from bank.bootstrap import Bank
from bot.playground.client import PlaygroundClient, bot_messages
from tests.support.chat_steps import type_secret
from tests.support.journeys import Secrets
from tests.support.local_run import (
    PROGRAMS,
    RESTART_TIMEOUT_SECONDS,
    LocalRun,
    bank_of,
    playground_of,
    running,
)
from tests.support.telegram_user import TelegramUser

pytestmark = pytest.mark.e2e

MARIA, CARLOS, ANDREA = 1001, 1003, 1004
MARIA_PHONE = "+593991234567"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRun]:
    yield from running(tmp_path_factory.mktemp("faults"))


@pytest.fixture(scope="module")
def bank(run: LocalRun) -> Iterator[Bank]:
    yield from bank_of(run)


@pytest.fixture
async def playground(run: LocalRun) -> AsyncIterator[PlaygroundClient]:
    async with playground_of(run) as client:
        yield client


def step_reader(bank: Bank) -> Callable[[str], object]:
    return lambda sender: bank.registration.current_step(sender_id=sender)


async def sms_codes(playground: PlaygroundClient, phone: str) -> list[str]:
    """Every SMS code sent to `phone`, newest first."""
    return [
        code
        for message in await playground.outbox()
        if message["channel"] == "sms" and message["recipient"] == phone
        for code in re.findall(r"\b\d{6}\b", message["body"])
    ]


async def bot_polls(run: LocalRun, playground: PlaygroundClient) -> None:
    """Until the (restarted) bot has called getUpdates on this playground again."""
    before = int((await playground.stats()).get("methods", {}).get("getUpdates", 0))
    deadline = time.monotonic() + RESTART_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if int((await playground.stats()).get("methods", {}).get("getUpdates", 0)) > before:
            return
        await asyncio.sleep(0.5)
    raise AssertionError(f"the bot does not poll the playground:\n{run.describe()}")


def audit_count(bank: Bank, action: str) -> int:
    with bank.sessions() as session:
        query = text("SELECT COUNT(*) FROM audit_log WHERE action = :action")
        return int(session.execute(query, {"action": action}).scalar_one())


def scalar(bank: Bank, sql: str) -> int:
    with bank.sessions() as session:
        return int(session.execute(text(sql)).scalar_one())


async def test_make_run_starts_every_program_under_supervisord(run: LocalRun) -> None:
    states = {info["name"]: info["statename"] for info in run.rpc().getAllProcessInfo()}
    assert states == dict.fromkeys(PROGRAMS, "RUNNING")
    assert run.rpc().getState()["statename"] == "RUNNING"
    assert (run.var_dir / "supervisor.sock").stat().st_mode & 0o077 == 0, "owner-only socket"
    for name in PROGRAMS:
        log = run.var_dir / "log" / f"{name}.log"
        assert log.exists() and log.stat().st_mode & 0o077 == 0, name
    for written in ("supervisord.conf", "endpoints.yml", "log/supervisord.log"):
        content = (run.var_dir / written).read_text()
        assert run.servers.secret_key not in content, f"the bank's key is in {written}"


async def test_registration_goes_on_while_each_process_is_killed_and_restarted(
    run: LocalRun, bank: Bank, playground: PlaygroundClient
) -> None:
    secrets = Secrets()
    maria = TelegramUser(playground, MARIA, step_of=step_reader(bank))
    await maria.say("/start", expect="Registrarme")
    await maria.tap("Registrarme en Produbanco en línea")
    await maria.wait_step("identity_number")

    await run.wait_restarted("actions", run.kill("actions"))
    await maria.say("171003406-5")
    await maria.wait_step("pin")
    await type_secret(maria, secrets.pin, "contact_confirmation")

    await run.wait_restarted("rasa", run.kill("rasa"))
    await maria.tap("Generar OTP")
    await maria.wait_step("otp")
    codes = await sms_codes(playground, MARIA_PHONE)

    await run.wait_restarted("bot", run.kill("bot"))
    await bot_polls(run, playground)
    await type_secret(maria, codes[-1], "username")

    # A full outage: what Maria writes meanwhile waits in the Bot API and is answered after.
    control = run.rpc()
    for name in ("bot", "rasa", "actions"):
        assert control.stopProcess(name, True)
    await playground.send_text(MARIA, "mjandrade2024")
    await asyncio.sleep(3)
    assert str(bank.registration.current_step(sender_id=maria.sender_id)) == "username"
    for name in ("actions", "rasa", "bot"):
        assert await asyncio.to_thread(lambda n=name: run.rpc().startProcess(n, True))
        if name != "bot":
            await run.wait_healthy(name)
    await maria.wait_step("username_confirmation")

    await maria.say("mjandrade2024")
    await maria.wait_step("password")
    await type_secret(maria, secrets.password, "password_confirmation")
    await type_secret(maria, secrets.password, "security_image")
    await asyncio.sleep(1)
    keyboard = [m for m in bot_messages(await maria.state()) if m["photo"]][-1]
    third = next(b for row in keyboard["buttons"] for b in row if b["text"] == "3")
    await playground.tap(MARIA, keyboard["message_id"], third["callback_data"])
    await maria.wait_step("home_phone")
    await maria.say("02 234 5678")
    await maria.wait_step("work_phone")
    await maria.tap("No tengo")
    await maria.wait_step("challenge_first_name")
    await type_secret(maria, secrets.first_name, "challenge_mother_surname")
    await type_secret(maria, secrets.mother_surname, "challenge_father_surname")
    await type_secret(maria, secrets.father_surname, "terms")
    await maria.tap("Acepto")
    await maria.wait_step("smart_device")
    await maria.tap("Sí")
    await maria.wait_step("second_factor")
    await maria.tap("Token digital")
    await maria.wait_step("token_activation")
    await maria.tap("Activar ahora")
    await maria.wait_step("token_code")
    uri = bank.registration.token_provisioning_uri(sender_id=maria.sender_id)
    await type_secret(
        maria, pyotp.TOTP(parse_qs(urlparse(uri).query)["secret"][0]).now(), "completed"
    )

    assert len(await sms_codes(playground, MARIA_PHONE)) == 1, "one SMS code per request"
    assert audit_count(bank, "otp.issued") == 1
    assert audit_count(bank, "registration.started") == 1
    assert audit_count(bank, "registration.completed") == 1
    assert (
        scalar(bank, "SELECT COUNT(*) FROM online_users WHERE username_key = 'mjandrade2024'") == 1
    )
    log = run.supervisor_log()
    for name in ("actions", "rasa", "bot"):
        assert f"exited: {name} (terminated by SIGKILL; not expected)" in log, name


# While the Bot API (the playground) is gone, each failed getUpdates reaches the bot's error
# handler (bot/telegram/errors.py), which logs it at ERROR.
@pytest.mark.expected_errors(
    r"^bot\.log: .* while handling an background job: telegram\.error\.(NetworkError|TimedOut)"
)
async def test_the_playground_is_restarted_and_the_bot_polls_it_again(
    run: LocalRun, bank: Bank, playground: PlaygroundClient
) -> None:
    await run.wait_restarted("playground", run.kill("playground"))
    await bot_polls(run, playground)
    carlos = TelegramUser(playground, CARLOS, step_of=step_reader(bank))
    assert await carlos.say("/start", expect="Registrarme")
    assert "exited: playground (terminated by SIGKILL; not expected)" in run.supervisor_log()


def waiting_bytes_at(port: int) -> bool:
    """Whether a connection to `port` waits to be accepted or read (/proc/net/tcp queues)."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].rpartition(":")[2], 16)
        if local_port == port and int(fields[4].rpartition(":")[2], 16) > 0:
            return True
    return False


async def refuses_connections(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return True
    writer.close()
    return False


async def until(condition: Callable[[], Any], what: str, run: LocalRun) -> None:
    deadline = time.monotonic() + RESTART_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        result = condition()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"{what}:\n{run.describe()}")


async def test_a_turn_in_flight_when_rasa_is_stopped_finishes_before_it_exits(
    run: LocalRun, bank: Bank, playground: PlaygroundClient
) -> None:
    andrea = TelegramUser(playground, ANDREA, step_of=step_reader(bank))
    await andrea.say("/start", expect="Registrarme")
    actions_pid = int(run.info("actions")["pid"])
    os.kill(actions_pid, signal.SIGSTOP)  # the turn will wait inside Rasa for the action server
    try:
        await playground.send_text(ANDREA, "quiero registrarme")
        await until(lambda: waiting_bytes_at(run.servers.action_port), "no action call", run)
        assert run.rpc().stopProcess("rasa", False)  # SIGTERM, without waiting
        await until(lambda: refuses_connections(run.servers.rasa_port), "Rasa still listens", run)
        assert run.info("rasa")["statename"] == "STOPPING"
    finally:
        os.kill(actions_pid, signal.SIGCONT)
    await andrea.wait_step("identity_number")
    await until(lambda: run.info("rasa")["statename"] == "STOPPED", "Rasa did not stop", run)
    about_rasa = [line for line in run.supervisor_log().splitlines() if ": rasa " in line]
    assert about_rasa[-1].endswith("stopped: rasa (exit status 0)"), about_rasa
    answer = [m["text"] or "" for m in bot_messages(await andrea.state())][-1]
    assert "cédula" in answer, answer
    assert await asyncio.to_thread(lambda: run.rpc().startProcess("rasa", True))
    await run.wait_healthy("rasa")


def test_sigterm_stops_every_program_gracefully_bot_first(run: LocalRun) -> None:
    pids = [int(info["pid"]) for info in run.rpc().getAllProcessInfo()]
    assert run.stop() == 143, run.describe()
    assert run.session_pids() == []
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists(), pid
    stopped = [line for line in run.supervisor_log().splitlines() if "stopped: " in line][-4:]
    names = [line.split("stopped: ")[1].split()[0] for line in stopped]
    assert names == ["bot", "playground", "rasa", "actions"], stopped
    for line in stopped:
        assert "SIGKILL" not in line, f"supervisord had to kill: {line}"
