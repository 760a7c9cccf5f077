"""Throughput of the scaled topology (`make run-scaled`) at 20 and 50 chats at once.

Starts the real launcher (supervisord, HAProxy, 2 bots in webhook mode, 2 Rasa servers, 2 action
servers, PostgreSQL, Redis) on free ports with fresh databases, adds the bench customers, and
plays a registration prefix (greeting, a frequent question, start, cédula, PIN) in many chats at
once through the playground: playground -> HAProxy -> bots -> HAProxy -> Rasa -> HAProxy ->
action servers. Then the same turns straight to the Rasa balancer over REST (no Telegram tier),
to compare with bench/compare.py's single Rasa server. Prints turns/s, p50 and p95; asserts
nothing. Stops everything at the end, also on failure.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Final

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bank.bootstrap import build_bank  # noqa: E402
from bank.settings import load_settings  # noqa: E402
from bench.registration_latency import BENCH_PIN, add_bench_customers, bench_people  # noqa: E402
from bench.telegram_latency import new_chat, percentile, registration_prefix  # noqa: E402
from bot.playground.client import PlaygroundClient  # noqa: E402
from tests.support.scaled import ScaledSystem  # noqa: E402
from tests.support.servers import current_model  # noqa: E402

CONCURRENCY: Final = (20, 50)


def line(label: str, seconds: list[float], wall: float) -> str:
    """One row: turns, turns/s, p50, p95, max."""
    return (
        f"{label:<38}{len(seconds):>6}{len(seconds) / wall:>9.1f}"
        f"{statistics.median(seconds) * 1000:>9.0f}{percentile(seconds, 0.95) * 1000:>9.0f}"
        f"{max(seconds) * 1000:>9.0f}"
    )


HEADER: Final = f"{'':<38}{'turns':>6}{'turns/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"


async def through_telegram(
    system: ScaledSystem, people: list[tuple[str, str]]
) -> tuple[list[float], float]:
    """Every person's registration prefix in its own playground chat, all at once."""
    async with httpx.AsyncClient(timeout=120.0) as http:
        client = PlaygroundClient(system.url("PLAYGROUND_PORT"), http)
        chats = [await new_chat(client, f"Bench {index}") for index in range(len(people))]
        started = time.perf_counter()
        pairs = zip(chats, people, strict=True)
        await asyncio.gather(*(registration_prefix(chat, cedula) for chat, (cedula, _) in pairs))
        wall = time.perf_counter() - started
    return [seconds for chat in chats for _, seconds in chat.timings], wall


async def rest_turn(http: httpx.AsyncClient, url: str, sender: str, text: str) -> float:
    started = time.perf_counter()
    response = await http.post(
        f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}
    )
    response.raise_for_status()
    return time.perf_counter() - started


async def through_rest(
    system: ScaledSystem, people: list[tuple[str, str]], label: str
) -> tuple[list[float], float]:
    """The same turns (the PIN typed as a message) straight to the Rasa balancer."""
    url = system.url("RASA_LB_PORT")

    async def one(index: int, cedula: str) -> list[float]:
        sender = f"bench-rest-{label}-{index}"
        return [
            await rest_turn(http, url, sender, text)
            for text in ("hola", "¿cuánto dura el código?", "quiero registrarme", cedula, BENCH_PIN)
        ]

    async with httpx.AsyncClient(timeout=120.0) as http:
        started = time.perf_counter()
        results = await asyncio.gather(*(one(i, cedula) for i, (cedula, _) in enumerate(people)))
        wall = time.perf_counter() - started
    return [seconds for result in results for seconds in result], wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, nargs="*", default=list(CONCURRENCY))
    args = parser.parse_args()
    sizes: list[int] = args.concurrency
    # Distinct customers for every chat of every phase (a cédula is registered once).
    people = bench_people(2 + 2 * sum(sizes))
    with tempfile.TemporaryDirectory(prefix="bench-scaled-") as workdir:
        system = ScaledSystem(workdir=Path(workdir), model=current_model())
        try:
            started = time.monotonic()
            system.start()
            print(f"Scaled topology up in {time.monotonic() - started:.0f} s", flush=True)
            bank = build_bank(load_settings(system.env()))
            try:
                add_bench_customers(bank, people)
            finally:
                bank.dispose()
            # Warm-up, then one chat alone: the cost of a turn through every tier.
            asyncio.run(through_telegram(system, people[:1]))
            seconds, wall = asyncio.run(through_telegram(system, people[1:2]))
            rows = [line("Telegram stand-in, 1 chat", seconds, wall)]
            used = 2
            for size in sizes:
                group = people[used : used + size]
                used += size
                seconds, wall = asyncio.run(through_telegram(system, group))
                rows.append(line(f"Telegram stand-in, {size} chats at once", seconds, wall))
            for size in sizes:
                group = people[used : used + size]
                used += size
                seconds, wall = asyncio.run(through_rest(system, group, str(size)))
                rows.append(line(f"REST to the Rasa balancer, {size} at once", seconds, wall))
        finally:
            system.stop()
    print("\nScaled topology (2 bots, 2 Rasa, 2 action servers behind HAProxy; PostgreSQL, Redis)")
    print("Turns: hola, a frequent question, quiero registrarme, cédula, PIN; per chat in order.")
    print(HEADER)
    for row in rows:
        print(row)


if __name__ == "__main__":
    main()
