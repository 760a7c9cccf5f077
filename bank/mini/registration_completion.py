"""Finishing a child's registration: the Cuenta Mini user is created here, atomically.

The journey keeps only the picture password's argon2id hash; `bank.mini.child_users.add_user`
creates the user from it with the same rules as `ChildUsers.create` (a code accepted in the last
30 minutes, one user per child, a free username with suggestions otherwise).
"""

from __future__ import annotations

from bank.mini.accounts import lock_account
from bank.mini.child_users import add_user
from bank.mini.journey_base import JourneyContext
from bank.mini.outcome import MiniCode
from bank.mini.pictures import AVATAR_IDS
from bank.mini.registration_steps import Step, first_name, keys_from
from bank.models import COMPLETED, ENDED
from bank.outcome import Outcome
from bank.validators import validate_child_username


def complete(ctx: JourneyContext) -> Outcome:
    """Create the child's user from the journey's answers and close the journey."""
    username = validate_child_username(str(ctx.data.get("username", "")))
    avatar = str(ctx.data.get("avatar", ""))
    password_hash = str(ctx.data.get("picture_password_hash", ""))
    if not username.ok or avatar not in AVATAR_IDS or not password_hash:
        return ctx.outcome(MiniCode.WRONG_STEP)
    account = lock_account(ctx.session, str(ctx.data.get("cedula", "")))
    created = None
    if account is not None:
        created = add_user(
            ctx.session,
            account=account,
            username=username.value,
            avatar=avatar,
            password_hash=password_hash,
            now=ctx.now,
            details={"journey_id": ctx.journey.id},
        )
    if created is None or created.code == MiniCode.NO_VALID_CODE:
        ctx.forget([*keys_from(Step.AVATAR), "code_accepted_at"])
        ctx.move(Step.ACTIVATION_CODE)
        ctx.audit("mini_registration.code_needed_again")
        return ctx.outcome(MiniCode.NO_VALID_CODE)
    if created.code == MiniCode.ALREADY_HAS_USER:
        return _already_has_user(ctx)
    if created.code == MiniCode.TAKEN:
        return _username_taken(ctx, list(created.suggestions))
    assert account is not None
    ctx.close(COMPLETED)
    return ctx.outcome(
        MiniCode.COMPLETED, username=username.value, first_name=first_name(account), avatar=avatar
    )


def _username_taken(ctx: JourneyContext, suggestions: list[str]) -> Outcome:
    # Only the username is chosen again; the journey returns to `finish` right after it.
    ctx.forget(["username"])
    ctx.remember(rejoin_finish=True)
    ctx.move(Step.USERNAME)
    ctx.audit("mini_registration.username_taken")
    return ctx.outcome(MiniCode.USERNAME_TAKEN, suggestions=suggestions)


def _already_has_user(ctx: JourneyContext) -> Outcome:
    ctx.close(ENDED)
    ctx.audit("mini_registration.ended", reason="already_has_user")
    return ctx.outcome(MiniCode.ALREADY_HAS_USER)
