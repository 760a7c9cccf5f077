"""Identity steps: cédula or RUC, additional user, the 4-digit PIN, and the locks around them.

Unknown numbers and wrong PINs answer alike and count alike, so nobody learns who is a customer.
"""

from __future__ import annotations

from bank import guards
from bank.crypto import HashCheck
from bank.hash_upgrade import upgrade_if_needed
from bank.identity import additional_user_key, key_for_number
from bank.models import ENDED, IdentityGuard
from bank.outcome import Outcome
from bank.registration.context import StepContext
from bank.registration.lookup import (
    Credential,
    find_credential,
    has_online_user,
    identity_key_of,
)
from bank.registration.outcome import RegistrationCode
from bank.registration.steps import Step, keys_from
from bank.validators import classify_identity_number, validate_cedula, validate_pin_format


def submit_identity_number(ctx: StepContext, *, text: str) -> Outcome:
    """A cédula or RUC: format, then the identity's lock; a company asks about additional users."""
    identity = classify_identity_number(text)
    if not identity.ok:
        return ctx.outcome(RegistrationCode.INVALID, reason=str(identity.reason))
    ctx.forget(keys_from(Step.IDENTITY_NUMBER))
    ctx.remember(id_kind=identity.kind, id_number=identity.number)
    refused = refuse_if_locked(ctx, key_for_number(identity))
    if refused is not None:
        return refused
    ctx.move(Step.ADDITIONAL_USER_QUESTION if identity.is_company else Step.PIN)
    return ctx.outcome(RegistrationCode.OK)


def submit_additional_user(ctx: StepContext, *, is_additional: bool) -> Outcome:
    """Company RUC: the person is an additional user (asks the cédula) or the company itself."""
    ctx.remember(is_additional=is_additional)
    ctx.move(Step.ADDITIONAL_CEDULA if is_additional else Step.PIN)
    return ctx.outcome(RegistrationCode.OK)


def submit_additional_cedula(ctx: StepContext, *, text: str) -> Outcome:
    """The additional user's own cédula; the company RUC plus this cédula is the identity."""
    cedula = validate_cedula(text)
    if not cedula.ok:
        return ctx.outcome(RegistrationCode.INVALID, reason=str(cedula.reason))
    ctx.remember(additional_cedula=cedula.value)
    refused = refuse_if_locked(ctx, additional_user_key(str(ctx.data["id_number"]), cedula.value))
    if refused is not None:
        return refused
    ctx.move(Step.PIN)
    return ctx.outcome(RegistrationCode.OK)


def submit_pin(ctx: StepContext, *, pin: str) -> Outcome:
    """Check the PIN for the identity typed; three failures in a row lock the identity."""
    key = identity_key_of(ctx.data)
    # Insert or lock the identity's guard row before anything else: concurrent attempts on one
    # identity (from many chats) queue here, so none is checked once the lock is set.
    guard = guards.load_or_create_guard(ctx.session, key, ctx.now)
    status = guards.lock_status(guard, ctx.now)
    if not status.is_open:
        return _end_locked(ctx, key, status, newly=False)
    checked = validate_pin_format(pin)
    if not checked.ok:
        return ctx.outcome(RegistrationCode.INVALID, reason=str(checked.reason))
    credential = find_credential(ctx.session, ctx.data)
    pin_hash = credential.pin_hash if credential is not None else None
    # Always one argon2 verification (a dummy one for unknown identities): same time, same code.
    verified = ctx.services.hasher.check(pin_hash, checked.value)
    if credential is None or not verified.ok:
        return _wrong_credentials(ctx, key, guard)
    _upgrade_pin_hash(ctx, credential, checked.value, verified)
    guards.record_success(guard, ctx.now)
    ctx.audit_identity("identity.verified", key)
    if credential.contact.mobile is None:
        ctx.close(status=ENDED, step=Step.ENDED)
        ctx.audit("registration.ended", reason="no_mobile")
        return ctx.outcome(RegistrationCode.NO_MOBILE)
    additional_id = credential.additional_user.id if credential.additional_user else None
    if has_online_user(ctx.session, credential.customer.id, additional_id):
        ctx.close(status=ENDED, step=Step.ENDED)
        ctx.audit("registration.ended", reason="already_registered")
        return ctx.outcome(RegistrationCode.ALREADY_REGISTERED)
    ctx.journey.customer_id = credential.customer.id
    ctx.journey.additional_user_id = additional_id
    ctx.remember(identity_verified_at=ctx.now.isoformat())
    ctx.move(Step.CONTACT_CONFIRMATION)
    return ctx.outcome(RegistrationCode.OK)


def _upgrade_pin_hash(
    ctx: StepContext, credential: Credential, pin: str, verified: HashCheck
) -> None:
    """An outdated PIN hash (no pepper, the old pepper or cost) is re-made, now the PIN is known."""
    upgraded = upgrade_if_needed(ctx.services.hasher, verified, pin)
    if upgraded is None:
        return
    holder = credential.additional_user or credential.customer
    holder.pin_hash = upgraded


def _wrong_credentials(ctx: StepContext, key: str, guard: IdentityGuard) -> Outcome:
    result = guards.record_failure(ctx.session, guard, ctx.now)
    ctx.audit_identity("identity.failed", key, attempts_left=result.attempts_left)
    if not result.lock.is_open:
        return _end_locked(ctx, key, result.lock, newly=True)
    # Which part was wrong is not said, so both are asked again.
    ctx.forget(keys_from(Step.IDENTITY_NUMBER))
    ctx.move(Step.IDENTITY_NUMBER)
    code = (
        RegistrationCode.LAST_ATTEMPT
        if result.attempts_left == 1
        else RegistrationCode.WRONG_CREDENTIALS
    )
    return ctx.outcome(code, attempts_left=result.attempts_left)


def refuse_if_locked(ctx: StepContext, key: str) -> Outcome | None:
    """End the journey with `locked`/`locked_held` when the identity is locked, else None."""
    status = guards.lock_status(guards.load_guard(ctx.session, key), ctx.now)
    if status.is_open:
        return None
    return _end_locked(ctx, key, status, newly=False)


def _end_locked(ctx: StepContext, key: str, status: guards.LockStatus, *, newly: bool) -> Outcome:
    held = status.state == "held"
    if newly:
        ctx.audit_identity("identity.held" if held else "identity.locked", key)
    ctx.close(status=ENDED, step=Step.ENDED)
    ctx.audit("registration.ended", reason="locked_held" if held else "locked")
    if held:
        return ctx.outcome(RegistrationCode.LOCKED_HELD)
    return ctx.outcome(RegistrationCode.LOCKED, minutes=status.minutes)
