"""Audit trail: who did what, when, on whose behalf (never a secret)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bank.models import AuditEntry

logger = logging.getLogger(__name__)


def record_audit(
    session: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    subject: str,
    details: Mapping[str, Any] | None = None,
) -> None:
    """Add one audit row to the caller's unit of work."""
    session.add(
        AuditEntry(at=at, actor=actor, action=action, subject=subject, details=dict(details or {}))
    )
    logger.info("audit %s by %s on %s", action, actor, subject)
