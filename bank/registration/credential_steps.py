"""Username and alphanumeric password, each typed twice."""

from __future__ import annotations

from bank.outcome import Outcome
from bank.registration.context import StepContext
from bank.registration.lookup import contact_of, identity_numbers_of, username_taken
from bank.registration.outcome import RegistrationCode
from bank.registration.steps import Step
from bank.registration.usernames import suggest_usernames
from bank.validators import validate_password, validate_username


def submit_username(ctx: StepContext, *, text: str) -> Outcome:
    """A username that passes the policy and nobody has; suggestions when it is taken."""
    identities = identity_numbers_of(ctx.data)
    checked = validate_username(text, identities=identities)
    if not checked.ok:
        return ctx.outcome(RegistrationCode.INVALID, reason=str(checked.reason))
    if username_taken(ctx.session, checked.value):
        contact = contact_of(ctx.session, ctx.journey)
        suggestions = suggest_usernames(
            ctx.session, full_name=contact.full_name if contact else "", identities=identities
        )
        return ctx.outcome(RegistrationCode.TAKEN, suggestions=suggestions)
    ctx.remember(username=checked.value)
    ctx.move(Step.USERNAME_CONFIRMATION)
    return ctx.outcome(RegistrationCode.OK, username=checked.value)


def submit_username_confirmation(ctx: StepContext, *, text: str) -> Outcome:
    """The username again (case does not matter); a mismatch asks for the username again."""
    username = str(ctx.data.get("username", ""))
    if not username or text.strip().lower() != username.lower():
        ctx.forget(["username"])
        ctx.move(Step.USERNAME)
        return ctx.outcome(RegistrationCode.MISMATCH)
    ctx.move(Step.PASSWORD)
    return ctx.outcome(RegistrationCode.OK, username=username)


def submit_password(ctx: StepContext, *, password: str) -> Outcome:
    """A password that passes the policy; only its argon2id hash is kept."""
    checked = validate_password(
        password,
        username=str(ctx.data.get("username", "")),
        identities=identity_numbers_of(ctx.data),
    )
    if not checked.ok:
        return ctx.outcome(RegistrationCode.INVALID, reason=str(checked.reason))
    ctx.remember(password_hash=ctx.services.hasher.hash(password))
    ctx.move(Step.PASSWORD_CONFIRMATION)
    return ctx.outcome(RegistrationCode.OK)


def submit_password_confirmation(ctx: StepContext, *, password: str) -> Outcome:
    """The password again, checked against the stored hash; a mismatch asks for a new one."""
    stored = ctx.data.get("password_hash")
    if not isinstance(stored, str) or not ctx.services.hasher.verify(stored, password):
        ctx.forget(["password_hash"])
        ctx.move(Step.PASSWORD)
        return ctx.outcome(RegistrationCode.MISMATCH)
    if ctx.data.get("rejoin_finish"):
        # The username was taken just before finishing: everything else is already answered.
        ctx.forget(["rejoin_finish"])
        ctx.move(Step.FINISH)
    else:
        ctx.move(Step.SECURITY_IMAGE)
    return ctx.outcome(RegistrationCode.OK)
