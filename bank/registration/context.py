"""What a step handler works with: the unit of work, the journey, the time and the services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bank.crypto import SecretCipher, SecretHasher
from bank.gateways import MailGatewayFactory, SmsGatewayFactory
from bank.identity import CustomerRefs, mask_identity_key
from bank.journey_context import JourneyRowContext
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
class StepContext(JourneyRowContext):
    """One registration call's view of its journey: the steps' collaborators too."""

    services: Services

    @property
    def step(self) -> Step:
        """The journey's current step."""
        return Step(self.journey.step)

    def outcome(self, code: RegistrationCode, **data: Any) -> Outcome:
        """An outcome at the journey's current step."""
        return Outcome(code=code, step=self.step, data=dict(data))

    def close(self, *, status: str, step: Step) -> None:
        """End the journey; its open one-time codes stop working."""
        journeys.close(self.journey, status=status, step=step, now=self.now)
        self.services.otp.invalidate_journey(self.session, journey_id=self.journey.id, now=self.now)

    def audit_identity(self, action: str, identity_key: str, **details: Any) -> None:
        """An audit row about an identity: masked for reading, keyed for filtering, never the
        number itself."""
        self.audit(
            action,
            subject=mask_identity_key(identity_key),
            customer_ref=self.services.refs.ref(identity_key),
            **details,
        )
