"""`make run-scaled` end to end: the real launcher, supervisord, HAProxy, 2 Rasa servers, 2 action
servers, 2 webhook bots, PostgreSQL and Redis. Whole registrations go on while one Rasa server
and one action server are SIGKILLed mid-journey; supervisord brings them back; nothing is lost or
done twice; several chats at once each see their answers in order across the bot instances."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import psycopg
import pyotp
import pytest
import redis

from bank.bootstrap import Bank, build_bank
from bank.settings import load_settings
from bench.registration_latency import BENCH_PIN, add_bench_customers, bench_people
from bot.conversation import Conversation, Turn
from bot.conversation_stores import InMemoryPendingInputStore
from bot.playground.client import PlaygroundClient, bot_messages
from bot.rasa_client import RasaClient
from deploy.scaled.health import balancer_rows
from deploy.scaled.topology import postgres_url
from tests.support.journeys import Customer, Secrets, register_person
from tests.support.scaled import ScaledSystem
from tests.support.servers import current_model
from tests.support.telegram_user import TelegramUser

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture(scope="module")
def scaled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScaledSystem]:
    system = ScaledSystem(workdir=Path(tmp_path_factory.mktemp("scaled")), model=current_model())
    try:
        system.start()
        yield system
    finally:
        leftovers = system.stop()
    # Ctrl-C stopped every process of the topology (supervisord stops its programs).
    assert leftovers == [], f"processes outlived the launcher: {leftovers}"


# A customer of the bench (PIN 1234) for the REST journey; María José goes through Telegram.
REST_PERSON = bench_people(1)[0]


@pytest.fixture(scope="module")
def bank(scaled: ScaledSystem) -> Iterator[Bank]:
    wired = build_bank(load_settings(scaled.env()))
    add_bench_customers(wired, [REST_PERSON])
    yield wired
    wired.dispose()


@pytest.fixture
async def playground(scaled: ScaledSystem) -> AsyncIterator[PlaygroundClient]:
    async with httpx.AsyncClient() as http:
        yield PlaygroundClient(scaled.url("PLAYGROUND_PORT"), http)


def test_every_process_listens_on_loopback_and_only_on_its_own_port(scaled: ScaledSystem) -> None:
    listening = scaled.listening()
    addresses = {address for address, _, _ in listening}
    assert addresses == {"127.0.0.1"}, listening
    assert {port for _, port, _ in listening} == set(scaled.ports.values()), listening


@dataclass
class Fault:
    """Something that happens right after a given turn of the journey (counted from 1)."""

    after_turn: int
    action: Callable[[], object]


@dataclass
class CustomerUnderFaults(Customer):
    """A customer whose journey has crashes injected between turns."""

    faults: list[Fault] = field(default_factory=list)
    turns_done: int = 0

    async def _turn(self, label: str, expect_step: str | None, send: Callable[[], object]) -> Turn:
        turn = await super()._turn(label, expect_step, send)
        self.turns_done += 1
        for fault in self.faults:
            if fault.after_turn == self.turns_done:
                await asyncio.to_thread(fault.action)
        return turn


def bank_rows(scaled: ScaledSystem, query: str, *args: object) -> list[tuple[object, ...]]:
    env = scaled.env()
    with psycopg.connect(postgres_url(env, env["BANK_DB"])) as db:
        return list(db.execute(query, args).fetchall())


def assert_done_once(scaled: ScaledSystem, sender_id: str, username: str, phone: str) -> None:
    """One user, one OTP challenge and one SMS for the one OTP request, one journey."""
    users = bank_rows(scaled, "SELECT count(*) FROM online_users WHERE username = %s", username)
    assert users == [(1,)], "exactly one user was created"
    sms = bank_rows(
        scaled, "SELECT count(*) FROM outbox WHERE channel = 'sms' AND recipient = %s", phone
    )
    assert sms == [(1,)], "one OTP SMS for the one request"
    journeys = bank_rows(scaled, "SELECT id, status FROM journeys WHERE sender_id = %s", sender_id)
    assert len(journeys) == 1, f"one journey: {journeys}"
    challenges = bank_rows(
        scaled, "SELECT count(*) FROM otp_challenges WHERE journey_id = %s", journeys[0][0]
    )
    assert challenges == [(1,)], "one OTP challenge"


async def test_a_registration_through_the_rasa_balancer_survives_killed_servers(
    scaled: ScaledSystem, bank: Bank
) -> None:
    killed: dict[str, int] = {}

    def crash(program: str) -> Callable[[], None]:
        def act() -> None:
            killed[program] = scaled.kill(program)

        return act

    sender_id = f"e2e:scaled:{scaled.suffix}"
    cedula, mobile = REST_PERSON
    async with httpx.AsyncClient() as http:
        customer = CustomerUnderFaults(
            conversation=Conversation(
                RasaClient(http, scaled.url("RASA_LB_PORT"), timeout=120.0),
                bank.secret_box,
                InMemoryPendingInputStore(),
            ),
            sender_id=sender_id,
            env=scaled.env(),
            step_of=lambda sender: bank.registration.current_step(sender_id=sender),
            # After the PIN (turn 3) a Rasa server dies; after the username (turn 6) an action
            # server dies. The next turn follows at once, before HAProxy's checks notice.
            faults=[Fault(3, crash("rasa-1")), Fault(6, crash("action-1"))],
        )
        await register_person(
            customer,
            Secrets(pin=BENCH_PIN),
            id_number=cedula,
            mobile=mobile,
            username="restscaled01",
        )

    assert set(killed) == {"rasa-1", "action-1"}
    assert_done_once(scaled, sender_id, "restscaled01", "+593" + mobile[1:])
    env = scaled.env()
    with psycopg.connect(postgres_url(env, env["TRACKER_DB"])) as tracker:
        events = tracker.execute(
            "SELECT count(*) FROM events WHERE sender_id = %s", (sender_id,)
        ).fetchone()
    assert events is not None and events[0] > 0, "both Rasa servers share the PostgreSQL tracker"
    rows = balancer_rows(scaled.ports["LB_STATS_PORT"])
    for backend, server in (("rasa", "rasa1"), ("actions", "action1")):
        assert int(rows[(backend, server)]["chkdown"]) >= 1, f"HAProxy never saw {server} down"
    for backend, server in (("rasa", "rasa2"), ("actions", "action2")):
        assert rows[(backend, server)]["status"].startswith("UP"), "the survivor kept serving"
        assert int(rows[(backend, server)]["stot"]) > 0
    # supervisord restarted both; HAProxy takes them back once their health checks pass.
    for program, pid in killed.items():
        scaled.wait_restarted(program, pid)
    scaled.wait_balanced("actions", "action1", "UP")
    scaled.wait_balanced("rasa", "rasa1", "UP")


MARIA = 1001  # the playground's persona María José Andrade


async def type_secret(person: TelegramUser, value: str, step: str) -> None:
    """Type a secret; it must vanish from the chat and move the journey to `step`."""
    await person.say(value)
    await person.wait_step(step)
    assert await person.last_message_deleted(), "the secret stayed in the chat"


async def latest_sms_code(playground: PlaygroundClient, phone_e164: str) -> str:
    """The newest SMS code to a phone, from the playground's simulated phone."""
    for message in await playground.outbox():
        if message["channel"] == "sms" and message["recipient"] == phone_e164:
            codes = re.findall(r"\b\d{6}\b", message["body"])
            if codes:
                return str(codes[-1])
    raise AssertionError(f"no SMS code to {phone_e164}")


async def test_maria_jose_registers_through_every_balancer_while_servers_are_killed(
    scaled: ScaledSystem, bank: Bank, playground: PlaygroundClient
) -> None:
    secrets_typed = Secrets()
    maria = TelegramUser(
        playground,
        MARIA,
        step_of=lambda sender: bank.registration.current_step(sender_id=sender),
    )
    killed: dict[str, int] = {}

    def crash(program: str) -> None:
        killed[program] = scaled.kill(program)

    await maria.say("/start", expect="Registrarme")
    await maria.tap("Registrarme en Produbanco en línea")
    await maria.wait_step("identity_number")
    await maria.say("171003406-5")
    await maria.wait_step("pin")
    await type_secret(maria, secrets_typed.pin, "contact_confirmation")
    await asyncio.to_thread(crash, "rasa-2")
    await maria.tap("Generar OTP")
    await maria.wait_step("otp")
    await type_secret(maria, await latest_sms_code(playground, "+593991234567"), "username")
    await asyncio.to_thread(crash, "action-2")
    await maria.say("mjscaled2026")
    await maria.wait_step("username_confirmation")
    await maria.say("mjscaled2026")
    await maria.wait_step("password")
    await asyncio.to_thread(crash, "bot-1")
    await type_secret(maria, secrets_typed.password, "password_confirmation")
    await type_secret(maria, secrets_typed.password, "security_image")
    await maria.tap("3")
    await maria.wait_step("home_phone")
    await maria.say("02 234 5678")
    await maria.wait_step("work_phone")
    await maria.tap("No tengo")
    await maria.wait_step("challenge_first_name")
    await type_secret(maria, secrets_typed.first_name, "challenge_mother_surname")
    await type_secret(maria, secrets_typed.mother_surname, "challenge_father_surname")
    await type_secret(maria, secrets_typed.father_surname, "terms")
    await maria.tap("Acepto")
    await maria.wait_step("smart_device")
    await maria.tap("Sí")
    await maria.wait_step("second_factor")
    await maria.tap("Token digital")
    await maria.wait_step("token_activation")
    await maria.tap("Activar ahora")
    await maria.wait_step("token_code")
    uri = bank.registration.token_provisioning_uri(sender_id=maria.sender_id)
    code = pyotp.TOTP(parse_qs(urlparse(uri).query)["secret"][0]).now()
    await type_secret(maria, code, "completed")

    done = bot_messages(await maria.state())
    assert any("mjscaled2026" in (m["text"] or "") for m in done)
    assert_done_once(scaled, maria.sender_id, "mjscaled2026", "+593991234567")
    rows = balancer_rows(scaled.ports["LB_STATS_PORT"])
    for backend, server in (("rasa", "rasa2"), ("actions", "action2"), ("bots", "bot1")):
        assert int(rows[(backend, server)]["chkdown"]) >= 1, f"HAProxy never saw {server} down"
    for program, pid in killed.items():
        scaled.wait_restarted(program, pid)
    scaled.wait_balanced("bots", "bot1", "UP")
    scaled.wait_balanced("actions", "action2", "UP")
    scaled.wait_balanced("rasa", "rasa2", "UP")


# Frequent questions worded as in the training data, and a piece of each answer.
QUESTIONS = [
    ("cuánto dura el otp", "vigente por 5 minutos"),
    ("cuál es el número del call center", "1700 123 123"),
    ("cómo debe ser el usuario", "de 6 a 20 caracteres"),
    ("qué puedo hacer en produbanco en línea", "En Produbanco en línea puedes"),
    ("dónde consigo la clave de 4 dígitos", "a nivel nacional"),
]
ORDER_CHATS = 8


def answer_order(state: dict[str, object]) -> list[int]:
    """Which question each answer of the chat answers, in the order the chat shows them."""
    found = []
    for message in bot_messages(state):
        for index, (_, marker) in enumerate(QUESTIONS):
            if marker in (message["text"] or ""):
                found.append(index)
    return found


async def test_many_chats_typing_at_once_each_see_their_answers_in_order(
    scaled: ScaledSystem, playground: PlaygroundClient
) -> None:
    """Each chat sends its questions without waiting (a different order per chat); the updates
    are spread over both bot instances, yet every chat gets each answer once, in its order."""
    before = balancer_rows(scaled.ports["LB_STATS_PORT"])
    env = scaled.env()
    locks = redis.Redis(host="127.0.0.1", port=6379, db=int(env["LOCK_STORE_DB"]))
    lock_keys: set[bytes] = set()
    done = threading.Event()

    def watch_rasa_locks() -> None:
        """Rasa holds each conversation's lock in Redis while it handles a message."""
        while not done.is_set():
            lock_keys.update(locks.scan_iter(f"{env['LOCK_STORE_KEY_PREFIX']}:lock:*"))
            done.wait(0.01)

    watcher = threading.Thread(target=watch_rasa_locks, daemon=True)
    watcher.start()

    async def chat(number: int) -> tuple[list[int], list[int]]:
        persona = await playground.add_persona(f"Orden {number}", description="scaled e2e")
        user_id = int(persona["user_id"])
        order = [(number + step) % len(QUESTIONS) for step in range(len(QUESTIONS))]
        for index in order:
            await playground.send_text(user_id, QUESTIONS[index][0])
        await playground.wait_for(
            user_id, lambda s: len(answer_order(s)) >= len(order), timeout=240
        )
        await asyncio.sleep(2)  # nothing more (no answer twice) arrives afterwards
        return order, answer_order(await playground.chat(user_id))

    try:
        results = await asyncio.gather(*(chat(number) for number in range(ORDER_CHATS)))
    finally:
        done.set()
        watcher.join(timeout=5)
        locks.close()
    assert lock_keys, "the Rasa servers never took a conversation lock in Redis"
    for order, answers in results:
        assert answers == order, f"sent {order}, answered {answers}"
    after = balancer_rows(scaled.ports["LB_STATS_PORT"])
    for server in ("bot1", "bot2"):
        served = int(after[("bots", server)]["stot"]) - int(before[("bots", server)]["stot"])
        assert served > 0, f"{server} took none of the updates"
