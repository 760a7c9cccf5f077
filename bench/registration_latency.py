"""Per-turn latency of a whole registration (one conversation, then 20 at once) and training time.

Starts the real action server and Rasa server on 127.0.0.1 in a temporary directory, adds bench
customers to that directory's bank, drives complete registrations through the channel-neutral
client and prints p50/p95/max per turn. Then times a full `rasa train` into a temporary folder
(skip with --skip-training). Prints figures; asserts nothing about them.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from stdnum.ec import ci  # noqa: E402

from bank.bootstrap import Bank, build_bank  # noqa: E402
from bank.db import unit_of_work  # noqa: E402
from bank.models import PERSON, Customer  # noqa: E402
from bank.outbox import read_outbox  # noqa: E402
from bank.settings import load_settings  # noqa: E402
from bank.validators import validate_phone  # noqa: E402
from bot.conversation import Conversation  # noqa: E402
from bot.conversation_stores import InMemoryPendingInputStore  # noqa: E402
from bot.rasa_client import RasaClient  # noqa: E402
from tests.support import journeys  # noqa: E402
from tests.support.servers import RASA, Servers, current_model  # noqa: E402

BENCH_PIN = "1234"


def bench_people(count: int) -> list[tuple[str, str]]:
    """`count` valid, fictitious (cédula, mobile) pairs."""
    people = []
    for index in range(count):
        stem = f"17{index + 1:07d}"
        cedula = next(stem + digit for digit in "0123456789" if ci.is_valid(stem + digit))
        people.append((cedula, f"098{index:07d}"))
    return people


def add_bench_customers(bank: Bank, people: list[tuple[str, str]]) -> None:
    """Insert the bench customers with the bench PIN (hashed like every PIN)."""
    pin_hash = bank.hasher.hash(BENCH_PIN)
    with unit_of_work(bank.sessions) as session:
        for cedula, mobile in people:
            session.add(
                Customer(
                    kind=PERSON,
                    id_number=cedula,
                    full_name=f"Cliente de prueba {cedula}",
                    email=f"bench{cedula}@example.com",
                    mobile=validate_phone(mobile).value,
                    pin_hash=pin_hash,
                )
            )


async def register(
    servers: Servers, bank: Bank, person: tuple[str, str], index: int
) -> list[float]:
    """One whole registration; the seconds each turn took."""
    cedula, mobile = person
    async with httpx.AsyncClient() as http:
        customer = journeys.Customer(
            conversation=Conversation(
                RasaClient(http, servers.rasa_url, timeout=120.0),
                bank.secret_box,
                InMemoryPendingInputStore(),
            ),
            sender_id=f"bench:{index}",
            env=servers.env(),
            step_of=lambda sender: bank.registration.current_step(sender_id=sender),
            # In-process outbox reads: 20 CLI start-ups would compete with the servers for CPU.
            read_sms=lambda phone: [m.body for m in read_outbox(bank.sessions, to=phone)],
        )
        await journeys.register_person(
            customer,
            journeys.Secrets(pin=BENCH_PIN),
            id_number=cedula,
            mobile=mobile,
            username=f"bench{index:04d}user",
        )
    return [timing.seconds for timing in customer.timings]


def describe(label: str, seconds: list[float], wall: float) -> str:
    """One line of figures."""
    ordered = sorted(seconds)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return (
        f"{label:<28} turns {len(ordered):>4}  p50 {statistics.median(ordered) * 1000:7.0f} ms  "
        f"p95 {p95 * 1000:7.0f} ms  max {ordered[-1] * 1000:7.0f} ms  wall {wall:6.1f} s"
    )


async def run_latency(concurrency: int) -> None:
    """Start the system, run one registration, then `concurrency` at once."""
    with tempfile.TemporaryDirectory(prefix="bench-") as workdir:
        servers = Servers(workdir=Path(workdir), model=current_model())
        servers.start()
        bank = build_bank(load_settings(servers.env()))
        try:
            people = bench_people(concurrency + 1)
            add_bench_customers(bank, people)
            started = time.perf_counter()
            solo = await register(servers, bank, people[0], 0)
            print(describe("1 conversation", solo, time.perf_counter() - started))
            started = time.perf_counter()
            results = await asyncio.gather(
                *(register(servers, bank, people[i], i) for i in range(1, concurrency + 1))
            )
            wall = time.perf_counter() - started
            print(
                describe(
                    f"{concurrency} conversations at once", [s for r in results for s in r], wall
                )
            )
        finally:
            bank.dispose()
            servers.stop()


def time_training() -> None:
    """Time a full training from scratch into a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="bench-train-") as out:
        started = time.perf_counter()
        subprocess.run(
            [
                str(RASA),
                "train",
                "--data",
                "nlu",
                "dialogues",
                "--domain",
                "domain",
                "--config",
                "config.yml",
                "--out",
                out,
                "--force",
            ],
            cwd=REPO,
            check=True,
            capture_output=True,
        )
        print(f"{'training (rasa train)':<28} {time.perf_counter() - started:.0f} s")


def main() -> None:
    """Parse options and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--skip-training", action="store_true")
    args = parser.parse_args()
    asyncio.run(run_latency(args.concurrency))
    if not args.skip_training:
        time_training()


if __name__ == "__main__":
    main()
