"""What a step handler works with: the unit of work, the journey, the time and the services."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bank.audit import record_audit
from bank.crypto import SecretCipher, SecretHasher
from bank.gateways import MailGatewayFactory, SmsGatewayFactory
from bank.identity import CustomerRefs, mask_identity_key
from bank.models import Journey
from bank.otp import OtpIssuer
from bank.outcome import Outcome
from bank.registration import journeys
from bank.registration.outcome import RegistrationCode
from bank.registration.steps import Step


@dataclass(frozen=True)
class Services:
    """Collaborators of the registration steps."""

    hasher: SecretHasher
    otp: OtpIssuer
    token_cipher: SecretCipher
    sms: SmsGatewayFactory
    mail: MailGatewayFactory
    refs: CustomerRefs


@dataclass
class StepContext:
    """One call's view of a journey, inside its unit of work."""

    session: Session
    journey: Journey
    now: datetime
    services: Services

    @property
    def step(self) -> Step:
        """The journey's current step."""
        return Step(self.journey.step)

    @property
    def data(self) -> Mapping[str, Any]:
        """The journey's data (read only; change it with `remember`/`forget`)."""
        return self.journey.data

    def remember(self, **values: Any) -> None:
        """Store non-secret values (or hashes, or ciphertexts) in the journey."""
        self.journey.data = {**self.journey.data, **values}

    def forget(self, keys: Iterable[str]) -> None:
        """Drop keys from the journey's data."""
        dropped = set(keys)
        self.journey.data = {k: v for k, v in self.journey.data.items() if k not in dropped}

    def move(self, step: Step) -> None:
        """Set the next step."""
        self.journey.step = step.value
        self.journey.updated_at = self.now

    def outcome(self, code: RegistrationCode, **data: Any) -> Outcome:
        """An outcome at the journey's current step."""
        return Outcome(code=code, step=self.step, data=dict(data))

    def close(self, *, status: str, step: Step) -> None:
        """End the journey; its open one-time codes stop working."""
        journeys.close(self.journey, status=status, step=step, now=self.now)
        self.services.otp.invalidate_journey(self.session, journey_id=self.journey.id, now=self.now)

    def audit(self, action: str, *, subject: str | None = None, **details: Any) -> None:
        """Write an audit row for this journey (never pass a secret)."""
        record_audit(
            self.session,
            at=self.now,
            actor=f"sender:{self.journey.sender_id}",
            action=action,
            subject=subject or f"journey:{self.journey.id}",
            details={"journey_id": self.journey.id, "step": self.journey.step, **details},
        )

    def audit_identity(self, action: str, identity_key: str, **details: Any) -> None:
        """An audit row about an identity: masked for reading, keyed for filtering, never the
        number itself."""
        self.audit(
            action,
            subject=mask_identity_key(identity_key),
            customer_ref=self.services.refs.ref(identity_key),
            **details,
        )
