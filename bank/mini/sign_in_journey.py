"""ChildSignInJourney: a child signs in ("Inicia tu sesión"), then uses a `mini_session`.

The `mini_sign_in` journey asks the username, then the picture password, checked by
`ChildUsers.sign_in` (its locks and the parent's notice included). A success closes the journey
and opens the chat's `mini_session` journey (step `menu`), which ends after 10 idle minutes or
when the child signs out.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import select

from bank import journey_rows
from bank.clock import Clock
from bank.db import SessionFactory, unit_of_work
from bank.journey_rows import JourneyRows
from bank.mini.chat_sessions import end_parent_session
from bank.mini.child_users import ChildSignIn, ChildUsers
from bank.mini.journey_base import Fresh, JourneyContext, JourneyService
from bank.mini.outcome import MiniCode
from bank.models import COMPLETED, ENDED, MiniUser
from bank.outcome import Outcome
from bank.validators import CHILD_USERNAME_MAX, validate_child_username

KIND: Final = "mini_sign_in"
SESSION_KIND: Final = "mini_session"
MENU: Final = "menu"
SESSION_KEYS: Final = ("first_name", "avatar", "username", "mini_account_id")


class Step(StrEnum):
    """Where a child's sign-in is."""

    USERNAME = "username"
    PICTURE_PASSWORD = "picture_password"  # noqa: S105 (a step name)


class ChildSignInJourney(JourneyService):
    """Drives `mini_sign_in` journeys and the `mini_session` they open, per chat."""

    def __init__(
        self, *, session_factory: SessionFactory, clock: Clock, child_users: ChildUsers
    ) -> None:
        super().__init__(rows=JourneyRows(KIND), session_factory=session_factory, clock=clock)
        self._child_users = child_users
        self._session_rows = JourneyRows(SESSION_KIND)

    def submit_username(self, *, sender_id: str, text: str) -> Outcome:
        """The username (any well-formed one: whether it exists is never told)."""

        def handle(ctx: JourneyContext) -> Outcome:
            username = validate_child_username(text)
            if not username.ok:
                return ctx.outcome(MiniCode.INVALID, reason=str(username.reason))
            ctx.remember(username=username.value)
            ctx.move(Step.PICTURE_PASSWORD)
            return ctx.outcome(MiniCode.OK)

        return self._run(sender_id, {Step.USERNAME}, handle)

    def submit_picture_password(self, *, sender_id: str, picture_ids: Sequence[str]) -> Outcome:
        """The 4 pictures: `signed_in` opens a session (and ends the chat's parent session),
        `wrong` asks again, `locked` and `held` (until the parent releases it) end."""
        seen = self._peek(sender_id, {Step.PICTURE_PASSWORD})
        if isinstance(seen, Outcome):
            return seen
        username = str(seen.data.get("username", ""))
        result = self._child_users.sign_in(username=username, picture_ids=picture_ids)
        return self._apply(sender_id, seen, lambda ctx: self._signed(ctx, username, result))

    def current_child(self, *, sender_id: str) -> Outcome:
        """The signed-in child of the chat: `active` (kept alive), `expired` (idle), `none`."""
        with unit_of_work(self._sessions) as session:
            journey = self._session_rows.load_active(session, sender_id)
            if journey is None:
                return Outcome(MiniCode.NONE, None)
            ctx = self._context(session, journey)
            if journey_rows.is_idle(journey, ctx.now):
                ctx.close(ENDED)
                ctx.audit("mini_session.expired")
                return ctx.outcome(MiniCode.EXPIRED)
            journey.last_activity_at = ctx.now
            return ctx.outcome(MiniCode.ACTIVE, **{key: ctx.data.get(key) for key in SESSION_KEYS})

    def sign_out(self, *, sender_id: str) -> Outcome:
        """End the chat's child session: `signed_out`, or `none`."""
        with unit_of_work(self._sessions) as session:
            journey = self._session_rows.load_active(session, sender_id)
            if journey is None:
                return Outcome(MiniCode.NONE, None)
            ctx = self._context(session, journey)
            ctx.close(COMPLETED)
            ctx.audit("mini_session.signed_out", subject=f"mini:{ctx.data.get('mini_account_id')}")
            return ctx.outcome(MiniCode.SIGNED_OUT)

    # Plumbing -----------------------------------------------------------------------------

    def _fresh(self, sender_id: str) -> Fresh:
        return Fresh(Step.USERNAME.value)

    def _signed(self, ctx: JourneyContext, username: str, result: ChildSignIn) -> Outcome:
        if result.code == MiniCode.WRONG:
            ctx.forget(["username"])
            ctx.move(Step.USERNAME)
            return ctx.outcome(MiniCode.WRONG, attempts_left=result.attempts_left)
        if result.code in (MiniCode.LOCKED, MiniCode.HELD):
            ctx.close(ENDED)
            ctx.audit("mini_sign_in.ended", reason=result.code)
            return ctx.outcome(MiniCode(result.code), minutes=result.minutes)
        key = username.strip().lower()[:CHILD_USERNAME_MAX]
        user = ctx.session.scalar(select(MiniUser).where(MiniUser.username_key == key))
        assert user is not None, "signed in, so the user exists"
        data: dict[str, Any] = {
            "first_name": result.first_name,
            "avatar": result.avatar,
            "username": user.username,
            "mini_account_id": user.mini_account_id,
        }
        ctx.close(COMPLETED)
        # One identity per chat: a parent signed in here could otherwise decide the child's asks.
        end_parent_session(
            ctx.session,
            sender_id=ctx.journey.sender_id,
            now=ctx.now,
            by=f"mini:{user.mini_account_id}",
        )
        self._open_session(ctx, data)
        ctx.audit("mini_child_signed_in", subject=f"mini:{user.mini_account_id}")
        shown = ("first_name", "avatar", "username")
        return ctx.outcome(MiniCode.SIGNED_IN, **{key: data[key] for key in shown})

    def _open_session(self, ctx: JourneyContext, data: dict[str, Any]) -> None:
        """A new `mini_session` for the chat; a previous one ends."""
        sender_id = ctx.journey.sender_id
        previous = self._session_rows.load_active(ctx.session, sender_id)
        if previous is not None:
            journey_rows.close(previous, status=ENDED, now=ctx.now)
            ctx.session.flush()
        opened = self._session_rows.create(
            ctx.session, sender_id, step=MENU, data=data, now=ctx.now
        )
        if opened is None:  # another sign-in of this chat opened one at this very moment
            again = self._session_rows.load_active(ctx.session, sender_id)
            assert again is not None
            journey_rows.restart(again, step=MENU, data=data, now=ctx.now)
