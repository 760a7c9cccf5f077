"""Finishing a registration: the online user is created here, atomically, and nowhere else."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError

from bank import messages
from bank.masking import mask_email
from bank.models import (
    COMPLETED,
    ENDED,
    SECOND_FACTOR_PENDING,
    SECOND_FACTOR_TOKEN,
    OnlineUser,
)
from bank.outcome import Outcome
from bank.registration.context import StepContext
from bank.registration.lookup import contact_of, has_online_user, owner_key, username_taken
from bank.registration.outcome import RegistrationCode
from bank.registration.steps import Step


def complete(ctx: StepContext) -> Outcome:
    """Create the online user, close the journey, send the confirmation e-mail."""
    journey = ctx.journey
    contact = contact_of(ctx.session, journey)
    if journey.customer_id is None or contact is None:
        return ctx.outcome(RegistrationCode.WRONG_STEP)
    if has_online_user(ctx.session, journey.customer_id, journey.additional_user_id):
        return _already_registered(ctx)
    username = str(ctx.data["username"])
    if username_taken(ctx.session, username):
        return _username_taken(ctx, username)
    user = _new_online_user(ctx, customer_id=journey.customer_id, username=username)
    try:
        with ctx.session.begin_nested():
            ctx.session.add(user)
    except IntegrityError:
        # Someone finished at the same moment: tell which unique rule we lost on.
        if has_online_user(ctx.session, journey.customer_id, journey.additional_user_id):
            return _already_registered(ctx)
        return _username_taken(ctx, username)
    token_active = user.second_factor == SECOND_FACTOR_TOKEN
    ctx.close(status=COMPLETED, step=Step.COMPLETED)
    subject, body = messages.registration_mail(
        name=contact.full_name, username=username, token_active=token_active
    )
    ctx.services.mail(ctx.session).send_mail(contact.email, subject, body)
    ctx.audit(
        "registration.completed",
        online_user_id=user.id,
        username=username,
        second_factor=user.second_factor,
    )
    return ctx.outcome(
        RegistrationCode.COMPLETED,
        username=username,
        email_masked=mask_email(contact.email),
        token_active=token_active,
    )


def _new_online_user(ctx: StepContext, *, customer_id: int, username: str) -> OnlineUser:
    data: dict[str, Any] = dict(ctx.data)
    token_active = bool(data.get("token_active"))
    return OnlineUser(
        customer_id=customer_id,
        additional_user_id=ctx.journey.additional_user_id,
        owner_key=owner_key(customer_id, ctx.journey.additional_user_id),
        username=username,
        username_key=username.lower(),
        password_hash=data["password_hash"],
        security_image=data["security_image"],
        home_phone=data.get("home_phone"),
        work_phone=data.get("work_phone"),
        challenge_first_name_hash=data["challenge_first_name_hash"],
        challenge_mother_surname_hash=data["challenge_mother_surname_hash"],
        challenge_father_surname_hash=data["challenge_father_surname_hash"],
        second_factor=SECOND_FACTOR_TOKEN if token_active else SECOND_FACTOR_PENDING,
        totp_secret_encrypted=data.get("token_secret_encrypted") if token_active else None,
        totp_last_timestep=data.get("token_last_timestep") if token_active else None,
        created_at=ctx.now,
    )


def _username_taken(ctx: StepContext, username: str) -> Outcome:
    # The password may not contain the new username, so it is chosen again too; the other
    # answers are kept and the journey returns to `finish` after the password.
    ctx.forget(["username", "password_hash"])
    ctx.remember(rejoin_finish=True)
    ctx.move(Step.USERNAME)
    ctx.audit("registration.username_taken", username=username)
    return ctx.outcome(RegistrationCode.USERNAME_TAKEN)


def _already_registered(ctx: StepContext) -> Outcome:
    ctx.close(status=ENDED, step=Step.ENDED)
    ctx.audit("registration.ended", reason="already_registered")
    return ctx.outcome(RegistrationCode.ALREADY_REGISTERED)
