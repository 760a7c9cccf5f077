"""Assisted by phone: an agent looks a customer up by cédula or RUC, resends the SMS code of
their registration (within its limits), unlocks an identity with a reason (its registration
locks and its held or locked Cuenta Mini sign-in), and sends a t.me link.

There is no call that shows, sets or resets a PIN, password, code, activation code or picture
password: an agent can only make the bank send the customer's own codes to the mobile on file.
Every call is audited (agent, masked customer, action, reason, result) with the customer's ref.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from sqlalchemy.orm import Session

from bank.assist.agents import agent_actor, load_active_agent
from bank.assist.identity import Identity, identity_from_text
from bank.assist.journeys import REGISTRATION, is_expired
from bank.assist.outcome import NOT_AGENT, AssistCode
from bank.assist.state import describe, journeys_of_identity
from bank.audit import record_audit
from bank.chat_redaction import redact_chat_text
from bank.clock import Clock
from bank.db import SessionFactory, unit_of_work
from bank.gateways import SmsGatewayFactory
from bank.identity import CustomerRefs
from bank.masking import mask_mobile
from bank.messages import LINK_SMS
from bank.mini.sign_in_release import release_child, release_customer
from bank.models import AdditionalUser, AssistAgent, Customer, MiniAccount
from bank.outcome import Outcome
from bank.registration import RegistrationService, Step

MIN_REASON_LENGTH: Final = 10
MAX_REASON_LENGTH: Final = 300
# The /start parameters of bot/deep_links.py an agent may send, and the journey each opens.
LINK_JOURNEYS: Final = {
    "registro": "registration",
    "mini": "mini_registration",
    "hijos": "mini_parent",
    "entrar": "mini_sign_in",
}
DEEP_LINK_BASE: Final = "https://t.me/"


def deep_link(bot_username: str, start: str) -> str:
    """The t.me link that opens the bot with /start <start>."""
    return f"{DEEP_LINK_BASE}{bot_username}?start={start}"


class PhoneAssist:
    """What an agent on the phone with a customer may do."""

    def __init__(
        self,
        *,
        session_factory: SessionFactory,
        clock: Clock,
        refs: CustomerRefs,
        registration: RegistrationService,
        sms: SmsGatewayFactory,
        bot_username: str,
    ) -> None:
        self._sessions = session_factory
        self._clock = clock
        self._refs = refs
        self._registration = registration
        self._sms = sms
        self._bot_username = bot_username

    def lookup(self, *, agent: str | int, cedula_or_ruc: str) -> Outcome:
        """The customer's state view: `found`, `unknown` (not a customer: the view still shows
        journeys typed with that number and its locks), `invalid_identity`."""
        with unit_of_work(self._sessions) as session:
            now = self._clock.now()
            me = load_active_agent(session, agent)
            if me is None:
                return NOT_AGENT
            identity = identity_from_text(session, cedula_or_ruc)
            if identity is None:
                return self._refused(session, me, now, "assist.lookup", AssistCode.INVALID_IDENTITY)
            code = AssistCode.FOUND if identity.known else AssistCode.UNKNOWN
            self._audit(session, me, now, "assist.lookup", identity, result=code)
            return Outcome(code, data=describe(session, now=now, identity=identity))

    def resend_otp(self, *, agent: str | int, cedula_or_ruc: str) -> Outcome:
        """Send the SMS code of the customer's registration again, through the registration's own
        request (its spacing, per-window and wrong-entry limits apply): `sent` (mobile_masked,
        minutes), `too_soon` (seconds), `too_many_codes` (minutes), `attempts_exhausted`,
        `no_journey` (no active registration waiting for the code), `invalid_identity`, or what
        the registration answered (`locked`, `locked_held`, `no_mobile`, ...)."""
        with unit_of_work(self._sessions) as session:
            now = self._clock.now()
            me = load_active_agent(session, agent)
            if me is None:
                return NOT_AGENT
            identity = identity_from_text(session, cedula_or_ruc)
            if identity is None:
                return self._refused(
                    session, me, now, "assist.resend_otp", AssistCode.INVALID_IDENTITY
                )
            waiting = [
                journey
                for journey in journeys_of_identity(session, identity)
                if journey.kind == REGISTRATION
                and journey.step == Step.OTP
                and not is_expired(journey, now)
            ]
            if not waiting:
                self._audit(session, me, now, "assist.resend_otp", identity, result="no_journey")
                return Outcome(AssistCode.NO_JOURNEY, data={"identity_masked": identity.masked})
            sender_id, journey_id = waiting[0].sender_id, waiting[0].id
        # The registration's own request, in its own unit of work: its limits, its audit.
        requested = self._registration.request_otp(sender_id=sender_id)
        with unit_of_work(self._sessions) as session:
            self._audit(
                session,
                me,
                self._clock.now(),
                "assist.resend_otp",
                identity,
                result=requested.code,
                journey_id=journey_id,
            )
        return Outcome(
            requested.code, data={"identity_masked": identity.masked, **dict(requested.data)}
        )

    def unlock(self, *, agent: str | int, cedula_or_ruc: str, reason: str) -> Outcome:
        """Lift every lock of an identity after verifying the person by phone (a reason of 10+
        characters is required): `unlocked`, `not_locked`, `reason_required`, `invalid_identity`."""
        cleaned = " ".join(reason.split())
        with unit_of_work(self._sessions) as session:
            now = self._clock.now()
            me = load_active_agent(session, agent)
            if me is None:
                return NOT_AGENT
            identity = identity_from_text(session, cedula_or_ruc)
            if identity is None:
                return self._refused(session, me, now, "assist.unlock", AssistCode.INVALID_IDENTITY)
            if not MIN_REASON_LENGTH <= len(cleaned) <= MAX_REASON_LENGTH:
                self._audit(session, me, now, "assist.unlock", identity, result="reason_required")
                return Outcome(
                    AssistCode.REASON_REQUIRED,
                    data={"min_length": MIN_REASON_LENGTH, "max_length": MAX_REASON_LENGTH},
                )
            who = f"{me.telegram_user_id} {me.display_name}"
        result = self._registration.unlock_identity(
            identity_key=identity.key, agent=who, reason=cleaned
        )
        with unit_of_work(self._sessions) as session:
            # The "Cuenta para mis hijos" sign-in (or a child's picture sign-in) too.
            released = _release_sign_in(
                session, identity, self._clock.now(), released_by=f"agent:{who}", reason=cleaned
            )
            result = AssistCode.UNLOCKED if released else AssistCode(result)
            self._audit(
                session,
                me,
                self._clock.now(),
                "assist.unlock",
                identity,
                result=result,
                reason=redact_chat_text(cleaned),
                sign_in_released=released,
            )
        return Outcome(result, data={"identity_masked": identity.masked})

    def send_link(self, *, agent: str | int, cedula_or_ruc: str, journey: str) -> Outcome:
        """Send an SMS to the mobile on file with the t.me link that opens `journey` (a /start
        parameter: registro, mini, hijos, entrar): `sent` (mobile_masked, link), `invalid_journey`
        (allowed), `unknown`, `no_mobile`, `invalid_identity`."""
        start = journey.strip().lower()
        with unit_of_work(self._sessions) as session:
            now = self._clock.now()
            me = load_active_agent(session, agent)
            if me is None:
                return NOT_AGENT
            identity = identity_from_text(session, cedula_or_ruc)
            if identity is None:
                return self._refused(
                    session, me, now, "assist.send_link", AssistCode.INVALID_IDENTITY
                )
            if start not in LINK_JOURNEYS:
                self._audit(
                    session, me, now, "assist.send_link", identity, result="invalid_journey"
                )
                return Outcome(AssistCode.INVALID_JOURNEY, data={"allowed": sorted(LINK_JOURNEYS)})
            contact = _contact_of(session, identity)
            code = AssistCode.SENT
            if contact is None:
                code = AssistCode.UNKNOWN
            elif contact.mobile is None:
                code = AssistCode.NO_MOBILE
            data: dict[str, Any] = {"identity_masked": identity.masked, "journey": start}
            if contact is not None and contact.mobile is not None:
                link = deep_link(self._bot_username, start)
                self._sms(session).send_sms(contact.mobile, LINK_SMS.format(link=link))
                data.update(mobile_masked=mask_mobile(contact.mobile), link=link)
            self._audit(session, me, now, "assist.send_link", identity, result=code, journey=start)
            return Outcome(code, data=data)

    # Plumbing -----------------------------------------------------------------------------

    def _audit(
        self,
        session: Session,
        me: AssistAgent,
        now: datetime,
        action: str,
        identity: Identity,
        **details: Any,
    ) -> None:
        record_audit(
            session,
            at=now,
            actor=agent_actor(me.telegram_user_id, me.display_name),
            action=action,
            subject=identity.masked,
            details={"customer_ref": self._refs.ref(identity.key), **details},
        )

    def _refused(
        self, session: Session, me: AssistAgent, now: datetime, action: str, code: AssistCode
    ) -> Outcome:
        record_audit(
            session,
            at=now,
            actor=agent_actor(me.telegram_user_id, me.display_name),
            action=action,
            subject="",
            details={"result": code},
        )
        return Outcome(code)


def _release_sign_in(
    session: Session, identity: Identity, now: datetime, *, released_by: str, reason: str
) -> bool:
    """Release the identity's held or locked Cuenta Mini sign-in: the parent's online user, or
    the child's picture password; True if one was held or locked."""
    if identity.customer_id is not None:
        return release_customer(
            session,
            customer_id=identity.customer_id,
            additional_user_id=identity.additional_user_id,
            now=now,
            released_by=released_by,
            reason=reason,
        )
    if identity.mini_account_id is not None:
        return release_child(
            session,
            mini_account_id=identity.mini_account_id,
            now=now,
            released_by=released_by,
            reason=reason,
        )
    return False


def _contact_of(session: Session, identity: Identity) -> Customer | None:
    """Whose mobile the bank writes to: the customer, an additional user's own person, or a
    Cuenta Mini child's parent (a child has no mobile on file)."""
    if identity.additional_user_id is not None:
        additional = session.get(AdditionalUser, identity.additional_user_id)
        return session.get(Customer, additional.person_id) if additional else None
    if identity.customer_id is not None:
        return session.get(Customer, identity.customer_id)
    if identity.mini_account_id is not None:
        account = session.get(MiniAccount, identity.mini_account_id)
        return session.get(Customer, account.parent_id) if account else None
    return None
