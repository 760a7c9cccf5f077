"""The web desk's security numbers, in one place (docs/assist.md, "The web desk")."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

# Wrong passwords in a row that lock a desk account, and for how long.
MAX_FAILED_SIGN_INS: Final = 5
SIGN_IN_LOCK_TIME: Final = timedelta(minutes=15)

# A session ends after this long without a page view or an action (the live queue does not
# count), and in any case this long after signing in.
IDLE_TIMEOUT: Final = timedelta(minutes=15)
SESSION_LIFETIME: Final = timedelta(hours=10)

# A desk password: long rather than clever (NIST SP 800-63B); at most what argon2 is fed.
MIN_PASSWORD_LENGTH: Final = 12
MAX_PASSWORD_LENGTH: Final = 128

# Random bytes of a session token and of a CSRF token (URL-safe base64 in the cookie and forms).
TOKEN_BYTES: Final = 32
