"""Going one step back in a registration journey."""

from __future__ import annotations

from bank.outcome import Outcome
from bank.registration.context import StepContext
from bank.registration.outcome import RegistrationCode
from bank.registration.steps import Step, is_before, keys_from, previous_step


def go_back(ctx: StepContext) -> Outcome:
    """Move to the previous step, forgetting what it and later steps stored."""
    target = previous_step(ctx.step, ctx.data)
    if target is None:
        return ctx.outcome(RegistrationCode.CANNOT_GO_BACK)
    origin = ctx.step
    ctx.forget(keys_from(target))
    if is_before(target, Step.CONTACT_CONFIRMATION):
        # Back before the PIN: the identity must be proven again.
        ctx.journey.customer_id = None
        ctx.journey.additional_user_id = None
        ctx.services.otp.invalidate_journey(ctx.session, journey_id=ctx.journey.id, now=ctx.now)
    ctx.move(target)
    ctx.audit("registration.went_back", origin=origin.value)
    return ctx.outcome(RegistrationCode.OK)
