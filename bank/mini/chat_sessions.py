"""One Cuenta Mini identity per chat: a parent session and a child session never live together.

A child could otherwise approve their own request from a chat the parent had signed in to. So a
parent signing in ends the chat's child session, and a child signing in ends the chat's parent
session (and any parent sign-in waiting for its Token code). Both are audited.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from sqlalchemy.orm import Session

from bank import journey_rows
from bank.audit import record_audit
from bank.journey_rows import JourneyRows
from bank.models import ENDED, ParentSession

CHILD_SESSION_KIND: Final = "mini_session"  # bank.mini.sign_in_journey.SESSION_KIND


def end_child_session(session: Session, *, sender_id: str, now: datetime, by: str) -> bool:
    """End the chat's signed-in child (a parent signs in there); True if there was one."""
    journey = JourneyRows(CHILD_SESSION_KIND).load_active(session, sender_id)
    if journey is None:
        return False
    journey_rows.close(journey, status=ENDED, now=now)
    session.flush()
    record_audit(
        session,
        at=now,
        actor=by,
        action="mini_session.ended_by_parent_sign_in",
        subject=f"mini:{(journey.data or {}).get('mini_account_id')}",
        details={"journey_id": journey.id, "sender_id": sender_id},
    )
    return True


def end_parent_session(session: Session, *, sender_id: str, now: datetime, by: str) -> bool:
    """End the chat's parent session (a child signs in there); True if there was one."""
    found = session.get(ParentSession, sender_id, with_for_update=True)
    if found is None:
        return False
    subject = f"online_user:{found.online_user_id}"
    session.delete(found)
    session.flush()
    record_audit(
        session,
        at=now,
        actor=by,
        action="parent_session.ended_by_child_sign_in",
        subject=subject,
        details={"sender_id": sender_id},
    )
    return True
