"""The child's registration steps (`mini_registration`): names, order, data, and their handlers.

Handlers run inside the journey's unit of work (see `bank.mini.journey_base`) and never see a
secret in clear except where the service hands them a hash.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from bank import journey_rows
from bank.journey_rows import JourneyRows
from bank.mini import child_users
from bank.mini.activation import MAX_WRONG_ENTRIES
from bank.mini.journey_base import JourneyContext
from bank.mini.outcome import MiniCode
from bank.mini.pictures import AVATAR_IDS, MIN_DIFFERENT_PICTURES
from bank.models import ENDED, MINI_APPROVED, CustomerChat, Journey, MiniAccount
from bank.notifications import queue_notice
from bank.outcome import Outcome
from bank.rate_limits import (
    MINI_CEDULA_PER_CHAT,
    MINI_CEDULA_PER_CHILD,
    MINI_CODE_REQUESTS_PER_CHILD,
    RateLimiter,
    RateVerdict,
)
from bank.validators import validate_cedula

KIND: Final = "mini_registration"
CODE_REQUEST_INTERVAL: Final = timedelta(minutes=2)
# A journey ends after as many wrong codes as a code itself allows, whoever the cédula is.
MAX_CODE_MISSES: Final = MAX_WRONG_ENTRIES


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


@dataclass(frozen=True)
class ProbeGuards:
    """What the steps that take a cédula need to resist probing: the rate limits and the keyed
    audit ref of a cédula (audit rows never carry the number itself)."""

    limiter: RateLimiter
    cedula_ref: Callable[[str], str]

    def ref(self, cedula: str) -> str:
        """The audit ref of a well-formed cédula ("" if it is not one)."""
        try:
            return self.cedula_ref(cedula)
        except ValueError:
            return ""


def account_of(ctx: JourneyContext) -> MiniAccount | None:
    """The Cuenta Mini whose child has the journey's cédula, if there is one (never told before
    a valid activation code)."""
    cedula = str(ctx.data.get("cedula", ""))
    if not cedula:
        return None
    return ctx.session.scalar(select(MiniAccount).where(MiniAccount.child_cedula == cedula))


def limit_data(verdict: RateVerdict) -> dict[str, Any]:
    """What a rate-limit message states: the limit, its window and the wait, in minutes."""
    assert verdict.limit is not None
    return {
        "limit": verdict.limit.max_hits,
        "window_minutes": verdict.limit.window_minutes,
        "minutes": verdict.minutes,
    }


def submit_cedula(ctx: JourneyContext, *, text: str, guards: ProbeGuards) -> Outcome:
    """The child's cédula. Every well-formed cédula (a child's or nobody's, in approval or with a
    user already) gets the same answer and moves on to the code: only a valid code tells more.

    Well-formed cédulas count against the chat's and the cédula's limits; over either, the
    journey ends with `rate_limited` (data.scope `chat` or `child`, plus `limit_data`).
    """
    cedula = validate_cedula(text)
    if not cedula.ok:
        return ctx.outcome(MiniCode.INVALID, reason=str(cedula.reason))
    ref = guards.ref(cedula.value)
    verdict = guards.limiter.attempt(
        ctx.session,
        limits=(
            (MINI_CEDULA_PER_CHAT, ctx.journey.sender_id),
            (MINI_CEDULA_PER_CHILD, cedula.value),
        ),
        now=ctx.now,
    )
    if not verdict.allowed:
        assert verdict.limit is not None
        ctx.close(ENDED)
        ctx.audit("mini_registration.rate_limited", limit=verdict.limit.name, customer_ref=ref)
        scope = "chat" if verdict.limit is MINI_CEDULA_PER_CHAT else "child"
        return ctx.outcome(MiniCode.RATE_LIMITED, scope=scope, **limit_data(verdict))
    ctx.remember(cedula=cedula.value)
    ctx.move(Step.ACTIVATION_CODE)
    ctx.audit("mini_registration.cedula_entered", customer_ref=ref)
    return ctx.outcome(MiniCode.OK)


def parent_chat(ctx: JourneyContext, account: MiniAccount) -> CustomerChat | None:
    """The chat the child's parent last signed in from, if any."""
    return ctx.session.get(CustomerChat, account.parent_id)


def may_get_a_code(ctx: JourneyContext, account: MiniAccount | None) -> MiniAccount | None:
    """The account when its child could still get a code: approved, without a user."""
    if account is None or account.state != MINI_APPROVED or has_user(ctx, account.id):
        return None
    return account


def request_code(ctx: JourneyContext, *, guards: ProbeGuards) -> Outcome:
    """Ask the parent for a code ("Pedirle un código"). The answer is `asked` whether or not a
    notice went out (no Cuenta Mini, in approval, a user already, no chat known for the parent):
    once every 2 minutes per journey (`too_soon`), and within the cédula's limit across chats
    (`rate_limited`, data as `limit_data`)."""
    last = ctx.data.get("last_code_request_at")
    if last:
        wait = datetime.fromisoformat(str(last)) + CODE_REQUEST_INTERVAL - ctx.now
        if wait.total_seconds() > 0:
            return ctx.outcome(MiniCode.TOO_SOON, seconds=math.ceil(wait.total_seconds()))
    cedula = str(ctx.data.get("cedula", ""))
    verdict = guards.limiter.attempt(
        ctx.session, limits=((MINI_CODE_REQUESTS_PER_CHILD, cedula),), now=ctx.now
    )
    if not verdict.allowed:
        assert verdict.limit is not None
        ctx.audit(
            "mini_registration.rate_limited",
            limit=verdict.limit.name,
            customer_ref=guards.ref(cedula),
        )
        return ctx.outcome(MiniCode.RATE_LIMITED, **limit_data(verdict))
    moment = ctx.now.isoformat()
    ctx.remember(last_code_request_at=moment)
    account = may_get_a_code(ctx, account_of(ctx))
    if account is None or parent_chat(ctx, account) is None:
        ctx.audit("mini_registration.code_request_not_sent", customer_ref=guards.ref(cedula))
        return ctx.outcome(MiniCode.ASKED)
    queue_notice(
        ctx.session,
        customer_id=account.parent_id,
        kind="mini_code_requested",
        data={"child": first_name(account), "child_ref": str(account.id)},
        now=ctx.now,
    )
    ctx.remember(code_requested_at=moment)
    ctx.audit("mini_registration.code_requested", subject=f"mini:{account.id}")
    return ctx.outcome(MiniCode.ASKED)


def code_accepted(ctx: JourneyContext) -> Outcome:
    """The activation code was right: on to the avatar, or the end when the child turns out to
    have a user already (told only now, after a valid code)."""
    account = account_of(ctx)
    if account is None:  # cannot happen: a valid code belongs to an approved Cuenta Mini
        return code_missed(ctx)
    if has_user(ctx, account.id):
        ctx.close(ENDED)
        ctx.audit(
            "mini_registration.ended", subject=f"mini:{account.id}", reason="already_has_user"
        )
        return ctx.outcome(MiniCode.ALREADY_HAS_USER)
    ctx.forget(["code_requested_at", "code_misses"])
    ctx.remember(
        code_accepted_at=ctx.now.isoformat(),
        child_first_name=first_name(account),
        child_ref=str(account.id),
    )
    ctx.move(Step.AVATAR)
    ctx.audit("mini_registration.code_accepted", subject=f"mini:{account.id}")
    return ctx.outcome(MiniCode.OK, child_first_name=first_name(account))


def code_expired(ctx: JourneyContext) -> Outcome:
    """The child's own code, typed after its 10 minutes: audited for the funnel (nobody named),
    the journey stays at the code."""
    ctx.audit("mini_registration.code_expired")
    return ctx.outcome(MiniCode.EXPIRED)


def code_missed(ctx: JourneyContext) -> Outcome:
    """A code that proves nothing (wrong, or for a cédula that can have no valid code): the same
    `wrong` (attempts_left, counted per journey) for every cédula; the last miss ends the journey
    (`attempts_exhausted`)."""
    misses = int(ctx.data.get("code_misses", 0)) + 1
    if misses >= MAX_CODE_MISSES:
        ctx.close(ENDED)
        ctx.audit("mini_registration.ended", reason="code_attempts_exhausted")
        return ctx.outcome(MiniCode.ATTEMPTS_EXHAUSTED)
    ctx.remember(code_misses=misses)
    return ctx.outcome(MiniCode.WRONG, attempts_left=MAX_CODE_MISSES - misses)


def submit_avatar(ctx: JourneyContext, *, avatar_id: str) -> Outcome:
    """One of the 8 avatars."""
    avatar = avatar_id.strip()
    if avatar not in AVATAR_IDS:
        return ctx.outcome(MiniCode.INVALID, reason="unknown_avatar")
    ctx.remember(avatar=avatar)
    ctx.move(Step.USERNAME)
    return ctx.outcome(MiniCode.OK, avatar=avatar)


def accept_username(ctx: JourneyContext, *, username: str) -> Outcome:
    """A free username; after `username_taken` at the end, straight back to `finish`."""
    ctx.remember(username=username)
    if ctx.data.get("rejoin_finish") and ctx.data.get("picture_password_hash"):
        ctx.move(Step.FINISH)
    else:
        ctx.move(Step.PICTURE_PASSWORD)
    return ctx.outcome(MiniCode.OK, username=username)


def refuse_easy_pictures(ctx: JourneyContext) -> Outcome:
    """A picture password too easy to guess (bank.mini.pictures): choose again, nothing kept."""
    return ctx.outcome(MiniCode.TOO_EASY, min_different=MIN_DIFFERENT_PICTURES)


def keep_picture_password(ctx: JourneyContext, *, password_hash: str) -> Outcome:
    """Keep the picture password's argon2id hash (never the pictures) until it is repeated."""
    ctx.remember(picture_password_hash=password_hash)
    ctx.move(Step.PICTURE_PASSWORD_CONFIRMATION)
    return ctx.outcome(MiniCode.OK)


def confirm_picture_password(ctx: JourneyContext, *, matches: bool, seen_hash: str) -> Outcome:
    """The repetition matched (`ok`, to `finish`) or not (`mismatch`, chosen again)."""
    if ctx.data.get("picture_password_hash") != seen_hash:
        return ctx.outcome(MiniCode.WRONG_STEP)
    if not matches:
        ctx.forget(keys_from(Step.PICTURE_PASSWORD))
        ctx.move(Step.PICTURE_PASSWORD)
        return ctx.outcome(MiniCode.MISMATCH)
    ctx.move(Step.FINISH)
    return ctx.outcome(MiniCode.OK)


def go_back(ctx: JourneyContext) -> Outcome:
    """One step back, forgetting what that step and later ones stored."""
    target = PREVIOUS.get(Step(ctx.step))
    if target is None:
        return ctx.outcome(MiniCode.CANNOT_GO_BACK)
    origin = ctx.step
    ctx.forget(keys_from(target))
    ctx.move(target)
    ctx.audit("mini_registration.went_back", origin=origin)
    return ctx.outcome(MiniCode.OK)


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
