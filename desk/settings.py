"""The desk's settings, read from the environment (formats.environment)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import ClassVar

from pydantic import Field

from formats.environment import EnvironmentSettings

DEFAULT_DESK_HOST = "127.0.0.1"
DEFAULT_DESK_PORT = 8090


class DeskSettingsError(ValueError):
    """A desk variable has an unusable value."""


class DeskSettings(EnvironmentSettings):
    """Where the desk listens, and whether its cookies may travel over plain HTTP.

    `DESK_INSECURE_COOKIES=1` drops the cookies' Secure flag: only for the local desk on
    http://127.0.0.1 (`make run` sets it); behind HTTPS leave it unset.
    """

    settings_error: ClassVar[type[ValueError]] = DeskSettingsError

    host: str = Field(DEFAULT_DESK_HOST, validation_alias="DESK_HOST")
    port: int = Field(DEFAULT_DESK_PORT, ge=1, le=65535, validation_alias="DESK_PORT")
    insecure_cookies: bool = Field(False, validation_alias="DESK_INSECURE_COOKIES")


def load_desk_settings(environ: Mapping[str, str] | None = None) -> DeskSettings:
    """The desk's settings from `environ` (default: the process environment)."""
    return DeskSettings.from_environ(os.environ if environ is None else environ)
