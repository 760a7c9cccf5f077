"""The migration path of audit rows written before identities were keyed (issue 12, finding 11).

Older registration rows have the identity key itself as subject ("1710034065001") and unlock
reasons as typed. `python -m bank migrate` rewrites them as new rows are written: the masked
identity as subject, the keyed `customer_ref` in the details, the reason redacted.
"""

from __future__ import annotations

import re
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from bank.chat_redaction import redact_chat_text
from bank.identity import ADDITIONAL_SEPARATOR, CustomerRefs, mask_identity_key
from bank.models import AuditEntry

# A raw identity key: a RUC (13 digits), or a company RUC plus a cédula.
_RAW_KEY: Final = re.compile(rf"\d{{13}}(?:{re.escape(ADDITIONAL_SEPARATOR)}\d{{10}})?")


def key_legacy_audit_rows(session: Session, refs: CustomerRefs) -> int:
    """Mask and key every audit row whose subject is a raw identity key; return how many."""
    rewritten = 0
    for row in session.scalars(select(AuditEntry).where(AuditEntry.subject.regexp_match("^[0-9]"))):
        if not _RAW_KEY.fullmatch(row.subject):
            continue
        details = dict(row.details or {})
        details.setdefault("customer_ref", refs.ref(row.subject))
        if isinstance(details.get("reason"), str):
            details["reason"] = redact_chat_text(details["reason"])
        row.subject = mask_identity_key(row.subject)
        row.details = details
        rewritten += 1
    return rewritten
