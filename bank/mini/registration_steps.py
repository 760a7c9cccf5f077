"""The child's registration steps (`mini_registration`): names, order, data, and their handlers.

Handlers run inside the journey's unit of work (see `bank.mini.journey_base`) and never see a
secret in clear except where the service hands them a hash.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from bank import journey_rows
from bank.journey_rows import JourneyRows
from bank.mini import child_users
from bank.mini.journey_base import JourneyContext
from bank.mini.outcome import MiniOutcome
from bank.mini.pictures import AVATAR_IDS
from bank.models import ENDED, MINI_APPROVED, CustomerChat, Journey, MiniAccount
from bank.notifications import queue_notice
from bank.validators import validate_cedula

KIND: Final = "mini_registration"
CODE_REQUEST_INTERVAL: Final = timedelta(minutes=2)


class Step(StrEnum):
    """Where a child's registration is: the next thing asked."""

    CEDULA = "cedula"
    ACTIVATION_CODE = "activation_code"
    AVATAR = "avatar"
    USERNAME = "username"
    PICTURE_PASSWORD = "picture_password"  # noqa: S105 (a step name)
    PICTURE_PASSWORD_CONFIRMATION = "picture_password_confirmation"  # noqa: S105
    FINISH = "finish"


STEP_ORDER: Final = tuple(Step)
# Data written when the journey leaves each step; going back to a step forgets what it and every
# later step wrote. The cédula and the code are never forgotten by going back.
STEP_DATA_KEYS: Final[Mapping[Step, tuple[str, ...]]] = {
    Step.AVATAR: ("avatar",),
    Step.USERNAME: ("username",),
    Step.PICTURE_PASSWORD: ("picture_password_hash",),
    Step.FINISH: ("rejoin_finish",),
}
# Going back never reaches the steps before the avatar: the activation code is used up.
PREVIOUS: Final[Mapping[Step, Step]] = {
    Step.USERNAME: Step.AVATAR,
    Step.PICTURE_PASSWORD: Step.USERNAME,
    Step.PICTURE_PASSWORD_CONFIRMATION: Step.PICTURE_PASSWORD,
    Step.FINISH: Step.PICTURE_PASSWORD_CONFIRMATION,
}


def keys_from(step: Step) -> list[str]:
    """Data keys written at `step` and at every later step."""
    start = STEP_ORDER.index(step)
    return [key for later in STEP_ORDER[start:] for key in STEP_DATA_KEYS.get(later, ())]


def first_name(account: MiniAccount) -> str:
    """The child's first given name ("Andrea"), as the notices and codes call the child."""
    return account.child_full_name.split()[0]


def has_user(ctx: JourneyContext, account_id: int) -> bool:
    """Whether the child already has a Cuenta Mini user."""
    return child_users.has_user(ctx.session, account_id)


def account_of(ctx: JourneyContext) -> MiniAccount | None:
    """The Cuenta Mini of the journey's child (known from the `activation_code` step on)."""
    ref = str(ctx.data.get("child_ref", ""))
    return ctx.session.get(MiniAccount, int(ref)) if ref.isdigit() else None


def submit_cedula(ctx: JourneyContext, *, text: str) -> MiniOutcome:
    """The child's cédula: an approved Cuenta Mini without a user moves on to the code."""
    cedula = validate_cedula(text)
    if not cedula.ok:
        return ctx.outcome("invalid", reason=str(cedula.reason))
    account = ctx.session.scalar(
        select(MiniAccount).where(MiniAccount.child_cedula == cedula.value)
    )
    if account is None:
        return ctx.outcome("unknown_child")
    if account.state != MINI_APPROVED:
        return ctx.outcome("not_approved")
    if has_user(ctx, account.id):
        ctx.close(ENDED)
        ctx.audit("mini_registration.ended", reason="already_has_user")
        return ctx.outcome("already_has_user", child_first_name=first_name(account))
    ctx.remember(
        cedula=account.child_cedula, child_first_name=first_name(account), child_ref=str(account.id)
    )
    ctx.move(Step.ACTIVATION_CODE)
    return ctx.outcome("ok", child_first_name=first_name(account))


def parent_chat(ctx: JourneyContext, account: MiniAccount) -> CustomerChat | None:
    """The chat the child's parent last signed in from, if any."""
    return ctx.session.get(CustomerChat, account.parent_id)


def request_code(ctx: JourneyContext) -> MiniOutcome:
    """Ask the parent for a code through their chat: once every 2 minutes at most."""
    last = ctx.data.get("last_code_request_at")
    if last:
        wait = datetime.fromisoformat(str(last)) + CODE_REQUEST_INTERVAL - ctx.now
        if wait.total_seconds() > 0:
            return ctx.outcome("too_soon", seconds=math.ceil(wait.total_seconds()))
    account = account_of(ctx)
    if account is None or parent_chat(ctx, account) is None:
        return ctx.outcome("parent_unreachable")
    queue_notice(
        ctx.session,
        customer_id=account.parent_id,
        kind="mini_code_requested",
        data={"child": first_name(account), "child_ref": str(account.id)},
        now=ctx.now,
    )
    moment = ctx.now.isoformat()
    ctx.remember(code_requested_at=moment, last_code_request_at=moment)
    ctx.audit("mini_registration.code_requested", subject=f"mini:{account.id}")
    return ctx.outcome("asked", child_first_name=first_name(account))


def code_accepted(ctx: JourneyContext) -> MiniOutcome:
    """The activation code was right: on to the avatar."""
    ctx.forget(["code_requested_at"])
    ctx.remember(code_accepted_at=ctx.now.isoformat())
    ctx.move(Step.AVATAR)
    ctx.audit("mini_registration.code_accepted", subject=f"mini:{ctx.data.get('child_ref')}")
    return ctx.outcome("ok")


def submit_avatar(ctx: JourneyContext, *, avatar_id: str) -> MiniOutcome:
    """One of the 8 avatars."""
    avatar = avatar_id.strip()
    if avatar not in AVATAR_IDS:
        return ctx.outcome("invalid", reason="unknown_avatar")
    ctx.remember(avatar=avatar)
    ctx.move(Step.USERNAME)
    return ctx.outcome("ok", avatar=avatar)


def accept_username(ctx: JourneyContext, *, username: str) -> MiniOutcome:
    """A free username; after `username_taken` at the end, straight back to `finish`."""
    ctx.remember(username=username)
    if ctx.data.get("rejoin_finish") and ctx.data.get("picture_password_hash"):
        ctx.move(Step.FINISH)
    else:
        ctx.move(Step.PICTURE_PASSWORD)
    return ctx.outcome("ok", username=username)


def keep_picture_password(ctx: JourneyContext, *, password_hash: str) -> MiniOutcome:
    """Keep the picture password's argon2id hash (never the pictures) until it is repeated."""
    ctx.remember(picture_password_hash=password_hash)
    ctx.move(Step.PICTURE_PASSWORD_CONFIRMATION)
    return ctx.outcome("ok")


def confirm_picture_password(ctx: JourneyContext, *, matches: bool, seen_hash: str) -> MiniOutcome:
    """The repetition matched (`ok`, to `finish`) or not (`mismatch`, chosen again)."""
    if ctx.data.get("picture_password_hash") != seen_hash:
        return ctx.outcome("wrong_step")
    if not matches:
        ctx.forget(keys_from(Step.PICTURE_PASSWORD))
        ctx.move(Step.PICTURE_PASSWORD)
        return ctx.outcome("mismatch")
    ctx.move(Step.FINISH)
    return ctx.outcome("ok")


def go_back(ctx: JourneyContext) -> MiniOutcome:
    """One step back, forgetting what that step and later ones stored."""
    target = PREVIOUS.get(Step(ctx.step))
    if target is None:
        return ctx.outcome("cannot_go_back")
    origin = ctx.step
    ctx.forget(keys_from(target))
    ctx.move(target)
    ctx.audit("mini_registration.went_back", origin=origin)
    return ctx.outcome("ok")


def open_at_activation_code(
    session: Session, *, sender_id: str, account: MiniAccount, now: datetime
) -> Journey:
    """Inside the caller's unit of work: this chat's registration of `account`, at the code.

    A registration already open in the chat starts over for this child.
    """
    rows = JourneyRows(KIND)
    data = {
        "cedula": account.child_cedula,
        "child_first_name": first_name(account),
        "child_ref": str(account.id),
    }
    step = Step.ACTIVATION_CODE.value
    journey = rows.load_active(session, sender_id) or rows.create(
        session, sender_id, step=step, data=data, now=now
    )
    if journey is None:  # the chat opened one at this very moment
        journey = rows.load_active(session, sender_id)
        assert journey is not None
    journey_rows.restart(journey, step=step, data=data, now=now)
    return journey
