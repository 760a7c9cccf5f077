"""Rasa's endpoints as `make run` runs them: the given file, with the action server's port (and
the Redis lock store when Rasa runs several workers)."""

from __future__ import annotations

from typing import Any

import yaml

from bot.supervision.topology import RedisLockStore

HEADER = "# Written by `make run` (python -m bot.supervision) from {source}; edit that file.\n"


class EndpointsError(ValueError):
    """The endpoints file is not a YAML mapping."""


def local_endpoints(
    source_text: str,
    action_port: int,
    *,
    source: str = "endpoints.yml",
    lock_store: RedisLockStore | None = None,
) -> str:
    """`source_text` with action_endpoint.url on 127.0.0.1:`action_port` and, when given, the
    Redis lock store; the rest unchanged."""
    loaded: Any = yaml.safe_load(source_text) or {}
    if not isinstance(loaded, dict):
        raise EndpointsError(f"{source} is not a YAML mapping")
    action = loaded.get("action_endpoint")
    action = dict(action) if isinstance(action, dict) else {}
    action["url"] = f"http://127.0.0.1:{action_port}/webhook"
    loaded["action_endpoint"] = action
    if lock_store is not None:
        loaded["lock_store"] = {
            "type": "redis",
            "url": lock_store.host,
            "port": lock_store.port,
            "db": lock_store.db,
            "key_prefix": "produbanco",
        }
    return HEADER.format(source=source) + yaml.safe_dump(loaded, sort_keys=False)
