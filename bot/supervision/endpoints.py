"""Rasa's endpoints as `make run` runs them: the given file, with the action server's port."""

from __future__ import annotations

from typing import Any

import yaml

HEADER = "# Written by `make run` (python -m bot.supervision) from {source}; edit that file.\n"


class EndpointsError(ValueError):
    """The endpoints file is not a YAML mapping."""


def local_endpoints(source_text: str, action_port: int, *, source: str = "endpoints.yml") -> str:
    """`source_text` with action_endpoint.url on 127.0.0.1:`action_port`; the rest unchanged."""
    loaded: Any = yaml.safe_load(source_text) or {}
    if not isinstance(loaded, dict):
        raise EndpointsError(f"{source} is not a YAML mapping")
    action = loaded.get("action_endpoint")
    action = dict(action) if isinstance(action, dict) else {}
    action["url"] = f"http://127.0.0.1:{action_port}/webhook"
    loaded["action_endpoint"] = action
    return HEADER.format(source=source) + yaml.safe_dump(loaded, sort_keys=False)
