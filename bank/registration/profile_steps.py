"""Security image, home and work phones, challenge answers and the terms of service."""

from __future__ import annotations

from bank.outcome import Outcome
from bank.registration.context import StepContext
from bank.registration.images import SECURITY_IMAGE_IDS
from bank.registration.outcome import RegistrationCode
from bank.registration.steps import Step
from bank.validators import normalise_challenge_answer, validate_phone

CHALLENGE_NEXT = {
    Step.CHALLENGE_FIRST_NAME: Step.CHALLENGE_MOTHER_SURNAME,
    Step.CHALLENGE_MOTHER_SURNAME: Step.CHALLENGE_FATHER_SURNAME,
    Step.CHALLENGE_FATHER_SURNAME: Step.TERMS,
}


def submit_security_image(ctx: StepContext, *, image_id: str) -> Outcome:
    """One of the offered pictures, by id."""
    if image_id not in SECURITY_IMAGE_IDS:
        return ctx.outcome(RegistrationCode.INVALID, reason="unknown_image")
    ctx.remember(security_image=image_id)
    ctx.move(Step.HOME_PHONE)
    return ctx.outcome(RegistrationCode.OK)


def submit_phone(ctx: StepContext, *, text: str | None, key: str, next_step: Step) -> Outcome:
    """An Ecuadorian phone stored as E.164, or None when the customer has none."""
    if text is None:
        ctx.remember(**{key: None})
    else:
        checked = validate_phone(text)
        if not checked.ok:
            return ctx.outcome(RegistrationCode.INVALID, reason=str(checked.reason))
        ctx.remember(**{key: checked.value})
    ctx.move(next_step)
    return ctx.outcome(RegistrationCode.OK)


def submit_challenge_answer(ctx: StepContext, *, answer: str) -> Outcome:
    """The answer to the current challenge question, normalised and hashed with argon2id."""
    checked = normalise_challenge_answer(answer)
    if not checked.ok:
        return ctx.outcome(RegistrationCode.INVALID, reason=str(checked.reason))
    ctx.remember(**{f"{ctx.step.value}_hash": ctx.services.hasher.hash(checked.value)})
    ctx.move(CHALLENGE_NEXT[ctx.step])
    return ctx.outcome(RegistrationCode.OK)


def submit_terms(ctx: StepContext, *, accepted: bool) -> Outcome:
    """The terms of service must be accepted explicitly to go on."""
    if not accepted:
        ctx.audit("registration.terms_rejected")
        return ctx.outcome(RegistrationCode.MUST_ACCEPT)
    ctx.remember(terms_accepted_at=ctx.now.isoformat())
    ctx.audit("registration.terms_accepted")
    ctx.move(Step.SMART_DEVICE)
    return ctx.outcome(RegistrationCode.OK)
