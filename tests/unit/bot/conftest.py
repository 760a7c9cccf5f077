"""Fixtures for the channel tests."""

from __future__ import annotations

import sys
from pathlib import Path

# `pytest` (unlike `python -m pytest`) does not put the repository root on sys.path, and the
# pytest config has no `pythonpath`; make `import bot` work either way.
_REPO_ROOT = str(Path(__file__).resolve().parents[3])
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

# The fixtures live in channel_fixtures (the security suite uses them too).
from channel_fixtures import (  # noqa: E402, F401
    conversation,
    fake_rasa,
    pending_store,
    rasa_client,
    secret_store,
)
