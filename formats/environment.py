"""Settings classes read from an environment mapping with pydantic-settings.

`EnvironmentSettings` is the base of the bank's and the bot's settings. Each field read from the
environment names its variable as its `validation_alias` (`Field(validation_alias="RASA_URL")`);
code and tests may still pass the field's own name. The variables come from the mapping given to
`from_environ` (`os.environ` in the processes, a plain dict in tests), never implicitly: the
constructor alone reads nothing, so a test's settings do not change with the shell it runs in.

A value is stripped and a blank one counts as unset (the field's default applies). A refused
value raises the class's `settings_error` with a message that names the variable and never
repeats the value (it may be a credential): pydantic's own report quotes the input, so it is
not chained.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Self

from pydantic import ValidationError
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)


class EnvironmentSource(EnvSettingsSource):
    """pydantic-settings' environment source over a given mapping, reading only the variables the
    fields name (exact case), stripped, blank ones left out."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(settings_cls, case_sensitive=True)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        named = variable_names(self.settings_cls)
        values = {name: self._environ.get(name, "").strip() for name in named}
        return {name: value for name, value in values.items() if value}


def variable_names(settings_cls: type[BaseSettings]) -> dict[str, str]:
    """The environment variable of each field that has one: {variable: field name}."""
    return {
        field.validation_alias: name
        for name, field in settings_cls.model_fields.items()
        if isinstance(field.validation_alias, str)
    }


class EnvironmentSettings(BaseSettings):
    """Frozen settings built from init values only; `from_environ` reads a mapping first."""

    model_config = SettingsConfigDict(
        frozen=True, validate_by_name=True, validate_by_alias=True, case_sensitive=True
    )
    # What a refused value raises (a ValueError subclass of the settings' module).
    settings_error: ClassVar[type[ValueError]] = ValueError

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as error:
            raise self.settings_error(describe(type(self), error)) from None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Only what the caller passes: `from_environ` is the one way in from the environment.
        return (init_settings,)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str], **fallbacks: Any) -> Self:
        """The settings from `environ`; `fallbacks` (by field name) fill variables left blank."""
        found = EnvironmentSource(cls, environ)()
        names = variable_names(cls)
        given = {names.get(key, key): value for key, value in found.items()}
        return cls(**{**fallbacks, **given})


def describe(settings_cls: type[BaseSettings], error: ValidationError) -> str:
    """The first problem of `error`, naming the variable, without the refused value."""
    problem = error.errors(include_url=False, include_input=False)[0]
    cause = problem.get("ctx", {}).get("error")
    if isinstance(cause, ValueError):
        # A validator's own message: it already names the variable.
        return str(cause)
    where = str(problem["loc"][0]) if problem["loc"] else ""
    info = settings_cls.model_fields.get(where)
    if info is not None and isinstance(info.validation_alias, str):
        where = info.validation_alias
    return f"{where}: {problem['msg']}"
