"""ParentMini: "Cuenta para mis hijos", the parent's journey (kind `mini_parent`).

The parent signs in with the online-banking username, password and maybe the Token digital code
(`ParentSignIn`, its locks and idle end included), picks a child, and generates the child's
activation code (`ActivationCodes`), which only ever travels in `Outcome.secret`. Every step
after the sign-in re-checks that the chat's parent session is still active.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy.orm import Session

from bank.clock import Clock
from bank.db import SessionFactory, unit_of_work
from bank.journey_rows import JourneyRows
from bank.mini import parent_children as kids
from bank.mini import parent_steps as steps
from bank.mini.activation import ActivationCodes
from bank.mini.journey_base import Fresh, JourneyContext, JourneyService, Snapshot
from bank.mini.outcome import MiniCode
from bank.mini.parent_children import CHOICE_KEYS, ChildChoice
from bank.mini.parent_sign_in import ParentSignIn, ParentStatus, SignInResult
from bank.mini.parent_steps import KIND, Step
from bank.mini.registration_steps import first_name, open_at_activation_code
from bank.mini.sign_in_release import child_is_closed, release_child
from bank.models import COMPLETED, MiniAccount
from bank.outcome import Outcome
from bank.validators import validate_username

ANY_STEP: Final = frozenset(Step)


class ParentMini(JourneyService):
    """Drives `mini_parent` journeys keyed by the chat's sender id."""

    def __init__(
        self,
        *,
        session_factory: SessionFactory,
        clock: Clock,
        parent_sign_in: ParentSignIn,
        activation_codes: ActivationCodes,
    ) -> None:
        super().__init__(rows=JourneyRows(KIND), session_factory=session_factory, clock=clock)
        self._parents = parent_sign_in
        self._codes = activation_codes

    def start(self, *, sender_id: str, child_ref: str | None = None) -> Outcome:
        """Open or resume; a signed-in parent goes to `child`, or `child_action` for child_ref."""
        status = self._parents.current_parent(sender_id=sender_id)
        with unit_of_work(self._sessions) as session:
            ctx, code = self._open(session, sender_id, self._fresh_for(status))
            if status.code != MiniCode.ACTIVE:
                steps.to_sign_in(ctx)
                if kids.looks_like_ref(child_ref):
                    ctx.remember(pending_child_ref=str(child_ref).strip())
                return ctx.outcome(code)
            steps.signed_in(ctx, status, child_ref)
            return steps.signed_in_outcome(ctx, code)

    # Sign-in ------------------------------------------------------------------------------

    def submit_username(self, *, sender_id: str, text: str) -> Outcome:
        """The online-banking username (its format only: whether it exists is never told)."""

        def handle(ctx: JourneyContext) -> Outcome:
            username = validate_username(text)
            if not username.ok:
                return ctx.outcome(MiniCode.INVALID, reason=str(username.reason))
            ctx.remember(username=username.value)
            ctx.move(Step.PASSWORD)
            return ctx.outcome(MiniCode.OK)

        return self._run(sender_id, {Step.USERNAME}, handle)

    def submit_password(self, *, sender_id: str, password: str) -> Outcome:
        """The password, checked by ParentSignIn."""
        seen = self._peek(sender_id, {Step.PASSWORD})
        if isinstance(seen, Outcome):
            return seen
        username = str(seen.data.get("username", ""))
        result = self._parents.sign_in(sender_id=sender_id, username=username, password=password)
        return self._after_sign_in(sender_id, seen, result)

    def submit_token(self, *, sender_id: str, code: str) -> Outcome:
        """The Token digital code, when the parent has one."""
        seen = self._peek(sender_id, {Step.TOKEN})
        if isinstance(seen, Outcome):
            return seen
        result = self._parents.submit_token(sender_id=sender_id, code=code)
        return self._after_sign_in(sender_id, seen, result)

    # Children -----------------------------------------------------------------------------

    def children(self, *, sender_id: str) -> list[ChildChoice]:
        """The signed-in parent's children as buttons (empty when signed out)."""
        status = self._parents.current_parent(sender_id=sender_id)
        if status.code != MiniCode.ACTIVE:
            return []
        with unit_of_work(self._sessions) as session:
            return kids.choices(session, status.customer_id)

    def submit_child(self, *, sender_id: str, text: str) -> Outcome:
        """A child_ref from a button, or a given name typed ("andrea", "Sofía")."""
        status = self._parents.current_parent(sender_id=sender_id)

        def handle(ctx: JourneyContext) -> Outcome:
            if status.code != MiniCode.ACTIVE:
                return steps.signed_out(ctx)
            account = kids.find_child(ctx.session, status.customer_id, text)
            if account is None:
                return ctx.outcome(MiniCode.UNKNOWN)
            if not kids.is_approved(account):
                return ctx.outcome(MiniCode.PENDING, child_first_name=first_name(account))
            return steps.select(ctx, account)

        return self._run(sender_id, {Step.CHILD}, handle, fresh=self._fresh_for(status))

    def generate_code(self, *, sender_id: str) -> Outcome:
        """A new activation code for the chosen child: only in `secret`, never in `data`."""
        status = self._parents.current_parent(sender_id=sender_id)

        def check(ctx: JourneyContext) -> Outcome | tuple[Snapshot, str]:
            if status.code != MiniCode.ACTIVE:
                return steps.signed_out(ctx)
            account = kids.own_account(ctx.session, status.customer_id, ctx.data.get("child_ref"))
            if account is None:
                return steps.unknown_child(ctx)
            return ctx.snapshot(), account.child_cedula

        seen = self._run(sender_id, {Step.CHILD_ACTION}, check, fresh=self._fresh_for(status))
        if isinstance(seen, Outcome):
            return seen
        snapshot, cedula = seen
        issue = self._codes.generate(parent_id=status.customer_id, child_cedula=cedula)

        def apply(ctx: JourneyContext) -> Outcome:
            if issue.code == MiniCode.NOT_YOUR_CHILD:
                return steps.unknown_child(ctx)
            if issue.code == MiniCode.TOO_MANY_CODES:
                return ctx.outcome(MiniCode.TOO_MANY_CODES, minutes=issue.minutes)
            if issue.code != MiniCode.ISSUED:
                return ctx.outcome(MiniCode(issue.code))
            account = kids.own_account(ctx.session, status.customer_id, ctx.data.get("child_ref"))
            assert account is not None
            told = kids.tell_waiting_chats(ctx.session, account, now=ctx.now)
            ctx.remember(code_issued=True)
            if told:
                ctx.audit("mini_parent.code_ready_told", subject=f"mini:{account.id}", told=told)
            return ctx.outcome(
                MiniCode.ISSUED,
                secret=issue.activation_code,
                child_first_name=issue.child_first_name,
                minutes=issue.minutes,
            )

        return self._apply(sender_id, snapshot, apply)

    def summary(self, *, sender_id: str) -> Outcome:
        """Where the journey is, for the prompts: `ok` (step; data.first_name, child_first_name,
        child_ref, has_user, code_issued, child_locked) or `none`. Changes nothing.

        `has_user` is read now, not remembered from when the child was chosen: once the child has
        created her user (in another chat, meanwhile) the code's purpose is done, and the prompt
        offers her account instead of asking again where she creates it (issue 15)."""
        with unit_of_work(self._sessions) as session:
            journey = self._rows.load_active(session, sender_id)
            if journey is None:
                return Outcome(MiniCode.NONE, self._last_step(session, sender_id))
            data = journey.data
            return Outcome(
                MiniCode.OK,
                journey.step,
                {
                    "first_name": str(data.get("first_name", "")),
                    "child_first_name": str(data.get("child_first_name", "")),
                    "child_ref": str(data.get("child_ref", "")),
                    "has_user": _child_has_user(session, data.get("child_ref")),
                    "code_issued": bool(data.get("code_issued")),
                    "child_locked": _child_locked(session, data.get("child_ref"), self._clock),
                },
            )

    def register_here(self, *, sender_id: str) -> Outcome:
        """The child registers in this chat: the parent's journey ends (and the parent is signed
        out), and a `mini_registration` opens here at `activation_code`; `already_has_user` when
        the child created her user meanwhile (nothing opens, the journey stays at the child)."""

        def handle(ctx: JourneyContext) -> Outcome:
            ref = str(ctx.data.get("child_ref", ""))
            account = ctx.session.get(MiniAccount, int(ref)) if kids.looks_like_ref(ref) else None
            if not ctx.data.get("code_issued") or account is None:
                return ctx.outcome(MiniCode.NO_CODE)
            if _child_has_user(ctx.session, ref):
                ctx.forget(["code_issued"])
                ctx.remember(has_user=True)
                return ctx.outcome(MiniCode.ALREADY_HAS_USER, child_first_name=first_name(account))
            opened = open_at_activation_code(
                ctx.session, sender_id=sender_id, account=account, now=ctx.now
            )
            ctx.close(COMPLETED)
            ctx.audit("mini_parent.register_here", subject=f"mini:{account.id}", opened=opened.id)
            return ctx.outcome(MiniCode.OK, child_first_name=first_name(account))

        outcome = self._run(sender_id, {Step.CHILD_ACTION}, handle)
        if outcome.code == MiniCode.OK:
            self._parents.sign_out(sender_id=sender_id)
        return outcome

    def unlock_child(self, *, sender_id: str) -> Outcome:
        """Release the chosen child's held or locked sign-in ("Desbloquear a ..."), only for the
        chat's signed-in parent of that child, audited: `unlocked` or `not_locked` (data.
        child_first_name), `signed_out`, `unknown`."""
        status = self._parents.current_parent(sender_id=sender_id)

        def handle(ctx: JourneyContext) -> Outcome:
            if status.code != MiniCode.ACTIVE:
                return steps.signed_out(ctx)
            account = kids.own_account(ctx.session, status.customer_id, ctx.data.get("child_ref"))
            if account is None:
                return steps.unknown_child(ctx)
            released = release_child(
                ctx.session,
                mini_account_id=account.id,
                now=ctx.now,
                released_by=f"customer:{status.customer_id}",
                reason="parent_unlock",
            )
            code = MiniCode.UNLOCKED if released else MiniCode.NOT_LOCKED
            return ctx.outcome(code, child_first_name=first_name(account))

        return self._run(sender_id, {Step.CHILD_ACTION}, handle, fresh=self._fresh_for(status))

    def pick_other_child(self, *, sender_id: str) -> Outcome:
        """Back to the list of children."""

        def handle(ctx: JourneyContext) -> Outcome:
            ctx.forget(CHOICE_KEYS)
            ctx.move(Step.CHILD)
            return ctx.outcome(MiniCode.OK)

        return self._run(sender_id, {Step.CHILD_ACTION}, handle)

    def finish(self, *, sender_id: str) -> Outcome:
        """The parent is done: the journey ends, the parent session stays until idle."""

        def handle(ctx: JourneyContext) -> Outcome:
            ctx.close(COMPLETED)
            ctx.audit("mini_parent.finished")
            return ctx.outcome(MiniCode.DONE)

        return self._run(sender_id, ANY_STEP, handle)

    # Plumbing -----------------------------------------------------------------------------

    def _fresh(self, sender_id: str) -> Fresh:
        return self._fresh_for(self._parents.current_parent(sender_id=sender_id))

    @staticmethod
    def _fresh_for(status: ParentStatus) -> Fresh:
        if status.code == MiniCode.ACTIVE:
            return Fresh(Step.CHILD.value, {"first_name": status.first_name})
        return Fresh(Step.USERNAME.value)

    def _after_sign_in(self, sender_id: str, seen: Snapshot, result: SignInResult) -> Outcome:
        """Apply ParentSignIn's answer (with the parent it signed in, if it did)."""
        signed = result.code == MiniCode.SIGNED_IN
        status = self._parents.current_parent(sender_id=sender_id) if signed else None
        return self._apply(sender_id, seen, lambda ctx: steps.sign_in_result(ctx, result, status))


def _child_has_user(session: Session, child_ref: object) -> bool:
    """Whether the chosen child has a Cuenta Mini user by now."""
    ref = str(child_ref or "")
    return kids.looks_like_ref(ref) and bool(kids.with_user(session, [int(ref)]))


def _child_locked(session: Session, child_ref: object, clock: Clock) -> bool:
    """Whether the chosen child's sign-in is held or locked (the parent may release it)."""
    ref = str(child_ref or "")
    if not kids.looks_like_ref(ref):
        return False
    return child_is_closed(session, mini_account_id=int(ref), now=clock.now())


__all__ = ["KIND", "ChildChoice", "ParentMini", "Step"]
