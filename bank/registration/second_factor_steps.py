"""Second factor: smart device, Token digital now or later, and its first code."""

from __future__ import annotations

from bank.outcome import Outcome
from bank.registration.context import StepContext
from bank.registration.outcome import RegistrationCode
from bank.registration.steps import Step
from bank.totp import check_token_code, new_token_secret, provisioning_uri
from bank.validators import validate_otp_format


def _finish(ctx: StepContext, *, came_from: Step) -> None:
    ctx.remember(finish_from=came_from.value)
    ctx.move(Step.FINISH)


def submit_smart_device(ctx: StepContext, *, has_device: bool) -> Outcome:
    """Without a smart device the user is created with the second factor pending."""
    ctx.remember(has_smart_device=has_device)
    if not has_device:
        _finish(ctx, came_from=Step.SMART_DEVICE)
        return ctx.outcome(RegistrationCode.NO_DEVICE)
    ctx.move(Step.SECOND_FACTOR)
    return ctx.outcome(RegistrationCode.OK)


def submit_second_factor(ctx: StepContext, *, choice: str) -> Outcome:
    """`token` goes on to activate the Token digital; `later` finishes without it."""
    if choice not in ("token", "later"):
        raise ValueError(f"second factor choice must be 'token' or 'later', not {choice!r}")
    ctx.remember(second_factor=choice)
    if choice == "later":
        _finish(ctx, came_from=Step.SECOND_FACTOR)
    else:
        ctx.move(Step.TOKEN_ACTIVATION)
    return ctx.outcome(RegistrationCode.OK)


def submit_token_activation(ctx: StepContext, *, now: bool) -> Outcome:
    """Activate now (a new TOTP secret, encrypted in the journey) or later from the menu."""
    if not now:
        _finish(ctx, came_from=Step.TOKEN_ACTIVATION)
        return ctx.outcome(RegistrationCode.OK)
    secret = new_token_secret()
    ctx.remember(token_secret_encrypted=ctx.services.token_cipher.encrypt(secret))
    ctx.forget(["token_last_timestep", "token_active"])
    ctx.audit("token.provisioned")
    ctx.move(Step.TOKEN_CODE)
    return ctx.outcome(RegistrationCode.OK)


def token_secret(ctx: StepContext) -> str | None:
    """The journey's TOTP secret in clear, or None."""
    sealed = ctx.data.get("token_secret_encrypted")
    return ctx.services.token_cipher.decrypt(sealed) if isinstance(sealed, str) else None


def token_uri(ctx: StepContext) -> str:
    """The otpauth:// URI for the journey's token ("" when there is none)."""
    secret = token_secret(ctx)
    if secret is None:
        return ""
    return provisioning_uri(secret, username=str(ctx.data.get("username", "")))


def submit_token_code(ctx: StepContext, *, code: str) -> Outcome:
    """The token's first code; a code of an already used (or earlier) timestep is refused."""
    checked = validate_otp_format(code)
    if not checked.ok:
        return ctx.outcome(RegistrationCode.INVALID, reason=str(checked.reason))
    secret = token_secret(ctx)
    if secret is None:
        return ctx.outcome(RegistrationCode.WRONG)
    last = ctx.data.get("token_last_timestep")
    result = check_token_code(
        secret, checked.value, now=ctx.now, last_timestep=last if isinstance(last, int) else None
    )
    if result.code != RegistrationCode.OK:
        ctx.audit("token.failed", reason=result.code)
        return ctx.outcome(RegistrationCode(result.code))
    ctx.remember(token_active=True, token_last_timestep=result.timestep)
    ctx.audit("token.verified")
    _finish(ctx, came_from=Step.TOKEN_CODE)
    return ctx.outcome(RegistrationCode.OK)
