"""The playground's webhook mode: setWebhook, delivery with the secret header, retries, 409."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import telegram
from aiohttp import web
from aiohttp.test_utils import TestServer
from playground_support import CUSTOMER, PARENT, Playground, running_playground
from telegram.error import BadRequest, Conflict

from bot.playground.delivery import SECRET_HEADER, DeliverySettings

SECRET = "s3cret_token-1"
FAST_RETRIES = DeliverySettings(timeout_seconds=5, first_retry_seconds=0.02, max_retry_seconds=0.1)


@dataclass
class Receiver:
    """A stand-in bot webhook: records every POST and answers with scripted statuses."""

    statuses: list[int] = field(default_factory=list)  # answered in turn, then 200
    received: list[tuple[str | None, dict[str, Any]]] = field(default_factory=list)
    delivered: list[int] = field(default_factory=list)
    gate: asyncio.Event | None = None  # when set, each POST waits for it
    in_flight: int = 0
    most_in_flight: int = 0
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append((request.headers.get(SECRET_HEADER), body))
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if self.gate is not None:
                await self.gate.wait()
        finally:
            self.in_flight -= 1
        status = self.statuses.pop(0) if self.statuses else 200
        if status == 200:
            self.delivered.append(body["update_id"])
        return web.Response(status=status)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def serve(receiver: Receiver, port: int | None = None) -> TestServer:
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    server = TestServer(app, host="127.0.0.1", port=port)
    await server.start_server()
    receiver.url = f"http://127.0.0.1:{server.port}/hook"
    return server


async def until(condition: Callable[[], bool], what: str, limit: float = 10.0) -> None:
    """Wait for `condition` (the limit only stops a broken test; nothing is timed)."""

    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.01)

    try:
        await asyncio.wait_for(poll(), limit)
    except TimeoutError:
        pytest.fail(f"never happened: {what}")


@pytest.fixture
async def playground() -> AsyncIterator[Playground]:
    async with running_playground(delivery=FAST_RETRIES) as running:
        yield running


@pytest.fixture
async def bot(playground: Playground) -> AsyncIterator[telegram.Bot]:
    async with playground.bot() as bot:
        yield bot


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    server = await serve(receiver)
    yield receiver
    await server.close()


async def test_updates_are_posted_with_the_secret_header(
    bot: telegram.Bot, playground: Playground, receiver: Receiver
) -> None:
    assert await bot.set_webhook(receiver.url, secret_token=SECRET, allowed_updates=["message"])
    update_id, _ = playground.state.user_sends(CUSTOMER, "hola")

    await until(lambda: receiver.delivered == [update_id], "the update reached the webhook")
    secret, body = receiver.received[0]
    assert secret == SECRET
    assert body["message"]["text"] == "hola"
    assert body["message"]["chat"]["id"] == CUSTOMER
    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count, info.last_error_date) == (receiver.url, 0, None)
    assert info.allowed_updates == ("message",)


async def test_get_updates_is_refused_while_a_webhook_is_set(
    bot: telegram.Bot, receiver: Receiver
) -> None:
    await bot.set_webhook(receiver.url, secret_token=SECRET)
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()


async def test_a_waiting_long_poll_ends_with_409_when_a_webhook_is_set(
    bot: telegram.Bot, playground: Playground, receiver: Receiver
) -> None:
    poll = asyncio.create_task(playground.raw("getUpdates", json={"timeout": 20}))
    await until(lambda: playground.state._poll_generation == 1, "the long poll is waiting")
    await bot.set_webhook(receiver.url)
    answer = await poll
    assert answer.status_code == 409
    assert "webhook is active" in answer.json()["description"]


async def test_failed_deliveries_are_retried_until_the_bot_answers_2xx(
    bot: telegram.Bot, playground: Playground, receiver: Receiver
) -> None:
    receiver.statuses = [500, 502, 503]
    await bot.set_webhook(receiver.url, secret_token=SECRET)
    update_id, _ = playground.state.user_sends(CUSTOMER, "hola")

    await until(lambda: receiver.delivered == [update_id], "delivered after three failures")
    assert [body["update_id"] for _, body in receiver.received] == [update_id] * 4
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 0
    assert info.last_error_message == "Wrong response from the webhook: 503"
    assert info.last_error_date is not None


async def test_updates_written_while_the_bot_is_down_arrive_when_it_is_back(
    bot: telegram.Bot, playground: Playground
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    await bot.set_webhook(url, secret_token=SECRET)
    first, _ = playground.state.user_sends(CUSTOMER, "uno")
    second, _ = playground.state.user_sends(PARENT, "dos")
    await until(
        lambda: playground.state.webhook_error is not None, "a refused connection was recorded"
    )
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 2
    assert (info.last_error_message or "").startswith("Connection failed")

    receiver = Receiver()
    server = await serve(receiver, port)
    try:
        await until(lambda: sorted(receiver.delivered) == [first, second], "both delivered")
    finally:
        await server.close()
    assert (await bot.get_webhook_info()).pending_update_count == 0


async def test_at_most_max_connections_deliveries_are_in_flight(
    bot: telegram.Bot, playground: Playground, receiver: Receiver
) -> None:
    receiver.gate = asyncio.Event()
    await bot.set_webhook(receiver.url, secret_token=SECRET, max_connections=2)
    sent = [playground.state.user_sends(CUSTOMER, f"mensaje {n}")[0] for n in range(5)]
    await until(lambda: receiver.in_flight == 2, "two deliveries in flight")
    await asyncio.sleep(0.1)  # a third would have started by now if allowed
    assert receiver.in_flight == 2
    assert sorted(body["update_id"] for _, body in receiver.received) == sent[:2]
    receiver.gate.set()
    await until(lambda: sorted(receiver.delivered) == sent, "all five delivered")
    assert receiver.most_in_flight == 2


async def test_with_one_connection_updates_arrive_one_by_one_in_order_despite_retries(
    bot: telegram.Bot, playground: Playground, receiver: Receiver
) -> None:
    receiver.statuses = [500, 500]  # the first update fails twice
    await bot.set_webhook(receiver.url, secret_token=SECRET, max_connections=1)
    sent = [playground.state.user_sends(CUSTOMER, f"mensaje {n}")[0] for n in range(4)]
    await until(lambda: receiver.delivered == sent, "all four delivered")
    assert [body["update_id"] for _, body in receiver.received] == [sent[0]] * 3 + sent[1:]
    assert receiver.most_in_flight == 1


async def test_setting_the_same_webhook_again_is_idempotent(
    bot: telegram.Bot, playground: Playground, receiver: Receiver
) -> None:
    for _ in range(3):  # three bot instances behind one load balancer
        assert await bot.set_webhook(receiver.url, secret_token=SECRET)
    update_id, _ = playground.state.user_sends(CUSTOMER, "hola")
    await until(lambda: receiver.delivered == [update_id], "delivered")
    await asyncio.sleep(0.1)
    assert len(receiver.received) == 1
    assert (await bot.get_webhook_info()).url == receiver.url


async def test_delete_webhook_goes_back_to_get_updates_with_the_undelivered_updates(
    bot: telegram.Bot, playground: Playground
) -> None:
    await bot.set_webhook(f"http://127.0.0.1:{free_port()}/hook")
    update_id, _ = playground.state.user_sends(CUSTOMER, "hola")
    await until(lambda: playground.state.webhook_error is not None, "a failed delivery")

    assert await bot.delete_webhook()
    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count, info.last_error_message) == ("", 1, None)
    updates = await bot.get_updates(timeout=0)
    assert [update.update_id for update in updates] == [update_id]


async def test_delete_webhook_can_drop_the_pending_updates(
    bot: telegram.Bot, playground: Playground
) -> None:
    await bot.set_webhook(f"http://127.0.0.1:{free_port()}/hook")
    playground.state.user_sends(CUSTOMER, "hola")
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert (await bot.get_webhook_info()).pending_update_count == 0
    assert await bot.get_updates(timeout=0) == ()


async def test_set_webhook_with_an_empty_url_removes_it(
    bot: telegram.Bot, receiver: Receiver
) -> None:
    await bot.set_webhook(receiver.url)
    assert await bot.set_webhook("")
    assert (await bot.get_webhook_info()).url == ""
    assert await bot.get_updates(timeout=0) == ()


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda bot: bot.set_webhook("ftp://127.0.0.1/hook"), "HTTPS URL must be provided"),
        (lambda bot: bot.set_webhook("https://example.com/hook"), "Failed to resolve host"),
        (
            lambda bot: bot.set_webhook("http://127.0.0.1:1/hook", secret_token="no spaces"),
            "secret token contains unallowed characters",
        ),
        (
            lambda bot: bot.set_webhook("http://127.0.0.1:1/hook", max_connections=101),
            "max_connections",
        ),
    ],
)
async def test_set_webhook_checks_its_parameters(
    bot: telegram.Bot,
    playground: Playground,
    call: Callable[[telegram.Bot], Awaitable[bool]],
    error: str,
) -> None:
    with pytest.raises(BadRequest, match=f"(?i){error}"):
        await call(bot)
    assert playground.state.webhook is None


async def test_a_named_host_is_accepted_when_the_playground_was_told_about_it() -> None:
    from bot.playground.state import PlaygroundState

    state = PlaygroundState(first_update_id=1, webhook_hosts=["bots.internal"])
    async with running_playground(state=state) as playground, playground.bot() as bot:
        assert await bot.set_webhook("http://bots.internal:8443/telegram/webhook")
        assert (await bot.get_webhook_info()).url == "http://bots.internal:8443/telegram/webhook"


def test_the_retry_backoff_doubles_up_to_its_limit() -> None:
    settings = DeliverySettings(first_retry_seconds=0.5, max_retry_seconds=3.0)
    assert [settings.retry_in(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]
