"""Contact data on file and the SMS code that proves the customer holds the mobile."""

from __future__ import annotations

from bank.masking import mask_email, mask_mobile
from bank.models import ENDED
from bank.outcome import Outcome
from bank.registration.context import StepContext
from bank.registration.lookup import contact_of, identity_key_of
from bank.registration.outcome import RegistrationCode
from bank.registration.steps import Step
from bank.validators import validate_otp_format


def contact_summary(ctx: StepContext) -> Outcome:
    """The mobile and e-mail on file, masked."""
    contact = contact_of(ctx.session, ctx.journey)
    if contact is None:
        return ctx.outcome(RegistrationCode.WRONG_STEP)
    data: dict[str, str | int | list[str]] = {"email_masked": mask_email(contact.email)}
    if contact.mobile:
        data["mobile_masked"] = mask_mobile(contact.mobile)
    return ctx.outcome(RegistrationCode.OK, **data)


def request_otp(ctx: StepContext) -> Outcome:
    """Send a new code to the mobile on file, within the sending limits."""
    contact = contact_of(ctx.session, ctx.journey)
    if contact is None or contact.mobile is None:
        ctx.close(status=ENDED, step=Step.ENDED)
        ctx.audit("registration.ended", reason="no_mobile")
        return ctx.outcome(RegistrationCode.NO_MOBILE)
    key = identity_key_of(ctx.data)
    issued = ctx.services.otp.issue(
        ctx.session,
        journey_id=ctx.journey.id,
        identity_key=key,
        phone=contact.mobile,
        sms=ctx.services.sms(ctx.session),
        now=ctx.now,
    )
    if issued.code == RegistrationCode.TOO_SOON:
        return ctx.outcome(RegistrationCode.TOO_SOON, seconds=issued.seconds)
    if issued.code in (RegistrationCode.TOO_MANY_CODES, RegistrationCode.ATTEMPTS_EXHAUSTED):
        ctx.audit_identity("otp.refused", key, reason=issued.code)
        return ctx.outcome(RegistrationCode(issued.code), minutes=issued.minutes)
    ctx.audit_identity("otp.issued", key)
    ctx.move(Step.OTP)
    return ctx.outcome(
        RegistrationCode.SENT, mobile_masked=mask_mobile(contact.mobile), minutes=issued.minutes
    )


def report_wrong_contact(ctx: StepContext) -> Outcome:
    """The customer says the data on file are not theirs: noted; the journey stays."""
    ctx.audit("contact.reported_wrong")
    return ctx.outcome(RegistrationCode.OK)


def submit_otp(ctx: StepContext, *, code: str) -> Outcome:
    """Check the SMS code; a correct code verifies the identity once and for all."""
    checked = validate_otp_format(code)
    if not checked.ok:
        return ctx.outcome(RegistrationCode.INVALID, reason=str(checked.reason))
    key = identity_key_of(ctx.data)
    result = ctx.services.otp.verify(
        ctx.session, journey_id=ctx.journey.id, identity_key=key, code=checked.value, now=ctx.now
    )
    if result.code == RegistrationCode.OK:
        ctx.audit_identity("otp.verified", key)
        ctx.remember(otp_verified_at=ctx.now.isoformat())
        ctx.move(Step.USERNAME)
        return ctx.outcome(RegistrationCode.OK)
    if result.code == RegistrationCode.WRONG:
        ctx.audit_identity("otp.failed", key, attempts_left=result.attempts_left)
        return ctx.outcome(RegistrationCode.WRONG, attempts_left=result.attempts_left)
    if result.code == RegistrationCode.EXPIRED:
        ctx.audit("otp.expired")  # counted by the funnel (bank/funnel/); names nobody
    if result.code == RegistrationCode.ATTEMPTS_EXHAUSTED and result.newly_blocked:
        ctx.audit_identity("otp.failed", key, attempts_left=0)
        ctx.audit_identity("otp.locked", key)
    return ctx.outcome(RegistrationCode(result.code))
