"""A scripted registration driven through the channel-neutral client, step by step.

The driver plays the customer: it types, taps only buttons the assistant actually offered, enters
secrets only when the assistant asked for one, reads the SMS code from the outbox and computes
the Token digital's first code from the QR it was shown. After every turn it checks the bank's
journey step, so a wrong prediction anywhere fails at the turn that caused it.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlparse

import pyotp

from bot.conversation import Conversation, Turn
from bot.rasa_messages import QrCode, TextMessage
from tests.support.servers import PYTHON, REPO


@dataclass(frozen=True)
class Secrets:
    """What the customer types that must never be stored or logged in clear."""

    pin: str = "1234"
    password: str = "Centinela7Qx9Lm"
    first_name: str = "Zorbatelmo"
    mother_surname: str = "Quixbertalo"
    father_surname: str = "Wyndrapolux"


@dataclass
class TurnTiming:
    """How long one turn took, for the benchmark."""

    label: str
    seconds: float


@dataclass
class Customer:
    """One person chatting with the assistant."""

    conversation: Conversation
    sender_id: str
    env: dict[str, str]
    step_of: Callable[[str], str | None]
    read_sms: Callable[[str], list[str]] | None = None  # default: the outbox CLI
    timings: list[TurnTiming] = field(default_factory=list)
    last: Turn | None = None
    qr_contents: list[str] = field(default_factory=list)

    async def say(self, text: str, *, expect_step: str | None = None) -> Turn:
        """Type a message."""
        return await self._turn(
            text, expect_step, lambda: self.conversation.handle_text(self.sender_id, text)
        )

    async def tap(self, payload_prefix: str, *, expect_step: str | None = None) -> Turn:
        """Tap a button the last reply offered, found by the start of its payload."""
        payload = self.offered_payload(payload_prefix)
        return await self._turn(
            payload, expect_step, lambda: self.conversation.handle_button(self.sender_id, payload)
        )

    async def secret(self, kind: str, value: str, *, expect_step: str | None = None) -> Turn:
        """Type a secret, only where the assistant asked for one of this kind."""
        assert self.last is not None and self.last.awaiting_secret == kind, (
            f"the assistant did not ask for a {kind} secret: {self.texts()}"
        )
        turn = await self._turn(
            f"<{kind}>", expect_step, lambda: self.conversation.handle_text(self.sender_id, value)
        )
        assert turn.secret_consumed, "the secret was not taken out of the chat"
        return turn

    def offered_payload(self, prefix: str) -> str:
        """The payload of an offered button (or image option) starting with `prefix`."""
        assert self.last is not None
        for message in self.last.messages:
            if isinstance(message, TextMessage):
                for button in message.buttons:
                    if button.payload.startswith(prefix):
                        return button.payload
            options = getattr(message, "options", None)
            template = getattr(message, "payload_template", None)
            if options and template:
                for option in options:
                    payload = template % option_id(option)
                    if payload.startswith(prefix):
                        return payload
        raise AssertionError(f"no button {prefix!r} offered; the assistant said: {self.texts()}")

    def texts(self) -> list[str]:
        """The texts of the last reply."""
        if self.last is None:
            return []
        return [m.text for m in self.last.messages if isinstance(m, TextMessage)]

    async def _turn(self, label: str, expect_step: str | None, send: Callable[[], object]) -> Turn:
        started = time.perf_counter()
        turn = await send()  # type: ignore[misc]
        self.timings.append(TurnTiming(label, time.perf_counter() - started))
        assert isinstance(turn, Turn)
        self.last = turn
        for message in turn.messages:
            if isinstance(message, QrCode) and message.content:
                self.qr_contents.append(message.content)
        if expect_step is not None:
            step = await asyncio.to_thread(self.step_of, self.sender_id)
            assert step == expect_step, (
                f"after {label!r} the journey is at {step!r}, expected {expect_step!r}; "
                f"the assistant said: {self.texts()}"
            )
        return turn

    def latest_sms_code(self, phone: str) -> str:
        """Read the newest SMS to `phone` from the outbox CLI, as a person reads the phone."""
        bodies = self.read_sms(phone) if self.read_sms else self._sms_from_cli(phone)
        assert bodies, f"no SMS to {phone}"
        body = bodies[-1]
        digits = [word.strip(".,:") for word in body.split() if word.strip(".,:").isdigit()]
        codes = [word for word in digits if len(word) == 6]
        assert codes, f"no 6-digit code in the SMS: {body!r}"
        return codes[-1]

    def _sms_from_cli(self, phone: str) -> list[str]:
        output = subprocess.run(
            [str(PYTHON), "-m", "bank", "outbox", "--to", phone, "--json"],
            cwd=REPO,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return [str(message["body"]) for message in json.loads(output)]

    def token_code(self) -> str:
        """The current code of the Token digital provisioned by the last QR shown."""
        assert self.qr_contents, "no QR code was shown"
        secret = parse_qs(urlparse(self.qr_contents[-1]).query)["secret"][0]
        return pyotp.TOTP(secret).now()


def option_id(option: object) -> str:
    """An image option's id, whether the client parsed it as a pair or an object."""
    if isinstance(option, tuple):
        return str(option[0])
    return str(getattr(option, "id", option))


async def register_person(
    customer: Customer, secrets: Secrets, *, id_number: str, mobile: str, username: str
) -> Turn:
    """A whole registration of a natural person, with the Token digital activated right away."""
    await customer.say(
        "hola, quiero registrarme en produbanco en linea", expect_step="identity_number"
    )
    await customer.say(id_number, expect_step="pin")
    await customer.secret("pin", secrets.pin, expect_step="contact_confirmation")
    await customer.tap("/request_otp", expect_step="otp")
    await customer.secret("otp", customer.latest_sms_code(mobile), expect_step="username")
    await customer.say(username, expect_step="username_confirmation")
    await customer.say(username, expect_step="password")
    await customer.secret("password", secrets.password, expect_step="password_confirmation")
    await customer.secret("password", secrets.password, expect_step="security_image")
    await customer.tap('/inform{"image_id": "sec_condor"}', expect_step="home_phone")
    await customer.say("02 234 5678", expect_step="work_phone")
    await customer.tap("/skip", expect_step="challenge_first_name")
    await customer.secret("answer", secrets.first_name, expect_step="challenge_mother_surname")
    await customer.secret("answer", secrets.mother_surname, expect_step="challenge_father_surname")
    await customer.secret("answer", secrets.father_surname, expect_step="terms")
    await customer.tap("/affirm", expect_step="smart_device")
    await customer.tap("/affirm", expect_step="second_factor")
    await customer.tap("/choose_token", expect_step="token_activation")
    await customer.tap("/affirm", expect_step="token_code")
    return await customer.secret("otp", customer.token_code(), expect_step="completed")


async def register_maria_jose(customer: Customer, secrets: Secrets, *, username: str) -> Turn:
    """María José (demo identity) registers, typing her cédula as people do, with a dash."""
    return await register_person(
        customer, secrets, id_number="171003406-5", mobile="0991234567", username=username
    )
