"""RegistrationService: the registration journey's API used by the actions (see the contract).

Every method is keyword-only, runs in its own unit of work, and re-checks in the database that
the journey is at the right step, not idle for too long, and its identity not locked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.orm import Session

from bank import guards
from bank.audit import record_audit
from bank.chat_redaction import redact_chat_text
from bank.clock import Clock
from bank.db import SessionFactory, unit_of_work
from bank.identity import mask_identity_key, parse_identity_key
from bank.models import CANCELLED, Journey
from bank.outcome import Outcome
from bank.registration import (
    completion,
    contact_steps,
    credential_steps,
    identity_steps,
    journeys,
    navigation,
    profile_steps,
    second_factor_steps,
)
from bank.registration.context import Services, StepContext
from bank.registration.images import SECURITY_IMAGES
from bank.registration.lookup import identity_key_of
from bank.registration.outcome import RegistrationCode
from bank.registration.steps import CHALLENGE_STEPS, TERMINAL_STEPS, VERIFIED_STEPS, Step

logger = logging.getLogger(__name__)

Handler = Callable[[StepContext], Outcome]
ANY_ACTIVE_STEP = frozenset(Step) - TERMINAL_STEPS


class RegistrationService:
    """Drives registration journeys keyed by the channel's sender id."""

    def __init__(
        self, *, session_factory: SessionFactory, clock: Clock, services: Services
    ) -> None:
        self._sessions = session_factory
        self._clock = clock
        self._services = services

    # Lifecycle ----------------------------------------------------------------------------

    def start(self, *, sender_id: str) -> Outcome:
        """Open a journey (`started`), continue the active one (`resumed`), or restart it."""
        with unit_of_work(self._sessions) as session:
            now = self._clock.now()
            journey = journeys.load_active(session, sender_id)
            if journey is None:
                journey = journeys.create(session, sender_id, now)
                if journey is not None:
                    self._context(session, journey).audit("registration.started")
                    return Outcome(RegistrationCode.STARTED, Step.IDENTITY_NUMBER)
                journey = journeys.load_active(session, sender_id)
                assert journey is not None
            ctx = self._context(session, journey)
            if journeys.is_idle(journey, now):
                self._restart(ctx)
                return ctx.outcome(RegistrationCode.RESTARTED_INACTIVE)
            journey.last_activity_at = now
            return ctx.outcome(RegistrationCode.RESUMED)

    def touch(self, *, sender_id: str) -> Outcome:
        """Mark activity: `active`, `restarted_inactive` after 10 idle minutes, or `none`."""
        with unit_of_work(self._sessions) as session:
            journey = journeys.load_active(session, sender_id)
            if journey is None:
                return Outcome(RegistrationCode.NONE, self._last_step(session, sender_id))
            ctx = self._context(session, journey)
            if journeys.is_idle(journey, ctx.now):
                self._restart(ctx)
                return ctx.outcome(RegistrationCode.RESTARTED_INACTIVE)
            journey.last_activity_at = ctx.now
            return ctx.outcome(RegistrationCode.ACTIVE)

    def current_step(self, *, sender_id: str) -> Step | None:
        """The step of the sender's latest journey (an idle one counts as back at the start)."""
        with unit_of_work(self._sessions) as session:
            journey = journeys.load_latest(session, sender_id)
            if journey is None:
                return None
            if journey.active_key is not None and journeys.is_idle(journey, self._clock.now()):
                return Step.IDENTITY_NUMBER
            return Step(journey.step)

    def cancel(self, *, sender_id: str) -> Outcome:
        """Cancel the active journey (`cancelled`), or `none` when there is none."""
        with unit_of_work(self._sessions) as session:
            journey = journeys.load_active(session, sender_id)
            if journey is None:
                return Outcome(RegistrationCode.NONE, self._last_step(session, sender_id))
            ctx = self._context(session, journey)
            ctx.close(status=CANCELLED, step=Step.CANCELLED)
            ctx.audit("registration.cancelled")
            return ctx.outcome(RegistrationCode.CANCELLED)

    def go_back(self, *, sender_id: str) -> Outcome:
        """One step back (`ok`), or `cannot_go_back` (first step, or identity already proven)."""
        outcome = self._run(sender_id, ANY_ACTIVE_STEP, navigation.go_back)
        if outcome.code == RegistrationCode.WRONG_STEP:
            return Outcome(RegistrationCode.CANNOT_GO_BACK, outcome.step)
        return outcome

    # Identity -----------------------------------------------------------------------------

    def submit_identity_number(self, *, sender_id: str, text: str) -> Outcome:
        """The cédula or RUC typed by the customer."""
        return self._run(
            sender_id,
            {Step.IDENTITY_NUMBER},
            lambda ctx: identity_steps.submit_identity_number(ctx, text=text),
        )

    def submit_additional_user(self, *, sender_id: str, is_additional: bool) -> Outcome:
        """Company RUC: whether the person is one of the company's additional users."""
        return self._run(
            sender_id,
            {Step.ADDITIONAL_USER_QUESTION},
            lambda ctx: identity_steps.submit_additional_user(ctx, is_additional=is_additional),
        )

    def submit_additional_cedula(self, *, sender_id: str, text: str) -> Outcome:
        """The additional user's cédula."""
        return self._run(
            sender_id,
            {Step.ADDITIONAL_CEDULA},
            lambda ctx: identity_steps.submit_additional_cedula(ctx, text=text),
        )

    def submit_pin(self, *, sender_id: str, pin: str) -> Outcome:
        """The 4-digit PIN given at the branch."""
        return self._run(sender_id, {Step.PIN}, lambda ctx: identity_steps.submit_pin(ctx, pin=pin))

    # Contact data and SMS code ------------------------------------------------------------

    def contact_summary(self, *, sender_id: str) -> Outcome:
        """The masked mobile and e-mail on file (any step after the PIN)."""
        return self._run(sender_id, VERIFIED_STEPS, contact_steps.contact_summary)

    def request_otp(self, *, sender_id: str) -> Outcome:
        """Send a new SMS code (first time, or "no me llegó")."""
        return self._run(
            sender_id, {Step.CONTACT_CONFIRMATION, Step.OTP}, contact_steps.request_otp
        )

    def report_wrong_contact(self, *, sender_id: str) -> Outcome:
        """The contact data on file are not the customer's (journey stays)."""
        return self._run(
            sender_id, {Step.CONTACT_CONFIRMATION, Step.OTP}, contact_steps.report_wrong_contact
        )

    def submit_otp(self, *, sender_id: str, code: str) -> Outcome:
        """The SMS code typed by the customer."""
        return self._run(
            sender_id, {Step.OTP}, lambda ctx: contact_steps.submit_otp(ctx, code=code)
        )

    # Username and password ----------------------------------------------------------------

    def submit_username(self, *, sender_id: str, text: str) -> Outcome:
        """The username chosen."""
        return self._run(
            sender_id,
            {Step.USERNAME},
            lambda ctx: credential_steps.submit_username(ctx, text=text),
        )

    def submit_username_confirmation(self, *, sender_id: str, text: str) -> Outcome:
        """The username typed again."""
        return self._run(
            sender_id,
            {Step.USERNAME_CONFIRMATION},
            lambda ctx: credential_steps.submit_username_confirmation(ctx, text=text),
        )

    def submit_password(self, *, sender_id: str, password: str) -> Outcome:
        """The alphanumeric password chosen."""
        return self._run(
            sender_id,
            {Step.PASSWORD},
            lambda ctx: credential_steps.submit_password(ctx, password=password),
        )

    def submit_password_confirmation(self, *, sender_id: str, password: str) -> Outcome:
        """The password typed again."""
        return self._run(
            sender_id,
            {Step.PASSWORD_CONFIRMATION},
            lambda ctx: credential_steps.submit_password_confirmation(ctx, password=password),
        )

    # Security image, phones, challenge questions, terms -----------------------------------

    def security_images(self) -> list[tuple[str, str]]:
        """The pictures to choose from, as (id, Spanish label)."""
        return list(SECURITY_IMAGES)

    def submit_security_image(self, *, sender_id: str, image_id: str) -> Outcome:
        """The picture chosen, by id."""
        return self._run(
            sender_id,
            {Step.SECURITY_IMAGE},
            lambda ctx: profile_steps.submit_security_image(ctx, image_id=image_id),
        )

    def submit_home_phone(self, *, sender_id: str, text: str | None) -> Outcome:
        """The home phone, or None when the customer has none ("No tengo")."""
        return self._run(
            sender_id,
            {Step.HOME_PHONE},
            lambda ctx: profile_steps.submit_phone(
                ctx, text=text, key="home_phone", next_step=Step.WORK_PHONE
            ),
        )

    def submit_work_phone(self, *, sender_id: str, text: str | None) -> Outcome:
        """The work phone, or None when the customer has none ("No tengo")."""
        return self._run(
            sender_id,
            {Step.WORK_PHONE},
            lambda ctx: profile_steps.submit_phone(
                ctx, text=text, key="work_phone", next_step=Step.CHALLENGE_FIRST_NAME
            ),
        )

    def submit_challenge_answer(self, *, sender_id: str, question: str, answer: str) -> Outcome:
        """The answer to `question` (first_name, mother_surname or father_surname)."""
        if question not in CHALLENGE_STEPS:
            raise ValueError(f"unknown challenge question {question!r}")
        return self._run(
            sender_id,
            {CHALLENGE_STEPS[question]},
            lambda ctx: profile_steps.submit_challenge_answer(ctx, answer=answer),
        )

    def submit_terms(self, *, sender_id: str, accepted: bool) -> Outcome:
        """The terms of service, accepted or not."""
        return self._run(
            sender_id, {Step.TERMS}, lambda ctx: profile_steps.submit_terms(ctx, accepted=accepted)
        )

    # Second factor ------------------------------------------------------------------------

    def submit_smart_device(self, *, sender_id: str, has_device: bool) -> Outcome:
        """Whether the customer has a smart device with internet."""
        return self._run(
            sender_id,
            {Step.SMART_DEVICE},
            lambda ctx: second_factor_steps.submit_smart_device(ctx, has_device=has_device),
        )

    def submit_second_factor(self, *, sender_id: str, choice: str) -> Outcome:
        """`token` (Token digital) or `later`."""
        return self._run(
            sender_id,
            {Step.SECOND_FACTOR},
            lambda ctx: second_factor_steps.submit_second_factor(ctx, choice=choice),
        )

    def submit_token_activation(self, *, sender_id: str, now: bool) -> Outcome:
        """Activate the Token digital now, or later from the menu."""
        return self._run(
            sender_id,
            {Step.TOKEN_ACTIVATION},
            lambda ctx: second_factor_steps.submit_token_activation(ctx, now=now),
        )

    def token_provisioning_uri(self, *, sender_id: str) -> str:
        """The otpauth:// URI of the journey's token (a secret: put it in the secret box)."""
        with unit_of_work(self._sessions) as session:
            journey = journeys.load_active(session, sender_id)
            if journey is None or journey.step != Step.TOKEN_CODE:
                return ""
            return second_factor_steps.token_uri(self._context(session, journey))

    def submit_token_code(self, *, sender_id: str, code: str) -> Outcome:
        """The first code shown by the freshly activated Token digital."""
        return self._run(
            sender_id,
            {Step.TOKEN_CODE},
            lambda ctx: second_factor_steps.submit_token_code(ctx, code=code),
        )

    # Completion ---------------------------------------------------------------------------

    def complete(self, *, sender_id: str) -> Outcome:
        """Create the online user (`completed`), or `username_taken` back to the username."""
        return self._run(sender_id, {Step.FINISH}, completion.complete)

    # Agents -------------------------------------------------------------------------------

    def unlock_identity(self, *, identity_key: str, agent: str, reason: str) -> str:
        """An agent lifts every lock of an identity: `unlocked`, or `not_locked`."""
        key = parse_identity_key(identity_key)
        with unit_of_work(self._sessions) as session:
            now = self._clock.now()
            guard = guards.load_guard(session, key)
            was_locked = guards.unlock(guard, now) if guard is not None else False
            record_audit(
                session,
                at=now,
                actor=f"agent:{agent}",
                action="identity.unlocked" if was_locked else "identity.unlock_noop",
                subject=mask_identity_key(key),
                details={
                    "customer_ref": self._services.refs.ref(key),
                    # Agents write what the customer told them: no number or key is kept.
                    "reason": redact_chat_text(reason),
                },
            )
            return "unlocked" if was_locked else "not_locked"

    # Plumbing -----------------------------------------------------------------------------

    def _run(self, sender_id: str, steps: frozenset[Step] | set[Step], handler: Handler) -> Outcome:
        """Load the active journey, apply the idle and lock rules, check the step, handle."""
        with unit_of_work(self._sessions) as session:
            journey = journeys.load_active(session, sender_id)
            if journey is None:
                return Outcome(RegistrationCode.WRONG_STEP, self._last_step(session, sender_id))
            ctx = self._context(session, journey)
            if journeys.is_idle(journey, ctx.now):
                self._restart(ctx)
                if Step.IDENTITY_NUMBER not in steps:
                    return ctx.outcome(RegistrationCode.RESTARTED_INACTIVE)
            if ctx.step not in steps:
                return ctx.outcome(RegistrationCode.WRONG_STEP)
            journey.last_activity_at = ctx.now
            if ctx.step in VERIFIED_STEPS:
                refused = identity_steps.refuse_if_locked(ctx, identity_key_of(ctx.data))
                if refused is not None:
                    return refused
            outcome = handler(ctx)
            logger.info("registration %s: %s (%s)", journey.id, outcome.step, outcome.code)
            return outcome

    def _context(self, session: Session, journey: Journey) -> StepContext:
        return StepContext(
            session=session, journey=journey, now=self._clock.now(), services=self._services
        )

    def _restart(self, ctx: StepContext) -> None:
        journeys.restart(ctx.journey, ctx.now)
        self._services.otp.invalidate_journey(ctx.session, journey_id=ctx.journey.id, now=ctx.now)
        ctx.audit("registration.restarted_inactive")

    def _last_step(self, session: Session, sender_id: str) -> Step:
        latest = journeys.load_latest(session, sender_id)
        return Step(latest.step) if latest is not None else Step.ENDED
