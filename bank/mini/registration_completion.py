"""Finishing a child's registration: the Cuenta Mini user is created here, atomically.

The journey keeps only the picture password's argon2id hash, so the user is created from it with
the rules of `bank.mini.child_users` (a code accepted in the last 30 minutes, one user per child,
a free username with suggestions otherwise).
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from bank.audit import record_audit
from bank.mini.accounts import lock_account
from bank.mini.child_users import recently_activated, username_suggestions, username_taken
from bank.mini.journey_base import JourneyContext
from bank.mini.outcome import MiniOutcome
from bank.mini.pictures import AVATAR_IDS
from bank.mini.registration_steps import Step, first_name, has_user, keys_from
from bank.models import COMPLETED, ENDED, MiniUser
from bank.validators import validate_child_username


def complete(ctx: JourneyContext) -> MiniOutcome:
    """Create the child's user from the journey's answers and close the journey."""
    username = validate_child_username(str(ctx.data.get("username", "")))
    avatar = str(ctx.data.get("avatar", ""))
    password_hash = str(ctx.data.get("picture_password_hash", ""))
    if not username.ok or avatar not in AVATAR_IDS or not password_hash:
        return ctx.outcome("wrong_step")
    account = lock_account(ctx.session, str(ctx.data.get("cedula", "")))
    if account is None or not recently_activated(ctx.session, account.id, ctx.now):
        ctx.forget([*keys_from(Step.AVATAR), "code_accepted_at"])
        ctx.move(Step.ACTIVATION_CODE)
        ctx.audit("mini_registration.code_needed_again")
        return ctx.outcome("no_valid_code")
    if has_user(ctx, account.id):
        return _already_has_user(ctx)
    if username_taken(ctx.session, username.value):
        return _username_taken(ctx, username.value)
    user = MiniUser(
        mini_account_id=account.id,
        username=username.value,
        username_key=username.value.lower(),
        avatar=avatar,
        picture_password_hash=password_hash,
        created_at=ctx.now,
    )
    try:
        with ctx.session.begin_nested():
            ctx.session.add(user)
    except IntegrityError:
        # Someone finished at the same moment: tell which unique rule we lost on.
        if has_user(ctx, account.id):
            return _already_has_user(ctx)
        return _username_taken(ctx, username.value)
    record_audit(
        ctx.session,
        at=ctx.now,
        actor=f"mini:{account.id}",
        action="mini_user_created",
        subject=f"mini_user:{user.id}",
        details={"journey_id": ctx.journey.id},
    )
    ctx.close(COMPLETED)
    return ctx.outcome(
        "completed", username=username.value, first_name=first_name(account), avatar=avatar
    )


def _username_taken(ctx: JourneyContext, username: str) -> MiniOutcome:
    # Only the username is chosen again; the journey returns to `finish` right after it.
    suggestions = list(username_suggestions(ctx.session, username))
    ctx.forget(["username"])
    ctx.remember(rejoin_finish=True)
    ctx.move(Step.USERNAME)
    ctx.audit("mini_registration.username_taken")
    return ctx.outcome("username_taken", suggestions=suggestions)


def _already_has_user(ctx: JourneyContext) -> MiniOutcome:
    ctx.close(ENDED)
    ctx.audit("mini_registration.ended", reason="already_has_user")
    return ctx.outcome("already_has_user")
