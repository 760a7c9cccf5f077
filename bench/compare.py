"""The minimal form bot (bench/minimal_bot/) and our assistant under the same REST load.

Issue 13's baseline: both Rasa servers come from our `.venv-rasa`, run one after the other (so
each has both cores), and get the same conversations: "hola", "quiero registrarme", a valid
cédula (bench customers, so our journey stops at the PIN step). Figures: one conversation at a
time, 20 at once, optionally one long conversation; each Rasa server's resident memory after the
load and model load time. Prints a markdown table with the ratios ours/minimal; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from minimal_bot_runner import (  # noqa: E402
    MinimalBot,
    resident_mib,
    spawn_group,
    stop_group,
    stop_on_sigterm,
)
from registration_latency import add_bench_customers, bench_people  # noqa: E402

from bank.bootstrap import build_bank  # noqa: E402
from bank.settings import load_settings  # noqa: E402
from tests.support.servers import Servers, current_model  # noqa: E402

LONG_MESSAGES = ("hola", "gracias", "¿qué es la cuenta mini?")
LONG_TURNS = 400
EARLY = slice(9, 30)  # turns 10-30
LATE = slice(379, 400)  # turns 380-400

# (label, minimal bot's value, our value, how to show a value)
Row = tuple[str, float, float, Callable[[float], str]]


class GroupedServers(Servers):
    """Our servers, each in its own process group, stopped group and all."""

    def env(self) -> dict[str, str]:
        return {**super().env(), "RASA_TELEMETRY_ENABLED": "false"}

    def _spawn(self, name: str, command: list[str]) -> None:
        self.processes[name] = spawn_group(
            command, cwd=REPO, env=self.env(), log=self.log_dir / f"{name}.log"
        )

    def stop_process(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is not None:
            stop_group(process)


@dataclass
class Figures:
    """What one bot measured."""

    load_seconds: float = 0.0
    rss_mib: float = 0.0
    sequential: list[float] = field(default_factory=list)
    sequential_wall: float = 0.0
    concurrent: list[float] = field(default_factory=list)
    concurrent_wall: float = 0.0
    long: list[float] = field(default_factory=list)
    last_reply: str = ""


async def turn(client: httpx.AsyncClient, url: str, sender: str, text: str) -> tuple[float, str]:
    """Send one message; the seconds until the whole reply arrived, and the reply's text."""
    started = time.perf_counter()
    response = await client.post(
        f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}
    )
    seconds = time.perf_counter() - started
    response.raise_for_status()
    return seconds, " | ".join(str(m.get("text", "")) for m in response.json())


async def registration_start(
    client: httpx.AsyncClient, url: str, sender: str, cedula: str, figures: Figures
) -> list[float]:
    """Greet, ask to register, type the cédula; the seconds of each turn."""
    seconds = []
    for text in ("hola", "quiero registrarme", cedula):
        elapsed, reply = await turn(client, url, sender, text)
        seconds.append(elapsed)
    figures.last_reply = reply
    return seconds


@dataclass(frozen=True)
class Load:
    """The cédulas each phase uses (unique per conversation) and whether to run the long one."""

    warmup: str
    sequential: list[str]
    concurrent: list[str]
    long: bool


async def drive(url: str, label: str, load: Load, figures: Figures) -> None:
    """Warm up, then one conversation at a time, then several at once, then the long one."""
    async with httpx.AsyncClient(timeout=300.0) as client:
        await registration_start(client, url, f"{label}-warmup", load.warmup, figures)

        started = time.perf_counter()
        for index, cedula in enumerate(load.sequential):
            figures.sequential += await registration_start(
                client, url, f"{label}-seq-{index}", cedula, figures
            )
        figures.sequential_wall = time.perf_counter() - started

        started = time.perf_counter()
        results = await asyncio.gather(
            *(
                registration_start(client, url, f"{label}-par-{index}", cedula, figures)
                for index, cedula in enumerate(load.concurrent)
            )
        )
        figures.concurrent_wall = time.perf_counter() - started
        figures.concurrent = [seconds for result in results for seconds in result]

        if load.long:
            for index in range(LONG_TURNS):
                message = LONG_MESSAGES[index % len(LONG_MESSAGES)]
                elapsed, _ = await turn(client, url, f"{label}-long", message)
                figures.long.append(elapsed)


def measure_minimal(load: Load) -> Figures:
    """Start the minimal form bot, drive the load, stop it."""
    figures = Figures()
    with (
        tempfile.TemporaryDirectory(prefix="bench-minimal-") as workdir,
        MinimalBot(Path(workdir)) as bot,
    ):
        figures.load_seconds = bot.load_seconds
        asyncio.run(drive(bot.rasa_url, "minimal", load, figures))
        figures.rss_mib = resident_mib(bot.rasa_pid)
    return figures


@contextmanager
def running_ours(people: list[tuple[str, str]]) -> Iterator[tuple[GroupedServers, float]]:
    """Our action server and Rasa server in a temporary directory with the bench customers:
    the servers and the model load time (Rasa's start until it answers); stopped at the end."""
    with tempfile.TemporaryDirectory(prefix="bench-ours-") as workdir:
        servers = GroupedServers(workdir=Path(workdir), model=current_model())
        try:
            servers.prepare()
            bank = build_bank(load_settings(servers.env()))
            try:
                add_bench_customers(bank, people)
            finally:
                bank.dispose()
            servers.start_actions()
            started = time.monotonic()
            servers.start_rasa()
            yield servers, time.monotonic() - started
        finally:
            servers.stop()


def measure_ours(people: list[tuple[str, str]], load: Load) -> Figures:
    """Start our servers, drive the load, stop them."""
    figures = Figures()
    with running_ours(people) as (servers, load_seconds):
        figures.load_seconds = load_seconds
        asyncio.run(drive(servers.rasa_url, "ours", load, figures))
        figures.rss_mib = resident_mib(servers.processes["rasa"].pid)
    return figures


def p95(seconds: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(seconds)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def rows(minimal: Figures, ours: Figures, sequential_count: int, concurrency: int) -> list[Row]:
    """(label, minimal value, our value, formatter) for every figure."""
    per_second = "{:.1f} turns/s".format
    table: list[Row] = []
    for name, pick, wall in (
        (
            f"REST, 1 conversation at a time ({sequential_count} × 3 turns)",
            lambda f: f.sequential,
            lambda f: f.sequential_wall,
        ),
        (
            f"REST, {concurrency} conversations at once ({concurrency} × 3 turns)",
            lambda f: f.concurrent,
            lambda f: f.concurrent_wall,
        ),
    ):
        table += [
            (f"{name}: p50", statistics.median(pick(minimal)), statistics.median(pick(ours)), ms),
            (f"{name}: p95", p95(pick(minimal)), p95(pick(ours)), ms),
            (
                f"{name}: throughput",
                len(pick(minimal)) / wall(minimal),
                len(pick(ours)) / wall(ours),
                per_second,
            ),
        ]
    if minimal.long and ours.long:
        early = (statistics.median(minimal.long[EARLY]), statistics.median(ours.long[EARLY]))
        late = (statistics.median(minimal.long[LATE]), statistics.median(ours.long[LATE]))
        table += [
            (f"REST, one conversation of {LONG_TURNS} turns: median turns 10–30", *early, ms),
            (f"REST, one conversation of {LONG_TURNS} turns: median turns 380–400", *late, ms),
            (
                "long conversation: turns 380–400 / turns 10–30",
                late[0] / early[0],
                late[1] / early[1],
                "{:.2f}×".format,
            ),
        ]
    table += [
        (
            "Rasa resident memory (VmRSS) after the load",
            minimal.rss_mib,
            ours.rss_mib,
            "{:.0f} MiB".format,
        ),
        (
            "Rasa model load (process start → answering)",
            minimal.load_seconds,
            ours.load_seconds,
            "{:.1f} s".format,
        ),
    ]
    return table


def markdown(table: list[Row]) -> str:
    """The side-by-side table."""
    lines = [
        "| | minimal form bot | our assistant | ours / minimal |",
        "| --- | ---: | ---: | ---: |",
    ]
    for label, minimal, ours, show in table:
        ratio = f"{ours / minimal:.2f}×" if minimal else "–"
        lines.append(f"| {label} | {show(minimal)} | {show(ours)} | {ratio} |")
    return "\n".join(lines)


def main() -> None:
    """Parse options, measure both bots, print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sequential", type=int, default=10, help="conversations one at a time")
    parser.add_argument("--concurrency", type=int, default=20, help="conversations at once")
    parser.add_argument(
        "--long",
        action=argparse.BooleanOptionalAction,
        default=True,
        help=f"also one conversation of {LONG_TURNS} turns (default on)",
    )
    args = parser.parse_args()
    stop_on_sigterm()
    people = bench_people(1 + args.sequential + args.concurrency)
    cedulas = [cedula for cedula, _ in people]
    load = Load(
        warmup=cedulas[0],
        sequential=cedulas[1 : 1 + args.sequential],
        concurrent=cedulas[1 + args.sequential :],
        long=args.long,
    )

    started = time.monotonic()
    minimal = measure_minimal(load)
    print(f"minimal form bot measured in {time.monotonic() - started:.0f} s", flush=True)
    print(f"  last reply to a cédula: {minimal.last_reply[:100]}", flush=True)
    started = time.monotonic()
    ours = measure_ours(people, load)
    print(f"our assistant measured in {time.monotonic() - started:.0f} s", flush=True)
    print(f"  last reply to a cédula: {ours.last_reply[:100]}", flush=True)
    print()
    print(markdown(rows(minimal, ours, args.sequential, args.concurrency)))


if __name__ == "__main__":
    main()
