"""SMS and e-mail gateways; the local implementations write to the outbox table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from sqlalchemy.orm import Session

from bank.clock import Clock
from bank.models import OutboxMessage

SMS = "sms"
EMAIL = "email"


class SmsGateway(Protocol):
    """Sends a text message to a phone (E.164)."""

    def send_sms(self, phone: str, text: str) -> None:
        """Send `text` to `phone`."""
        ...


class MailGateway(Protocol):
    """Sends an e-mail."""

    def send_mail(self, to: str, subject: str, body: str) -> None:
        """Send a message to `to`."""
        ...


SmsGatewayFactory = Callable[[Session], SmsGateway]
MailGatewayFactory = Callable[[Session], MailGateway]


class OutboxSmsGateway:
    """Writes each SMS as an outbox row in the caller's unit of work."""

    def __init__(self, *, session: Session, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    def send_sms(self, phone: str, text: str) -> None:
        """Queue `text` for `phone` in the outbox."""
        self._session.add(
            OutboxMessage(channel=SMS, recipient=phone, body=text, created_at=self._clock.now())
        )


class OutboxMailGateway:
    """Writes each e-mail as an outbox row in the caller's unit of work."""

    def __init__(self, *, session: Session, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    def send_mail(self, to: str, subject: str, body: str) -> None:
        """Queue the e-mail in the outbox."""
        self._session.add(
            OutboxMessage(
                channel=EMAIL,
                recipient=to.lower(),
                subject=subject,
                body=body,
                created_at=self._clock.now(),
            )
        )


def outbox_sms_factory(clock: Clock) -> SmsGatewayFactory:
    """A factory that binds an outbox SMS gateway to each unit of work."""
    return lambda session: OutboxSmsGateway(session=session, clock=clock)


def outbox_mail_factory(clock: Clock) -> MailGatewayFactory:
    """A factory that binds an outbox mail gateway to each unit of work."""
    return lambda session: OutboxMailGateway(session=session, clock=clock)
