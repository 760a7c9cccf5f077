"""The parent's journey steps (`mini_parent`): names, and the handlers around the sign-in and
the choice of a child. Handlers run inside the journey's unit of work."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from bank.mini import parent_children as kids
from bank.mini.journey_base import JourneyContext
from bank.mini.outcome import MiniCode
from bank.mini.parent_children import CHOICE_KEYS
from bank.mini.parent_sign_in import ParentStatus, SignInResult
from bank.models import ENDED, MiniAccount
from bank.outcome import Outcome

KIND: Final = "mini_parent"


class Step(StrEnum):
    """Where a parent's journey is."""

    USERNAME = "username"
    PASSWORD = "password"  # noqa: S105 (a step name)
    TOKEN = "token"  # noqa: S105 (a step name)
    CHILD = "child"
    CHILD_ACTION = "child_action"


SIGN_IN_STEPS: Final = frozenset({Step.USERNAME, Step.PASSWORD, Step.TOKEN})
SIGNED_IN_STEPS: Final = frozenset({Step.CHILD, Step.CHILD_ACTION})


def signed_in(ctx: JourneyContext, status: ParentStatus, child_ref: str | None) -> None:
    """The parent is signed in: on to `child`, or `child_action` for their approved child_ref."""
    if ctx.step in SIGN_IN_STEPS:
        ctx.forget(["username"])
        ctx.move(Step.CHILD)
    ctx.remember(first_name=status.first_name)
    if child_ref is not None:
        account = kids.own_account(ctx.session, status.customer_id, child_ref)
        if account is not None and kids.is_approved(account):
            select(ctx, account)


def select(ctx: JourneyContext, account: MiniAccount) -> Outcome:
    """Choose the parent's approved child: on to `child_action`."""
    choice = kids.choice_data(ctx.session, account)
    ctx.forget(CHOICE_KEYS)
    ctx.remember(**choice)
    ctx.move(Step.CHILD_ACTION)
    return ctx.outcome(
        MiniCode.OK, child_first_name=choice["child_first_name"], has_user=choice["has_user"]
    )


def signed_in_outcome(ctx: JourneyContext, code: MiniCode) -> Outcome:
    """`code` with the parent's first name (and the chosen child's, at `child_action`)."""
    data = {"first_name": ctx.data.get("first_name", "")}
    if ctx.step == Step.CHILD_ACTION:
        data["child_first_name"] = ctx.data.get("child_first_name", "")
    return ctx.outcome(code, **data)


def to_sign_in(ctx: JourneyContext) -> None:
    """Signed out: back to the username; a chosen child is chosen again after signing in."""
    if ctx.step not in SIGNED_IN_STEPS:
        return
    pending = ctx.data.get("child_ref")
    ctx.forget([*CHOICE_KEYS, "first_name", "username"])
    if pending is not None:
        ctx.remember(pending_child_ref=pending)
    ctx.move(Step.USERNAME)


def signed_out(ctx: JourneyContext) -> Outcome:
    """The parent session ended: `signed_out`, back to the username."""
    to_sign_in(ctx)
    return ctx.outcome(MiniCode.SIGNED_OUT)


def unknown_child(ctx: JourneyContext) -> Outcome:
    """The chosen child is not (or no longer) the signed-in parent's: choose again."""
    ctx.forget(CHOICE_KEYS)
    ctx.move(Step.CHILD)
    return ctx.outcome(MiniCode.UNKNOWN)


def sign_in_result(
    ctx: JourneyContext, result: SignInResult, status: ParentStatus | None
) -> Outcome:
    """What ParentSignIn answered to the password or the Token digital code."""
    if status is not None and status.code == MiniCode.ACTIVE:
        pending = ctx.data.get("pending_child_ref")
        ctx.forget(["pending_child_ref"])
        signed_in(ctx, status, None if pending is None else str(pending))
        return signed_in_outcome(ctx, MiniCode.SIGNED_IN)
    if result.code == MiniCode.TOKEN_REQUIRED:
        ctx.move(Step.TOKEN)
        return ctx.outcome(MiniCode.TOKEN_REQUIRED)
    if result.code == MiniCode.WRONG and ctx.step == Step.TOKEN:
        return ctx.outcome(MiniCode.WRONG, attempts_left=result.attempts_left)
    if result.code == MiniCode.INVALID and ctx.step == Step.TOKEN:
        return ctx.outcome(MiniCode.INVALID, reason="token_format")
    if result.code == MiniCode.LOCKED:
        ctx.close(ENDED)
        ctx.audit("mini_parent.ended", reason="locked")
        return ctx.outcome(MiniCode.LOCKED, minutes=result.minutes)
    if result.code == MiniCode.HELD:
        ctx.close(ENDED)
        ctx.audit("mini_parent.ended", reason="held")
        return ctx.outcome(MiniCode.HELD)
    ctx.forget(["username"])
    ctx.move(Step.USERNAME)
    if result.code == MiniCode.WRONG:
        return ctx.outcome(MiniCode.WRONG, attempts_left=result.attempts_left)
    return ctx.outcome(MiniCode.EXPIRED)  # the token step took too long, or no sign-in is pending
