"""End-to-end turn latency through the Telegram stand-in, and image keyboards cold and cached.

Starts the real action server, Rasa server, playground (Bot API stand-in) and bot in a temporary
directory and plays guest chats through the playground's page API, as the web page does. A turn
lasts from the user's message (or tap) until the bot's answer is complete: a bot message with the
expected text (or picture) has arrived and the bot then stays quiet (no further message, no
"typing"); the time is taken at the last bot message of the answer, not at the end of the quiet.

Figures: a registration prefix (greeting, a frequent question, start, cédula, PIN) by 1 chat and
by 20 chats at once; drawing the security image keyboard in-process; the first keyboard sent
through the stand-in with an empty picture cache (drawn and uploaded) and later keyboards from
other chats (sent by file_id: the stand-in's upload count must not grow). All of it twice: as
`make run` starts Rasa (one worker) and on both cores (2 workers and the Redis lock store, as
`RASA_LOCK_STORE_URL=… make run` does; `--no-two-cores` skips it). Prints; asserts nothing about
the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bank.bootstrap import Bank, build_bank  # noqa: E402
from bank.outbox import read_outbox  # noqa: E402
from bank.registration.images import SECURITY_IMAGES  # noqa: E402
from bank.settings import load_settings  # noqa: E402
from bench.minimal_bot_runner import resident_mib  # noqa: E402
from bench.registration_latency import BENCH_PIN, add_bench_customers, bench_people  # noqa: E402
from bot.pictures import render_keyboard  # noqa: E402
from bot.playground.client import PlaygroundClient, bot_messages  # noqa: E402
from bot.rasa_messages import ImageOption  # noqa: E402
from tests.support.servers import Servers, current_model  # noqa: E402

JSON = dict[str, Any]
QUIET_SECONDS: Final = 0.8
TURN_TIMEOUT_SECONDS: Final = 90.0
PASSWORD: Final = "Centinela7Qx9Lm"
FAQ_QUESTION: Final = "¿cuánto dura el código?"


@dataclass
class Answer:
    """A finished turn: its latency and when each new bot message was first seen."""

    seconds: float
    state: JSON
    arrivals: dict[int, float] = field(default_factory=dict)


def fingerprints(state: JSON) -> dict[int, str]:
    """What makes each live bot message look the way it does."""
    return {
        m["message_id"]: repr((m["text"], m["caption"], m["photo"], m["buttons"]))
        for m in bot_messages(state)
    }


def body(message: JSON) -> str:
    """A message's text or caption."""
    return str(message.get("text") or message.get("caption") or "")


class Chat:
    """One playground chat, driven through the page API, timing each turn."""

    def __init__(self, client: PlaygroundClient, user_id: int) -> None:
        self.client = client
        self.user_id = user_id
        self.timings: list[tuple[str, float]] = []

    async def say(self, text: str, expect: str, *, label: str | None = None) -> Answer:
        """Type `text`; the answer is complete once a bot message containing `expect` arrived."""
        return await self._turn(
            label or text,
            lambda: self.client.send_text(self.user_id, text),
            lambda m: expect in body(m),
        )

    async def tap(self, title: str, expect: str) -> Answer:
        """Tap the newest button whose text contains `title`."""
        state = await self.client.chat(self.user_id)
        target = next(
            (
                (int(message["message_id"]), str(button["callback_data"]))
                for message in reversed(bot_messages(state))
                for row in message["buttons"]
                for button in row
                if title in button["text"]
            ),
            None,
        )
        if target is None:
            raise RuntimeError(f"no button {title!r} in chat {self.user_id}")
        return await self._turn(
            f"tap {title}",
            lambda: self.client.tap(self.user_id, *target),
            lambda m: expect in body(m),
        )

    async def say_until_picture(self, text: str, *, label: str) -> Answer:
        """Type `text`; the answer is complete once a photo with buttons arrived."""
        return await self._turn(
            label,
            lambda: self.client.send_text(self.user_id, text),
            lambda m: bool(m["photo"] and m["buttons"]),
        )

    async def _turn(
        self, label: str, act: Callable[[], Awaitable[object]], done: Callable[[JSON], bool]
    ) -> Answer:
        state = await self.client.chat(self.user_id)
        old = fingerprints(state)
        seen = dict(old)
        arrivals: dict[int, float] = {}
        started = time.perf_counter()
        await act()
        deadline = started + TURN_TIMEOUT_SECONDS
        last_change: float | None = None
        complete = False
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"chat {self.user_id}: no complete answer to {label!r}")
            wait = QUIET_SECONDS if complete else min(remaining, 10.0)
            later = await self.client.chat(self.user_id, since=state["version"], wait=wait)
            now = time.perf_counter()
            current = fingerprints(later)
            if current != seen:
                last_change = now
                for message_id in current.keys() - seen.keys():
                    arrivals[message_id] = now - started
                seen = current
            elif complete and later["version"] == state["version"] and not later["typing"]:
                break  # quiet: nothing more came after the expected reply
            state = later
            changed = [
                m
                for m in bot_messages(state)
                if old.get(m["message_id"]) != seen.get(m["message_id"])
            ]
            complete = last_change is not None and any(done(m) for m in changed)
        assert last_change is not None
        seconds = last_change - started
        self.timings.append((label, seconds))
        return Answer(seconds, state, arrivals)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, round(share * len(ordered)) - 1)]


def table_row(label: str, seconds: list[float], wall: float | None = None) -> str:
    """One line of the latency table."""
    wall_text = f"{wall:7.1f}" if wall is not None else " " * 7
    return (
        f"{label:<34}{len(seconds):>6}{statistics.median(seconds) * 1000:>9.0f}"
        f"{percentile(seconds, 0.95) * 1000:>9.0f}{max(seconds) * 1000:>9.0f}{wall_text}"
    )


HEADER: Final = f"{'':<34}{'turns':>6}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'wall s':>7}"


async def registration_prefix(chat: Chat, cedula: str) -> None:
    """Greeting, a frequent question, start of the registration, cédula and PIN."""
    await chat.say("hola", "¿En qué te ayudo?")
    await chat.say(FAQ_QUESTION, "vigente por 5 minutos", label="faq: ¿cuánto dura el código?")
    await chat.say("quiero registrarme", "Escribe tu número de cédula")
    await chat.say(cedula, "Escribe tu clave de 4 dígitos", label="cédula")
    await chat.say(BENCH_PIN, "Generar OTP", label="PIN (secret)")


async def up_to_password_confirmation(
    chat: Chat, bank: Bank, person: tuple[str, str], username: str
) -> None:
    """A registration up to the second password, which is answered by the image keyboard."""
    cedula, mobile = person
    await registration_prefix(chat, cedula)
    await chat.tap("Generar OTP", "Escribe la clave temporal")
    messages = await asyncio.to_thread(read_outbox, bank.sessions, to=mobile)
    code = re.findall(r"\b\d{6}\b", messages[-1].body)[-1]
    await chat.say(code, "Crea tu nombre de usuario", label="OTP (secret)")
    await chat.say(username, "otra vez para confirmarlo", label="username")
    await chat.say(username, "Crea tu clave alfanumérica", label="username again")
    await chat.say(PASSWORD, "Escribe tu clave otra vez", label="password (secret)")


async def new_chat(client: PlaygroundClient, name: str) -> Chat:
    """A fresh guest chat."""
    persona = await client.add_persona(name, description="bench")
    return Chat(client, int(persona["user_id"]))


def time_rendering() -> tuple[float, float, int, tuple[int, int]]:
    """Draw the 12 security images: first call (cold), median of 5 more, PNG size, picture size."""
    options = tuple(ImageOption(image_id, label) for image_id, label in SECURITY_IMAGES)
    started = time.perf_counter()
    picture = render_keyboard(options, kind="security_image")
    cold = time.perf_counter() - started
    warm = []
    for _ in range(5):
        started = time.perf_counter()
        render_keyboard(options, kind="security_image")
        warm.append(time.perf_counter() - started)
    return cold, statistics.median(warm), len(picture.png), (picture.width, picture.height)


@dataclass(frozen=True)
class Plan:
    """How many chats each scenario uses."""

    solo_rounds: int
    concurrency: int
    cached_chats: int

    @property
    def people(self) -> int:
        """Bench customers needed: warm-up, solo rounds, crowd, cold and cached keyboards."""
        return 1 + self.solo_rounds + self.concurrency + 1 + self.cached_chats


# `make run` on both cores (RASA_LOCK_STORE_URL): 2 Rasa workers sharing the Redis lock store.
TWO_CORES: Final = {"lock_store_url": "redis://127.0.0.1:6379", "bot_env": {"SANIC_WORKERS": "2"}}


async def run(plan: Plan, *, two_cores: bool) -> None:
    """Start everything, measure, print, stop everything."""
    cold_render, warm_render, png_bytes, size = time_rendering()
    print(f"## ours as make run starts it{' on both cores' if two_cores else ''}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-tg-") as workdir:
        options: dict[str, Any] = dict(TWO_CORES) if two_cores else {}
        servers = Servers(workdir=Path(workdir), model=current_model(), **options)
        bank: Bank | None = None
        try:
            started = time.perf_counter()
            servers.start()
            servers.start_playground()
            servers.start_bot()
            print(f"system started in {time.perf_counter() - started:.0f} s", flush=True)
            bank = build_bank(load_settings(servers.env()))
            people = bench_people(plan.people)
            add_bench_customers(bank, people)
            limits = httpx.Limits(max_connections=4 * plan.concurrency + 20)
            async with httpx.AsyncClient(limits=limits) as http:
                client = PlaygroundClient(servers.playground_url, http)
                await measure(client, bank, iter(people), plan)
            bot_mib = resident_mib(servers.processes["bot"].pid)
            print(f"bot resident memory (VmRSS) after the load: {bot_mib:.0f} MiB", flush=True)
        finally:
            if bank is not None:
                bank.dispose()
            servers.stop()
    print()
    print("in-process render_keyboard, 12 security images (this process, system stopped)")
    print(f"  first call (fonts, icons cold) {cold_render * 1000:8.0f} ms")
    print(f"  later calls (median of 5)      {warm_render * 1000:8.0f} ms")
    print(f"  picture {size[0]}x{size[1]} px, PNG {png_bytes / 1024:.0f} KiB")


async def measure(
    client: PlaygroundClient, bank: Bank, people: Iterator[tuple[str, str]], plan: Plan
) -> None:
    """Run the scenarios and print their tables."""
    # Not counted: the first predictions of each kind load lazily in Rasa.
    await registration_prefix(await new_chat(client, "Calentamiento"), next(people)[0])

    solo_chats = []
    started = time.perf_counter()
    for round_number in range(1, plan.solo_rounds + 1):
        solo_chats.append(await new_chat(client, f"Solo {round_number}"))
        await registration_prefix(solo_chats[-1], next(people)[0])
    solo_wall = time.perf_counter() - started

    crowd_chats = [await new_chat(client, f"Invitado {n}") for n in range(plan.concurrency)]
    crowd_people = [next(people) for _ in crowd_chats]
    started = time.perf_counter()
    await asyncio.gather(
        *(
            registration_prefix(chat, person[0])
            for chat, person in zip(crowd_chats, crowd_people, strict=True)
        )
    )
    crowd_wall = time.perf_counter() - started

    keyboard_chats = [await new_chat(client, f"Teclado {n}") for n in range(plan.cached_chats + 1)]
    keyboard_people = [next(people) for _ in keyboard_chats]
    await asyncio.gather(
        *(
            up_to_password_confirmation(chat, bank, person, f"tgbench{n:04d}")
            for n, (chat, person) in enumerate(zip(keyboard_chats, keyboard_people, strict=True))
        )
    )
    keyboards = []
    for chat in keyboard_chats:  # one after the other: the first one is the cold one
        before = await client.stats()
        answer = await chat.say_until_picture(PASSWORD, label="password again → keyboard")
        after = await client.stats()
        step = await asyncio.to_thread(
            bank.registration.current_step, sender_id=f"tg:{chat.user_id}"
        )
        keyboards.append((answer, before, after, str(step)))

    print_turns(solo_chats, solo_wall, crowd_chats, crowd_wall)
    print_keyboards(keyboards)


def print_turns(solo: list[Chat], solo_wall: float, crowd: list[Chat], crowd_wall: float) -> None:
    """The registration prefix: overall, then per turn."""
    print()
    print(HEADER)
    solo_seconds = [seconds for chat in solo for _, seconds in chat.timings]
    crowd_seconds = [seconds for chat in crowd for _, seconds in chat.timings]
    print(table_row(f"1 chat ({len(solo)} rounds one by one)", solo_seconds, solo_wall))
    print(table_row(f"{len(crowd)} chats at once", crowd_seconds, crowd_wall))
    print()
    print(f"{'per turn':<34}{'1: p50 ms':>10}{f'{len(crowd)}: p50 ms':>12}{'p95 ms':>9}")
    for index, (label, _) in enumerate(solo[0].timings):
        alone = [chat.timings[index][1] for chat in solo]
        together = [chat.timings[index][1] for chat in crowd]
        print(
            f"  {label:<32}{statistics.median(alone) * 1000:>10.0f}"
            f"{statistics.median(together) * 1000:>12.0f}{percentile(together, 0.95) * 1000:>9.0f}"
        )


def print_keyboards(keyboards: list[tuple[Answer, JSON, JSON, str]]) -> None:
    """The image keyboard turns, the first with an empty picture cache."""
    print()
    print(
        f"{'image keyboard via the stand-in':<34}{'turn ms':>9}{'prompt→photo ms':>17}"
        f"{'uploads':>9}{'sendPhoto':>11}  step"
    )
    for number, (answer, before, after, step) in enumerate(keyboards):
        label = "cold (empty picture cache)" if number == 0 else f"cached (chat {number + 1})"
        sends = after["methods"].get("sendPhoto", 0) - before["methods"].get("sendPhoto", 0)
        print(
            f"  {label:<32}{answer.seconds * 1000:>9.0f}{prompt_to_photo(answer) * 1000:>17.0f}"
            f"{after['uploads'] - before['uploads']:>+9d}{sends:>+11d}  {step}"
        )
    cached_uploads = sum(
        after["uploads"] - before["uploads"] for _, before, after, _ in keyboards[1:]
    )
    verdict = "reused by file_id" if cached_uploads == 0 else "NOT reused: uploaded again"
    print(f"  uploads by the cached keyboards: {cached_uploads} ({verdict})")


def prompt_to_photo(answer: Answer) -> float:
    """Seconds between the prompt text and the keyboard photo arriving (drawing + sending)."""
    photo_ids = [m["message_id"] for m in bot_messages(answer.state) if m["photo"]]
    photo_at = answer.arrivals.get(photo_ids[-1], answer.seconds)
    earlier = [at for message_id, at in answer.arrivals.items() if message_id < photo_ids[-1]]
    return photo_at - max(earlier) if earlier else float("nan")


def main() -> None:
    """Parse options and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--solo-rounds", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--cached-chats", type=int, default=2)
    parser.add_argument(
        "--two-cores",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also with 2 Rasa workers and the Redis lock store (default on)",
    )
    args = parser.parse_args()
    plan = Plan(args.solo_rounds, args.concurrency, args.cached_chats)
    for two_cores in (False, True) if args.two_cores else (False,):
        asyncio.run(run(plan, two_cores=two_cores))
        print()


if __name__ == "__main__":
    main()
