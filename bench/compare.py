"""The minimal form bot (bench/minimal_bot/) and our assistant under the same REST load.

Issue 13's baseline: both Rasa servers come from our `.venv-rasa`, run one after the other (so
each has both cores), and get the same conversations: "hola", "quiero registrarme", a valid
cédula (bench customers, so our journey stops at the PIN step). Figures: one conversation at a
time, 20 at once, optionally one long conversation; each Rasa server's resident memory after the
load and model load time. Prints a markdown table with the ratios ours/minimal; asserts nothing.

Ours runs twice: as `make run` starts it (one Rasa worker, SQLite, the in-memory lock store),
and on both cores as `RASA_LOCK_STORE_URL=redis://… make run` starts it (`--two-cores`, on by
default): 2 Rasa Sanic workers, which Rasa allows only with a shared lock store (the local Redis
server), the tracker store and the bank still on SQLite; the action server stays one process (it
uses a fifth of a core under this load).
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

REDIS = "redis://127.0.0.1:6379"
TWO_CORES_ENV = {"SANIC_WORKERS": "2"}

LONG_MESSAGES = ("hola", "gracias", "¿qué es la cuenta mini?")
LONG_TURNS = 400
EARLY = slice(9, 30)  # turns 10-30
LATE = slice(379, 400)  # turns 380-400

# (label, minimal bot's value, each of our runs' value, how to show a value)
Row = tuple[str, float, list[float], Callable[[float], str]]


class GroupedServers(Servers):
    """Our servers, each in its own process group, stopped group and all."""

    def env(self) -> dict[str, str]:
        # The rule index's self-check (on in make e2e) would measure RulePolicy twice.
        return {**super().env(), "RASA_TELEMETRY_ENABLED": "false", "RULE_INDEX_SELF_CHECK": "0"}

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
def running_ours(
    people: list[tuple[str, str]], *, two_cores: bool = False
) -> Iterator[tuple[GroupedServers, float]]:
    """Our action server and Rasa server in a temporary directory with the bench customers:
    the servers and the model load time (Rasa's start until it answers); stopped at the end.

    two_cores: 2 Rasa workers and the Redis lock store."""
    with tempfile.TemporaryDirectory(prefix="bench-ours-") as workdir:
        if two_cores:
            servers = GroupedServers(
                workdir=Path(workdir),
                model=current_model(),
                lock_store_url=REDIS,
                bot_env=dict(TWO_CORES_ENV),
            )
        else:
            servers = GroupedServers(workdir=Path(workdir), model=current_model())
        yield from _started(servers, people)


def _started(
    servers: GroupedServers, people: list[tuple[str, str]]
) -> Iterator[tuple[GroupedServers, float]]:
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


def measure_ours(people: list[tuple[str, str]], load: Load, *, two_cores: bool = False) -> Figures:
    """Start our servers, drive the load, stop them."""
    figures = Figures()
    with running_ours(people, two_cores=two_cores) as (servers, load_seconds):
        figures.load_seconds = load_seconds
        asyncio.run(drive(servers.rasa_url, "ours", load, figures))
        figures.rss_mib = max(resident_mib(pid) for pid in rasa_pids(servers))
    return figures


def rasa_pids(servers: GroupedServers) -> list[int]:
    """The Rasa server's process and its Sanic workers (children), for their memory."""
    main = servers.processes["rasa"].pid
    children = Path(f"/proc/{main}/task/{main}/children")
    extra = [int(pid) for pid in children.read_text().split()] if children.exists() else []
    return [main, *extra]


def p95(seconds: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(seconds)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def rows(
    minimal: Figures, ours: list[Figures], sequential_count: int, concurrency: int
) -> list[Row]:
    """(label, minimal value, our values, formatter) for every figure."""
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
            (
                f"{name}: p50",
                statistics.median(pick(minimal)),
                [statistics.median(pick(run)) for run in ours],
                ms,
            ),
            (f"{name}: p95", p95(pick(minimal)), [p95(pick(run)) for run in ours], ms),
            (
                f"{name}: throughput",
                len(pick(minimal)) / wall(minimal),
                [len(pick(run)) / wall(run) for run in ours],
                per_second,
            ),
        ]
    if minimal.long and all(run.long for run in ours):
        early = [statistics.median(run.long[EARLY]) for run in (minimal, *ours)]
        late = [statistics.median(run.long[LATE]) for run in (minimal, *ours)]
        growth = [last / first for first, last in zip(early, late, strict=True)]
        table += [
            (
                f"REST, one conversation of {LONG_TURNS} turns: median turns 10–30",
                early[0],
                early[1:],
                ms,
            ),
            (
                f"REST, one conversation of {LONG_TURNS} turns: median turns 380–400",
                late[0],
                late[1:],
                ms,
            ),
            (
                "long conversation: turns 380–400 / turns 10–30",
                growth[0],
                growth[1:],
                "{:.2f}×".format,
            ),
        ]
    table += [
        (
            "Rasa resident memory (VmRSS) after the load",
            minimal.rss_mib,
            [run.rss_mib for run in ours],
            "{:.0f} MiB".format,
        ),
        (
            "Rasa model load (process start → answering)",
            minimal.load_seconds,
            [run.load_seconds for run in ours],
            "{:.1f} s".format,
        ),
    ]
    return table


def markdown(table: list[Row], names: list[str]) -> str:
    """The side-by-side table: the minimal bot, then each of our runs and its ratio."""
    header = "| | minimal form bot |" + "".join(f" {name} | / minimal |" for name in names)
    lines = [header, "| --- | ---: |" + " ---: | ---: |" * len(names)]
    for label, minimal, ours, show in table:
        cells = "".join(
            f" {show(value)} | {f'{value / minimal:.2f}×' if minimal else '–'} |" for value in ours
        )
        lines.append(f"| {label} | {show(minimal)} |{cells}")
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
    parser.add_argument(
        "--two-cores",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also ours on both cores: 2 Rasa workers, Redis lock store (default on)",
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
    runs = [("ours, make run", False)] + ([("ours, both cores", True)] if args.two_cores else [])
    ours: list[Figures] = []
    for name, two_cores in runs:
        started = time.monotonic()
        ours.append(measure_ours(people, load, two_cores=two_cores))
        print(f"{name} measured in {time.monotonic() - started:.0f} s", flush=True)
        print(f"  last reply to a cédula: {ours[-1].last_reply[:100]}", flush=True)
    print()
    table = rows(minimal, ours, args.sequential, args.concurrency)
    print(markdown(table, [name for name, _ in runs]))


if __name__ == "__main__":
    main()
