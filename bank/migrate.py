"""Running the Alembic migrations programmatically (`python -m bank migrate`)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from bank.settings import REPO_ROOT

ALEMBIC_INI = REPO_ROOT / "alembic.ini"
MIGRATIONS_DIR = REPO_ROOT / "migrations"


def alembic_config(database_url: str | None = None) -> Config:
    """Alembic's configuration; `database_url` overrides the settings' URL."""
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # The caller (our CLI, the tests) owns logging; only the `alembic` command reads the ini.
    config.attributes["skip_logging_config"] = True
    if database_url is not None:
        config.attributes["database_url"] = database_url
    return config


def upgrade_database(database_url: str | None = None, revision: str = "head") -> None:
    """Bring the schema up to `revision` (default: the latest)."""
    command.upgrade(alembic_config(database_url), revision)
