"""Two real bot instances in webhook mode behind a round-robin balancer, sharing Redis.

The playground delivers updates to the balancer's webhook concurrently (as Telegram does), the
balancer alternates between the two instances, and a slow scripted Rasa records, per chat, the
order of the messages and how many of them it handled at once.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer
from playground_support import CUSTOMER, PARENT, Playground, running_playground
from redis.asyncio import Redis
from telegram_harness import cheap_bank

from bank.bootstrap import Bank
from bot.chat_state import chat_state_of
from bot.playground.client import bot_messages, find_button
from bot.playground.delivery import DeliverySettings
from bot.shared_state.chat_queue import RedisChatQueue
from bot.shared_state.settings import SharedStateSettings
from bot.telegram.application import build_application
from bot.telegram.runner import serve_webhook
from bot.telegram.settings import BotSettings, load_bot_settings
from bot.telegram.webhook import SECRET_HEADER
from tests.support.servers import free_port

pytestmark = pytest.mark.redis

REDIS_URL = "redis://127.0.0.1:6379/0"
SECRET = "shared-secret_" + secrets.token_hex(8)
MESSAGES = 12


@dataclass
class SlowRasa(httpx.AsyncBaseTransport):
    """Rasa's REST channel, slow enough for overlaps to show: per sender, the messages in the
    order they arrived and the most handled at once."""

    messages: dict[str, list[str]] = field(default_factory=dict)
    running: dict[str, int] = field(default_factory=dict)
    most_at_once: dict[str, int] = field(default_factory=dict)
    replies: list[list[dict[str, Any]]] = field(default_factory=list)  # then "ok"
    bodies: list[bytes] = field(default_factory=list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, text="Hello from Rasa: 3.6.21")
        raw = await request.aread()
        self.bodies.append(raw)
        body = json.loads(raw)
        sender = body["sender"]
        self.running[sender] = self.running.get(sender, 0) + 1
        self.most_at_once[sender] = max(self.most_at_once.get(sender, 0), self.running[sender])
        try:
            await asyncio.sleep(0.02)
            self.messages.setdefault(sender, []).append(body["message"])
        finally:
            self.running[sender] -= 1
        answer = self.replies.pop(0) if self.replies else [{"text": "ok"}]
        return httpx.Response(200, json=[{"recipient_id": sender, **item} for item in answer])


@dataclass
class Balancer:
    """Round-robin HTTP balancer in front of the instances' webhook servers."""

    targets: list[str]
    forwarded: dict[str, int] = field(default_factory=dict)

    def app(self, session_box: list[ClientSession]) -> web.Application:
        turn = itertools.cycle(self.targets)

        async def forward(request: web.Request) -> web.Response:
            target = next(turn)
            self.forwarded[target] = self.forwarded.get(target, 0) + 1
            headers = {SECRET_HEADER: request.headers.get(SECRET_HEADER, "")}
            async with session_box[0].post(
                target + request.path, data=await request.read(), headers=headers
            ) as answer:
                return web.Response(status=answer.status)

        app = web.Application()
        app.router.add_post("/{path:.*}", forward)
        return app


def instance_settings(playground: Playground, webhook_url: str, port: int) -> BotSettings:
    return load_bot_settings(
        {
            "PLAYGROUND_PORT": playground.url.rsplit(":", 1)[1],
            "BOT_MODE": "webhook",
            "WEBHOOK_URL": webhook_url,
            "WEBHOOK_PORT": str(port),
            "WEBHOOK_SECRET_TOKEN": SECRET,
            "RASA_TIMEOUT_SECONDS": "5",
        }
    )


@asynccontextmanager
async def webhook_instances(
    playground: Playground, rasa: SlowRasa, bank: Bank, shared: SharedStateSettings
) -> AsyncIterator[Balancer]:
    """Two bot instances and their balancer, registered as the playground's webhook."""
    ports = [free_port(), free_port()]
    balancer = Balancer([f"http://127.0.0.1:{port}" for port in ports])
    async with ClientSession() as session:
        server = TestServer(balancer.app([session]), host="127.0.0.1")
        await server.start_server()
        webhook_url = f"http://127.0.0.1:{server.port}/telegram/webhook"
        stop = asyncio.Event()
        tasks = []
        for port in ports:
            settings = instance_settings(playground, webhook_url, port)
            application = build_application(settings, bank, rasa_transport=rasa)
            tasks.append(
                asyncio.create_task(serve_webhook(application, settings, stop, shared=shared))
            )
        try:
            await until(lambda: playground.state.webhook is not None, "a webhook was set")
            yield balancer
        finally:
            stop.set()
            await asyncio.wait_for(asyncio.gather(*tasks), 20)
            await server.close()


async def until(condition: Callable[[], bool], what: str, limit: float = 20.0) -> None:
    """Wait for `condition` (the limit only stops a broken test; nothing is timed)."""

    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.02)

    try:
        await asyncio.wait_for(poll(), limit)
    except TimeoutError:
        pytest.fail(f"never happened: {what}")


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    name = f"test-instances:{secrets.token_hex(6)}"
    yield name
    redis = Redis.from_url(REDIS_URL)
    async for key in redis.scan_iter(match=f"{name}:*"):
        await redis.delete(key)
    await redis.aclose()


async def test_two_instances_keep_each_chats_order_and_answer_once(
    tmp_path: Path, prefix: str
) -> None:
    rasa = SlowRasa()
    bank = cheap_bank(tmp_path)
    shared = SharedStateSettings(
        redis_url=REDIS_URL, key_prefix=prefix, lease_seconds=3, gap_wait_seconds=2
    )
    fast = DeliverySettings(first_retry_seconds=0.05, max_retry_seconds=0.2)
    try:
        async with (
            running_playground(delivery=fast) as playground,
            webhook_instances(playground, rasa, bank, shared) as balancer,
        ):
            for number in range(MESSAGES):
                for user in (CUSTOMER, PARENT):
                    await playground.client.send_text(user, f"mensaje {number}")
            expected = [f"mensaje {number}" for number in range(MESSAGES)]

            def all_answered() -> bool:
                return all(
                    len(rasa.messages.get(f"tg:{u}", [])) >= MESSAGES for u in (CUSTOMER, PARENT)
                )

            await until(all_answered, "Rasa got every message")
            await asyncio.sleep(0.3)  # a duplicate would arrive by now
            info = playground.state.webhook_info()
    finally:
        bank.dispose()

    assert rasa.messages[f"tg:{CUSTOMER}"] == expected
    assert rasa.messages[f"tg:{PARENT}"] == expected
    assert rasa.most_at_once == {f"tg:{CUSTOMER}": 1, f"tg:{PARENT}": 1}
    assert sorted(balancer.forwarded.values()) == [MESSAGES, MESSAGES]  # both instances got half
    assert info["pending_update_count"] == 0


async def test_without_redis_the_webhook_answers_503_so_telegram_retries(tmp_path: Path) -> None:
    bank = cheap_bank(tmp_path)
    unreachable = SharedStateSettings(redis_url=f"redis://127.0.0.1:{free_port()}/0")
    port = free_port()
    try:
        async with running_playground() as playground:
            settings = instance_settings(playground, "http://127.0.0.1:1/unused", port)
            application = build_application(settings, bank, rasa_transport=SlowRasa())
            stop = asyncio.Event()
            server = asyncio.create_task(
                serve_webhook(application, settings, stop, register=False, shared=unreachable)
            )
            update: dict[str, Any] = {
                "update_id": 1,
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "chat": {"id": CUSTOMER, "type": "private"},
                    "from": {"id": CUSTOMER, "is_bot": False, "first_name": "María"},
                    "text": "hola",
                },
            }
            url = f"http://127.0.0.1:{port}{settings.webhook_path}"
            try:
                async with httpx.AsyncClient() as http:
                    for _ in range(100):
                        try:
                            answer = await http.post(
                                url, json=update, headers={SECRET_HEADER: SECRET}
                            )
                            break
                        except httpx.ConnectError:
                            await asyncio.sleep(0.05)
                    assert answer.status_code == 503
            finally:
                stop.set()
                await asyncio.wait_for(server, 20)
    finally:
        bank.dispose()


async def test_a_chat_moves_between_instances_without_losing_its_state(
    tmp_path: Path, prefix: str
) -> None:
    """Consecutive updates go to alternate instances: a secret prompt set by one is honoured by
    the other, and a keyboard sent by one is tapped through the other (all in the database)."""
    rasa = SlowRasa()
    bank = cheap_bank(tmp_path)
    shared = SharedStateSettings(redis_url=REDIS_URL, key_prefix=prefix, lease_seconds=3)
    try:
        async with (
            running_playground() as playground,
            webhook_instances(playground, rasa, bank, shared) as balancer,
        ):
            client = playground.client

            async def say(text: str, answers: int) -> dict[str, Any]:
                before = len(bot_messages(await client.chat(CUSTOMER)))
                await client.send_text(CUSTOMER, text)
                return await client.wait_for(
                    CUSTOMER, lambda s: len(bot_messages(s)) >= before + answers, timeout=20
                )

            rasa.replies.append(
                [{"text": "Escribe tu clave"}, {"custom": {"type": "secure_input", "kind": "pin"}}]
            )
            await say("quiero registrarme", 1)
            rasa.replies.append(
                [{"text": "¿Seguimos?", "buttons": [{"title": "Sí", "payload": "/affirm"}]}]
            )
            state = await say("4321", 2)  # the deletion notice and the question
            question = bot_messages(state)[-1]
            await client.tap(
                CUSTOMER, question["message_id"], find_button(question, "Sí")["callback_data"]
            )
            await until(lambda: len(rasa.messages.get(f"tg:{CUSTOMER}", [])) == 3, "the tap")
            forwarded = dict(balancer.forwarded)
    finally:
        bank.dispose()

    first, secret, tap = rasa.messages[f"tg:{CUSTOMER}"]
    assert first == "quiero registrarme"
    assert json.loads(secret[len("/inform") :])["secret_ref"].startswith("sb_")
    assert tap == "/affirm"
    assert b"4321" not in b"".join(rasa.bodies)
    assert sorted(forwarded.values()) == [1, 2]  # the three updates alternated


@dataclass
class DownRasa(httpx.AsyncBaseTransport):
    """Rasa is not reachable at all."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)


async def test_stopping_an_instance_ends_its_wait_for_rasa_and_answers_the_chat(
    tmp_path: Path, prefix: str
) -> None:
    """A stop during a Rasa outage: the update under way finishes at once with the "write again"
    apology (it is not cut off and left for another instance after the grace period)."""
    bank = cheap_bank(tmp_path)
    shared = SharedStateSettings(redis_url=REDIS_URL, key_prefix=prefix, lease_seconds=3)
    port = free_port()
    try:
        async with running_playground() as playground:
            settings = instance_settings(
                playground, f"http://127.0.0.1:{port}/telegram/webhook", port
            )
            application = build_application(settings, bank, rasa_transport=DownRasa())
            stop = asyncio.Event()
            server = asyncio.create_task(serve_webhook(application, settings, stop, shared=shared))
            try:
                await until(lambda: playground.state.webhook is not None, "a webhook was set")
                await playground.client.send_text(CUSTOMER, "hola")
                await playground.client.wait_for(
                    CUSTOMER,
                    lambda s: any("Un momento" in (m["text"] or "") for m in bot_messages(s)),
                    timeout=20,
                )
                stop.set()
                await asyncio.wait_for(server, 20)
                last = bot_messages(await playground.client.chat(CUSTOMER))[-1]
            finally:
                stop.set()
                if not server.done():
                    server.cancel()
    finally:
        bank.dispose()
    assert "No pude conectarme" in (last["text"] or "")


async def test_a_turn_cut_off_by_a_killed_instance_gets_the_apology_and_the_step_again(
    tmp_path: Path, prefix: str
) -> None:
    """What a kill -9 mid-turn leaves: the chat's lock (until its lease ends), the update begun
    and claimed in the bank. The surviving instance does not send the message to Rasa again: it
    apologises and asks the current step again."""
    rasa = SlowRasa()
    rasa.replies.append([{"text": "Sigamos: escribe tu cédula"}])
    bank = cheap_bank(tmp_path)
    shared = SharedStateSettings(redis_url=REDIS_URL, key_prefix=prefix, lease_seconds=0.6)
    port = free_port()
    update = {
        "update_id": 5,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": CUSTOMER, "type": "private"},
            "from": {"id": CUSTOMER, "is_bot": False, "first_name": "María"},
            "text": "1712345678",
        },
    }
    try:
        async with running_playground() as playground:
            settings = instance_settings(
                playground, f"http://127.0.0.1:{port}/telegram/webhook", port
            )
            redis = Redis.from_url(REDIS_URL)
            dead = RedisChatQueue(redis, f"{prefix}:{settings.bot_id}")
            assert await dead.acquire(CUSTOMER, "killed", lease_ms=1000)
            assert await dead.record(CUSTOMER, 5, json.dumps(update))
            await dead.begin(CUSTOMER, "killed", 5)
            assert chat_state_of(bank).updates.claim(settings.bot_id, 5)
            await redis.aclose()

            application = build_application(settings, bank, rasa_transport=rasa)
            stop = asyncio.Event()
            server = asyncio.create_task(serve_webhook(application, settings, stop, shared=shared))
            try:
                state = await playground.client.wait_for(
                    CUSTOMER, lambda s: len(bot_messages(s)) >= 2, timeout=20
                )
            finally:
                stop.set()
                await asyncio.wait_for(server, 20)
    finally:
        bank.dispose()
    shown = [message["text"] for message in bot_messages(state)]
    assert "no te llegó" in shown[0]
    assert shown[1] == "Sigamos: escribe tu cédula"
    assert rasa.messages == {f"tg:{CUSTOMER}": ["/resume_after_agent"]}
