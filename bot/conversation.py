"""Channel-neutral conversation engine: secure input, injection refusal and secret resolution.

A channel (terminal, Telegram) passes each typed message or button tap here and renders the
returned Turn. Secrets typed while a secure input is pending, or collected by the channel itself
(the picks of a picture password), go to the secret store; Rasa only ever sees an opaque
reference. Secrets an action hands the channel (a QR code, an activation code) are resolved here.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from bot.conversation_stores import PendingInputStore, SecretStore, TurnRecorder
from bot.rasa_client import RasaClient
from bot.rasa_errors import RasaNoAnswer, RasaUnavailable
from bot.rasa_messages import ActivationCode, BotMessage, QrCode
from bot.rasa_outage import OnWaiting, RasaOutage
from bot.secure_input import (
    TYPED_COMMAND_PAYLOAD,
    TYPED_SECRET_PAYLOAD,
    ChannelSecretKind,
    ExpectedInput,
    PendingKind,
    SecretKind,
    SecureInputRequest,
    is_bare_secret_number,
    is_injection,
    is_secret_kind,
    looks_like_secret,
    normalise_secret,
)
from bot.transcript import (
    TranscriptLine,
    assistant_lines,
    customer_line,
    secret_line,
)

logger = logging.getLogger(__name__)

# Secret box kind under which actions store the content of a QR code.
QR_KIND: Final = "qr"
# Secret box kind under which actions store an activation code shown to a parent.
ACTIVATION_CODE_KIND: Final = "activation_code"


@dataclass(frozen=True, slots=True)
class Turn:
    """What a channel renders after one user message or button tap.

    secret_consumed: the user's message was a secret; the channel must delete it from the chat.
    secret_refused: the user's message was a bare PIN or code typed when none was asked for: the
        channel deletes it and tells them not to share keys; Rasa got only TYPED_SECRET_PAYLOAD.
    awaiting_secret: the next typed message will be read as a secret of this kind.
    delivered: False when Rasa or the secret store failed; apologise and let the user retry.
    maybe_processed: with delivered False, Rasa may have processed the message (its answer was
        lost or empty): it must not be sent again; the channel re-asks the current step instead.
    """

    messages: tuple[BotMessage, ...]
    secret_consumed: bool = False
    awaiting_secret: SecretKind | None = None
    delivered: bool = True
    secret_refused: bool = False
    maybe_processed: bool = False


def awaited_input(replies: Sequence[BotMessage]) -> PendingKind | None:
    """What the next typed message is read as: the last secret asked for, else a number when
    a prompt said it expects one, else nothing."""
    secrets = [reply.kind for reply in replies if isinstance(reply, SecureInputRequest)]
    if secrets:
        return secrets[-1]
    expected = [reply.kind for reply in replies if isinstance(reply, ExpectedInput)]
    return expected[-1] if expected else None


def secret_ref_payload(ref: str) -> str:
    """Return the Rasa payload that hands a secret reference to the form."""
    return "/inform" + json.dumps({"secret_ref": ref})


class Conversation:
    """Routes user input to Rasa following the secure-input contract; holds no per-user state.

    With a recorder, every turn goes to the chat's transcript for agents: what the customer typed
    or tapped (a secret only as "a secret was typed") and the bot's text messages.

    With an outage helper, a message that provably did not reach Rasa is sent again while Rasa
    restarts (bot/rasa_outage.py); `on_waiting` (per call) tells the customer to wait.
    """

    def __init__(
        self,
        rasa: RasaClient,
        secret_store: SecretStore,
        pending_inputs: PendingInputStore,
        *,
        recorder: TurnRecorder | None = None,
        outage: RasaOutage | None = None,
    ) -> None:
        self._rasa = rasa
        self._secrets = secret_store
        self._pending = pending_inputs
        self._recorder = recorder
        self._outage = outage

    @property
    def outage(self) -> RasaOutage | None:
        """The helper that rides out Rasa restarts, if this conversation has one."""
        return self._outage

    async def pending_secret(self, sender_id: str) -> SecretKind | None:
        """The secret the sender's next typed message will be read as, if any."""
        pending = await self._pending.get(sender_id)
        return pending if is_secret_kind(pending) else None

    async def forget_pending_secret(self, sender_id: str) -> None:
        """Stop reading the sender's next message as a secret (an agent took the chat)."""
        await self._pending.clear(sender_id)

    async def handle_text(
        self,
        sender_id: str,
        text: str,
        metadata: Mapping[str, object] | None = None,
        *,
        on_secret: Callable[[], Awaitable[None]] | None = None,
        on_refused: Callable[[], Awaitable[None]] | None = None,
        on_waiting: OnWaiting | None = None,
    ) -> Turn:
        """Handle a typed message: collect it as a secret, refuse an injection or a PIN typed out
        of turn, or pass it on.

        on_secret is awaited as soon as the message is known to be a secret, before it is stored
        or Rasa is called, so a channel can delete it from the chat at once. on_refused likewise
        for a bare 4- or 6-digit number typed when no secret (and no number) was asked for.
        """
        pending = await self._pending.get(sender_id)
        if is_secret_kind(pending) and looks_like_secret(pending, text):
            if on_secret is not None:
                await on_secret()
            try:
                # The store is a database: keep its I/O off the event loop other chats share.
                ref = await asyncio.to_thread(
                    self._secrets.put,
                    sender_id=sender_id,
                    kind=pending,
                    value=normalise_secret(pending, text),
                )
            except Exception as exc:
                # Type only: some driver errors quote the bound parameters.
                logger.error("secret store failed to keep a %s (%s)", pending, type(exc).__name__)
                return Turn(
                    messages=(), secret_consumed=True, awaiting_secret=pending, delivered=False
                )
            logger.debug("collected a %s secret", pending)
            return await self._exchange(
                sender_id,
                secret_ref_payload(ref),
                metadata,
                pending,
                secret_consumed=True,
                said=secret_line(),
                on_waiting=on_waiting,
            )
        said = customer_line(text)
        if is_injection(text):
            logger.info("refused typed text that looks like an intent injection")
            return await self._exchange(
                sender_id,
                TYPED_COMMAND_PAYLOAD,
                metadata,
                pending,
                said=said,
                on_waiting=on_waiting,
            )
        if pending != "number" and is_bare_secret_number(text):
            logger.info("refused a bare PIN or code typed when none was asked for")
            if on_refused is not None:
                await on_refused()
            turn = await self._exchange(
                sender_id,
                TYPED_SECRET_PAYLOAD,
                metadata,
                pending,
                said=secret_line(),
                on_waiting=on_waiting,
            )
            return dataclasses.replace(turn, secret_refused=True)
        return await self._exchange(
            sender_id, text, metadata, pending, said=said, on_waiting=on_waiting
        )

    async def handle_channel_secret(
        self,
        sender_id: str,
        kind: ChannelSecretKind,
        value: str,
        metadata: Mapping[str, object] | None = None,
        *,
        on_waiting: OnWaiting | None = None,
    ) -> Turn:
        """Hand over a secret the channel collected itself (the picks of a picture password).

        The value goes to the secret store under `kind` and Rasa gets only its reference; a store
        failure is an undelivered Turn, as for a typed secret.
        """
        pending = await self._pending.get(sender_id)
        try:
            ref = await asyncio.to_thread(
                self._secrets.put, sender_id=sender_id, kind=kind, value=value
            )
        except Exception as exc:
            logger.error("secret store failed to keep a %s (%s)", kind, type(exc).__name__)
            secret = pending if is_secret_kind(pending) else None
            return Turn(messages=(), awaiting_secret=secret, delivered=False)
        logger.debug("collected a %s secret", kind)
        return await self._exchange(
            sender_id,
            secret_ref_payload(ref),
            metadata,
            pending,
            said=secret_line(),
            on_waiting=on_waiting,
        )

    async def handle_button(
        self,
        sender_id: str,
        payload: str,
        metadata: Mapping[str, object] | None = None,
        *,
        said: str | None = None,
        on_waiting: OnWaiting | None = None,
    ) -> Turn:
        """Handle a payload the bot itself created (a tapped button, a command, the resume after
        an agent): it goes to Rasa as it is. `said` is what the customer saw themselves send (the
        button's title, the typed command) for the transcript; None records no customer line."""
        pending = await self._pending.get(sender_id)
        line = customer_line(said) if said is not None else None
        return await self._exchange(
            sender_id, payload, metadata, pending, said=line, on_waiting=on_waiting
        )

    async def _exchange(
        self,
        sender_id: str,
        message: str,
        metadata: Mapping[str, object] | None,
        pending: PendingKind | None,
        *,
        secret_consumed: bool = False,
        said: TranscriptLine | None = None,
        on_waiting: OnWaiting | None = None,
    ) -> Turn:
        """Send one message to Rasa, update secret mode from the reply and resolve QR codes."""
        turn = await self._send_to_rasa(
            sender_id,
            message,
            metadata,
            pending,
            secret_consumed=secret_consumed,
            on_waiting=on_waiting,
        )
        if self._recorder is not None:
            lines = [said] if said is not None else []
            lines += assistant_lines(turn.messages)
            await self._recorder.record(sender_id, lines)
        return turn

    async def _send_to_rasa(
        self,
        sender_id: str,
        message: str,
        metadata: Mapping[str, object] | None,
        pending: PendingKind | None,
        *,
        secret_consumed: bool,
        on_waiting: OnWaiting | None = None,
    ) -> Turn:
        # On a failure secret mode stays as it was, so the user's retry is collected the same way.
        still_secret = pending if is_secret_kind(pending) else None
        try:
            if self._outage is None:
                replies = await self._rasa.send(sender_id, message, metadata)
            else:
                replies = await self._outage.send(
                    self._rasa, sender_id, message, metadata, on_waiting=on_waiting
                )
        except RasaUnavailable as exc:
            logger.warning("rasa unavailable: %s", exc)
            return Turn(
                messages=(),
                secret_consumed=secret_consumed,
                awaiting_secret=still_secret,
                delivered=False,
                maybe_processed=isinstance(exc, RasaNoAnswer),
            )
        if not replies:
            # Rasa answers nothing when an action failed (the action server is down): a failure
            # too, and secret mode stays as it was so a retyped secret is still collected.
            logger.warning("rasa answered nothing; an action probably failed")
            return Turn(
                messages=(),
                secret_consumed=secret_consumed,
                awaiting_secret=still_secret,
                delivered=False,
                maybe_processed=True,
            )
        awaiting = awaited_input(replies)
        if awaiting is None:
            await self._pending.clear(sender_id)
        else:
            await self._pending.set(sender_id, awaiting)
        messages = tuple([await self._resolve(sender_id, reply) for reply in replies])
        return Turn(
            messages=messages,
            secret_consumed=secret_consumed,
            awaiting_secret=awaiting if is_secret_kind(awaiting) else None,
        )

    async def _resolve(self, sender_id: str, message: BotMessage) -> BotMessage:
        """Fill in a QR code or activation code from the secret store; others pass unchanged."""
        if isinstance(message, QrCode):
            content = await self._take(sender_id, message.ref, QR_KIND)
            return dataclasses.replace(message, content=content)
        if isinstance(message, ActivationCode):
            code = await self._take(sender_id, message.ref, ACTIVATION_CODE_KIND)
            return dataclasses.replace(message, code=code)
        return message

    async def _take(self, sender_id: str, ref: str, kind: str) -> str | None:
        """The secret behind a reference, or None (unknown, expired, used, or the store failed)."""
        try:
            value = await asyncio.to_thread(
                self._secrets.take, ref=ref, sender_id=sender_id, kind=kind
            )
        except Exception as exc:
            logger.error("secret store failed to resolve a %s (%s)", kind, type(exc).__name__)
            return None
        if value is None:
            logger.warning("%s reference unknown, expired or already used", kind)
        return value
