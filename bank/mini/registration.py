"""MiniRegistration: the child's registration journey used by the actions (docs/mini.md).

Cédula, activation code (or a request to the parent), avatar, username, picture password and its
repetition, then `complete`. The activation code is checked by `ActivationCodes`, the username by
`ChildUsers`; the picture password is hashed outside any transaction and kept only as a hash.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bank.clock import Clock
from bank.crypto import SecretHasher
from bank.db import SessionFactory
from bank.journey_rows import JourneyRows
from bank.mini import registration_steps as steps
from bank.mini.activation import ActivationCodes
from bank.mini.child_users import ChildUsers
from bank.mini.journey_base import Fresh, JourneyContext, JourneyService
from bank.mini.outcome import MiniCode
from bank.mini.pictures import (
    AVATARS,
    is_easy_picture_password,
    picture_password_text,
    shuffled_password_pictures,
)
from bank.mini.registration_completion import complete
from bank.mini.registration_steps import KIND, ProbeGuards, Step
from bank.outcome import Outcome
from bank.rate_limits import RateLimiter
from bank.validators import validate_child_username

ANY_STEP = frozenset(Step)
# What ActivationCodes.check says only when the typed code is the child's (expired or used):
# safe to tell, as it proves the code. Any other refusal is a plain miss, the same for all.
PROVEN_CODE_REFUSALS = frozenset({"expired", "used"})


class MiniRegistration(JourneyService):
    """Drives `mini_registration` journeys keyed by the chat's sender id."""

    def __init__(
        self,
        *,
        session_factory: SessionFactory,
        clock: Clock,
        hasher: SecretHasher,
        activation_codes: ActivationCodes,
        child_users: ChildUsers,
        limiter: RateLimiter,
        cedula_ref: Callable[[str], str],
    ) -> None:
        super().__init__(rows=JourneyRows(KIND), session_factory=session_factory, clock=clock)
        self._hasher = hasher
        self._codes = activation_codes
        self._child_users = child_users
        self._guards = ProbeGuards(limiter=limiter, cedula_ref=cedula_ref)

    def go_back(self, *, sender_id: str) -> Outcome:
        """One step back (`ok`), or `cannot_go_back` (at the avatar or before it)."""
        outcome = self._run(sender_id, ANY_STEP, steps.go_back)
        if outcome.code == MiniCode.WRONG_STEP:
            return Outcome(MiniCode.CANNOT_GO_BACK, outcome.step)
        return outcome

    # Cédula and activation code -----------------------------------------------------------

    def submit_cedula(self, *, sender_id: str, text: str) -> Outcome:
        """The child's cédula: `ok` for every well-formed one (no name), `invalid`, or
        `rate_limited` (see `registration_steps.submit_cedula`)."""
        return self._run(
            sender_id,
            {Step.CEDULA},
            lambda ctx: steps.submit_cedula(ctx, text=text, guards=self._guards),
        )

    def submit_activation_code(self, *, sender_id: str, code: str) -> Outcome:
        """The 6-digit code the parent generated (checked and used up by ActivationCodes).

        `ok`, `already_has_user`, `expired` and `used` only for the child's own code; anything
        else is `wrong` (attempts_left of this journey) or, at the last miss, `attempts_exhausted`,
        alike for every cédula. `invalid` (not 6 digits) counts nothing.
        """
        seen = self._peek(sender_id, {Step.ACTIVATION_CODE})
        if isinstance(seen, Outcome):
            return seen
        check = self._codes.check(child_cedula=str(seen.data.get("cedula", "")), code=code)
        if check.code == MiniCode.EXPIRED:
            return self._apply(sender_id, seen, steps.code_expired)
        if check.code == MiniCode.INVALID or check.code in PROVEN_CODE_REFUSALS:
            return Outcome(MiniCode(check.code), seen.step)
        if check.code == MiniCode.OK:
            return self._apply(sender_id, seen, steps.code_accepted)
        return self._apply(sender_id, seen, steps.code_missed)

    def request_code(self, *, sender_id: str) -> Outcome:
        """Ask the parent for a code ("Pedirle un código"): `asked` whether or not a notice went
        out, `too_soon` or `rate_limited`."""
        return self._run(
            sender_id,
            {Step.ACTIVATION_CODE},
            lambda ctx: steps.request_code(ctx, guards=self._guards),
        )

    # Avatar, username, picture password ---------------------------------------------------

    def avatars(self) -> list[tuple[str, str]]:
        """The avatars to choose from, as (id, Spanish label)."""
        return list(AVATARS)

    def submit_avatar(self, *, sender_id: str, avatar_id: str) -> Outcome:
        """The avatar chosen, by id."""
        return self._run(
            sender_id, {Step.AVATAR}, lambda ctx: steps.submit_avatar(ctx, avatar_id=avatar_id)
        )

    def submit_username(self, *, sender_id: str, text: str) -> Outcome:
        """The username chosen: the rules and availability of ChildUsers.check_username."""
        check = self._child_users.check_username(text)

        def handle(ctx: JourneyContext) -> Outcome:
            if check.code == MiniCode.INVALID:
                return ctx.outcome(MiniCode.INVALID, reason=check.reason)
            if check.code == MiniCode.TAKEN:
                return ctx.outcome(MiniCode.TAKEN, suggestions=list(check.suggestions))
            return steps.accept_username(ctx, username=validate_child_username(text).value)

        return self._run(sender_id, {Step.USERNAME}, handle)

    def password_pictures(self) -> list[tuple[str, str]]:
        """The picture-password pictures as (id, Spanish label), freshly shuffled."""
        return shuffled_password_pictures()

    def submit_picture_password(self, *, sender_id: str, picture_ids: Sequence[str]) -> Outcome:
        """4 pictures in order; only their argon2id hash is kept."""
        text = picture_password_text(picture_ids)
        if text is None:
            return self._invalid_pictures(sender_id, Step.PICTURE_PASSWORD)
        if is_easy_picture_password(picture_ids):
            return self._run(sender_id, {Step.PICTURE_PASSWORD}, steps.refuse_easy_pictures)
        password_hash = self._hasher.hash(text)  # slow: outside the transaction
        return self._run(
            sender_id,
            {Step.PICTURE_PASSWORD},
            lambda ctx: steps.keep_picture_password(ctx, password_hash=password_hash),
        )

    def submit_picture_password_confirmation(
        self, *, sender_id: str, picture_ids: Sequence[str]
    ) -> Outcome:
        """The same 4 pictures again: `ok` to `finish`, or `mismatch` back to choose them."""
        text = picture_password_text(picture_ids)
        if text is None:
            return self._invalid_pictures(sender_id, Step.PICTURE_PASSWORD_CONFIRMATION)
        seen = self._peek(sender_id, {Step.PICTURE_PASSWORD_CONFIRMATION})
        if isinstance(seen, Outcome):
            return seen
        stored = str(seen.data.get("picture_password_hash", ""))
        matches = self._hasher.verify(stored or None, text)  # slow: outside the transaction
        return self._apply(
            sender_id,
            seen,
            lambda ctx: steps.confirm_picture_password(ctx, matches=matches, seen_hash=stored),
        )

    # Completion ---------------------------------------------------------------------------

    def complete(self, *, sender_id: str) -> Outcome:
        """Create the child's user (`completed`), or go back to where something must change."""
        return self._run(sender_id, {Step.FINISH}, complete)

    # Plumbing -----------------------------------------------------------------------------

    def _fresh(self, sender_id: str) -> Fresh:
        return Fresh(Step.CEDULA.value)

    def _invalid_pictures(self, sender_id: str, step: Step) -> Outcome:
        return self._run(
            sender_id,
            {step},
            lambda ctx: ctx.outcome(MiniCode.INVALID, reason="bad_picture_password"),
        )
