"""Riding out a Rasa restart: which failures are retried (only those where the message provably
did not reach Rasa), "un momento" once per chat per outage, bounds, stop, and health checks."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from bot_fakes import RASA_URL, FakeSecretStore

from bot.backoff import Backoff
from bot.conversation import Conversation
from bot.conversation_stores import InMemoryPendingInputStore
from bot.rasa_client import RasaClient
from bot.rasa_errors import RasaNoAnswer, RasaNotReached
from bot.rasa_messages import TextMessage
from bot.rasa_outage import RasaOutage
from bot.telegram.application import health_probes
from bot.telegram.settings import load_bot_settings

FAST = Backoff(attempts=1000, first_delay=0.01, max_delay=0.02, total_seconds=5.0)
ANSWER = [{"recipient_id": "tg:1", "text": "¿Cuál es tu número de cédula?"}]


class ScriptedRasa:
    """Answers each POST with the next scripted outcome (an httpx error to raise, a status or
    a JSON body), then with ANSWER; records every message it actually received."""

    def __init__(self, *outcomes: object) -> None:
        self.outcomes = list(outcomes)
        self.received: list[str] = []
        self.attempts = 0

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, text="Hello from Rasa")
        self.attempts += 1
        outcome = self.outcomes.pop(0) if self.outcomes else ANSWER
        if isinstance(outcome, type) and issubclass(outcome, httpx.ConnectError):
            raise outcome("refused", request=request)
        self.received.append(json.loads(request.content)["message"])
        if isinstance(outcome, type) and issubclass(outcome, httpx.TransportError):
            raise outcome("lost", request=request)
        if isinstance(outcome, int):
            return httpx.Response(outcome, text="error")
        return httpx.Response(200, json=outcome)


@pytest.fixture
async def http_for() -> AsyncIterator[Callable[[ScriptedRasa], RasaClient]]:
    clients: list[httpx.AsyncClient] = []

    def make(rasa: ScriptedRasa) -> RasaClient:
        http = httpx.AsyncClient(transport=httpx.MockTransport(rasa.handler))
        clients.append(http)
        return RasaClient(http, RASA_URL)

    yield make
    for http in clients:
        await http.aclose()


class Told:
    def __init__(self) -> None:
        self.count = 0

    async def __call__(self) -> None:
        self.count += 1


async def test_a_refused_message_waits_says_a_moment_once_and_is_answered(
    http_for: Callable[[ScriptedRasa], RasaClient],
) -> None:
    rasa = ScriptedRasa(httpx.ConnectError, httpx.ConnectError, httpx.ConnectError)
    outage, told = RasaOutage(FAST, max_waiting=4), Told()
    replies = await outage.send(http_for(rasa), "tg:1", "1710034065", None, on_waiting=told)
    assert replies == [TextMessage(text="¿Cuál es tu número de cédula?")]
    assert told.count == 1 and rasa.attempts == 4 and rasa.received == ["1710034065"]
    assert outage.waiting == 0


@pytest.mark.parametrize("status", [502, 503])
async def test_a_proxy_or_a_server_not_ready_is_waited_for(
    http_for: Callable[[ScriptedRasa], RasaClient], status: int
) -> None:
    rasa = ScriptedRasa(status)
    replies = await RasaOutage(FAST, max_waiting=4).send(http_for(rasa), "tg:1", "hola", None)
    assert replies and rasa.attempts == 2


@pytest.mark.parametrize(
    "lost",
    [httpx.ReadTimeout, httpx.RemoteProtocolError, 500, "not json"],
    ids=["read-timeout", "dropped", "http-500", "broken-body"],
)
async def test_a_message_rasa_may_have_processed_is_never_sent_again(
    http_for: Callable[[ScriptedRasa], RasaClient], lost: object
) -> None:
    rasa = ScriptedRasa(lost)
    if lost == "not json":
        rasa.outcomes = [{"not": "a list"}]
    with pytest.raises(RasaNoAnswer):
        await RasaOutage(FAST, max_waiting=4).send(http_for(rasa), "tg:1", "1710034065", None)
    assert rasa.attempts == 1 and rasa.received == ["1710034065"]


async def test_the_wait_is_bounded_in_time(
    http_for: Callable[[ScriptedRasa], RasaClient],
) -> None:
    short = Backoff(attempts=1000, first_delay=0.01, max_delay=0.02, total_seconds=0.2)
    rasa = ScriptedRasa(*[httpx.ConnectError] * 1000)
    with pytest.raises(RasaNotReached):
        await RasaOutage(short, max_waiting=4).send(http_for(rasa), "tg:1", "hola", None)
    assert 1 < rasa.attempts < 1000 and rasa.received == []


async def test_a_moment_is_said_once_per_chat_per_outage(
    http_for: Callable[[ScriptedRasa], RasaClient],
) -> None:
    short = Backoff(attempts=3, first_delay=0.01, max_delay=0.01, total_seconds=1.0)
    outage, told = RasaOutage(short, max_waiting=4), Told()
    down = ScriptedRasa(*[httpx.ConnectError] * 6)
    for _ in range(2):  # the same outage: two messages that both give up
        with pytest.raises(RasaNotReached):
            await outage.send(http_for(down), "tg:1", "hola", None, on_waiting=told)
    assert told.count == 1
    await outage.send(http_for(ScriptedRasa()), "tg:2", "hola", None)  # Rasa is back
    again = ScriptedRasa(httpx.ConnectError)  # a new outage
    await outage.send(http_for(again), "tg:1", "hola", None, on_waiting=told)
    assert told.count == 2


async def test_at_most_max_waiting_messages_wait_the_others_fail_at_once(
    http_for: Callable[[ScriptedRasa], RasaClient],
) -> None:
    outage = RasaOutage(FAST, max_waiting=1)
    waiting = ScriptedRasa(*[httpx.ConnectError] * 20)
    first = asyncio.create_task(outage.send(http_for(waiting), "tg:1", "hola", None))
    while outage.waiting == 0:
        await asyncio.sleep(0.005)
    refused = ScriptedRasa(httpx.ConnectError)
    told = Told()
    with pytest.raises(RasaNotReached):
        await outage.send(http_for(refused), "tg:2", "hola", None, on_waiting=told)
    assert refused.attempts == 1 and told.count == 0
    assert await first and outage.waiting == 0


async def test_stop_ends_every_wait_at_once(
    http_for: Callable[[ScriptedRasa], RasaClient],
) -> None:
    patient = Backoff(attempts=1000, first_delay=5.0, max_delay=5.0, total_seconds=600.0)
    outage = RasaOutage(patient, max_waiting=4)
    rasa = ScriptedRasa(*[httpx.ConnectError] * 5)
    waiting = asyncio.create_task(outage.send(http_for(rasa), "tg:1", "hola", None))
    while outage.waiting == 0:
        await asyncio.sleep(0.005)
    outage.stop()
    with pytest.raises(RasaNotReached):
        await asyncio.wait_for(waiting, 1.0)  # far less than the 5 s backoff step
    assert rasa.received == []
    assert not await outage.wait_until_healthy()


async def test_health_waits_for_every_probe() -> None:
    answers = {"rasa": [False, True, True], "actions": [False, False, True]}

    def probe(name: str) -> Callable[[], Awaitable[bool]]:
        async def check() -> bool:
            return answers[name].pop(0) if answers[name] else True

        return check

    outage = RasaOutage(FAST, max_waiting=1, probes=[probe("rasa"), probe("actions")])
    assert await outage.wait_until_healthy()
    assert answers == {"rasa": [], "actions": []}
    never = RasaOutage(Backoff(1000, 0.01, 0.01, 0.1), max_waiting=1, probes=[probe_never_healthy])
    assert not await never.wait_until_healthy()


async def probe_never_healthy() -> bool:
    return False


async def test_rasa_client_health_is_its_root_page() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200 if request.url.path == "/" else 404)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        assert await RasaClient(http, RASA_URL).healthy()

    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(refused)) as http:
        assert not await RasaClient(http, RASA_URL).healthy()


async def test_the_conversation_marks_what_may_have_been_processed(
    http_for: Callable[[ScriptedRasa], RasaClient],
) -> None:
    def conversation(rasa: ScriptedRasa) -> Conversation:
        outage = RasaOutage(Backoff(2, 0.01, 0.01, 1.0), max_waiting=4)
        return Conversation(
            http_for(rasa), FakeSecretStore(), InMemoryPendingInputStore(), outage=outage
        )

    empty = await conversation(ScriptedRasa([])).handle_text("tg:1", "hola")
    timed_out = await conversation(ScriptedRasa(httpx.ReadTimeout)).handle_text("tg:1", "hola")
    never = ScriptedRasa(httpx.ConnectError, httpx.ConnectError)
    not_reached = await conversation(never).handle_text("tg:1", "hola")
    assert (empty.delivered, empty.maybe_processed) == (False, True)
    assert (timed_out.delivered, timed_out.maybe_processed) == (False, True)
    assert (not_reached.delivered, not_reached.maybe_processed) == (False, False)
    assert never.received == []


async def test_the_action_server_is_probed_only_when_its_url_is_set() -> None:
    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        healthy = request.url.port == 5005 or request.url.path == "/health"
        return httpx.Response(200 if healthy else 404)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        rasa = RasaClient(http, "http://127.0.0.1:5005")
        without = health_probes(http, rasa, load_bot_settings({}))
        with_actions = health_probes(
            http, rasa, load_bot_settings({"ACTION_SERVER_URL": "http://127.0.0.1:5055/"})
        )
        assert [await probe() for probe in without] == [True]
        assert [await probe() for probe in with_actions] == [True, True]
    assert asked[-1] == "http://127.0.0.1:5055/health"
