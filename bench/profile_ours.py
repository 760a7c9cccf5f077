"""Sample our Rasa server and action server with py-spy under the 20-conversation REST load.

Issue 13 says: profile before changing anything. This starts our servers as bench/compare.py
does, records both processes with `py-spy record --format raw` while 20 conversations run at
once (a few rounds), and prints each process's top functions by own samples and by total
samples. Needs `py-spy` in .venv (`.venv/bin/pip install py-spy`; a profiling tool, not a
dependency of the app). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from compare import Figures as LoadFigures  # noqa: E402
from compare import registration_start, running_ours  # noqa: E402
from registration_latency import bench_people  # noqa: E402

PY_SPY = REPO / ".venv" / "bin" / "py-spy"
TOP = 15


async def load(url: str, cedulas: list[str], rounds: int, concurrency: int) -> None:
    """`rounds` times, `concurrency` conversations at once (each a new sender and cédula)."""
    figures = LoadFigures()
    async with httpx.AsyncClient(timeout=300.0) as client:
        for round_index in range(rounds):
            batch = cedulas[round_index * concurrency : (round_index + 1) * concurrency]
            await asyncio.gather(
                *(
                    registration_start(client, url, f"prof-{round_index}-{i}", cedula, figures)
                    for i, cedula in enumerate(batch)
                )
            )


def top_functions(
    raw: Path, limit: int = TOP
) -> tuple[list[tuple[str, int]], list[tuple[str, int]], int]:
    """(own samples, total samples, all samples) per function from py-spy's collapsed stacks."""
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    samples = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        samples += count
        own[frames[-1]] += count
        for frame in set(frames):
            total[frame] += count
    return own.most_common(limit), total.most_common(limit), samples


def report(name: str, raw: Path) -> None:
    own, total, samples = top_functions(raw)
    print(f"\n### {name}: {samples} samples\n")
    print("| own % | function |\n| ---: | --- |")
    for frame, count in own:
        print(f"| {100 * count / max(samples, 1):.1f} | `{frame}` |")
    print("\n| total % | function |\n| ---: | --- |")
    for frame, count in total:
        print(f"| {100 * count / max(samples, 1):.1f} | `{frame}` |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--out", type=Path, default=REPO / "var" / "results" / "profiles")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    people = bench_people(args.rounds * args.concurrency)
    with running_ours(people) as (servers, _):
        targets = {"rasa": servers.processes["rasa"].pid}
        targets["actions"] = servers.processes["actions"].pid
        recorders = {
            name: subprocess.Popen(
                [
                    str(PY_SPY), "record", "--pid", str(pid), "--format", "raw",
                    "--subprocesses", "--rate", "100", "--nonblocking",
                    "--output", str(args.out / f"{name}.txt"),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for name, pid in targets.items()
        }  # fmt: skip
        time.sleep(1)
        started = time.perf_counter()
        asyncio.run(load(servers.rasa_url, [c for c, _ in people], args.rounds, args.concurrency))
        print(f"load: {args.rounds} × {args.concurrency} conversations × 3 turns in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        for recorder in recorders.values():
            recorder.send_signal(2)  # SIGINT: py-spy writes its output and exits
        for recorder in recorders.values():
            recorder.wait(timeout=60)
    for name in ("rasa", "actions"):
        report(name, args.out / f"{name}.txt")


if __name__ == "__main__":
    main()
