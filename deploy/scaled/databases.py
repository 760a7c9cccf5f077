"""PostgreSQL for the scaled topology: create the bank's and the tracker store's databases if
missing, then migrate and seed the bank with its own command line."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping

import psycopg
from psycopg import sql

from deploy.scaled.topology import REPO, postgres_url


def create_missing_databases(env: Mapping[str, str], names: list[str]) -> list[str]:
    """Create each database of `names` that does not exist yet; return the ones created."""
    created = []
    with psycopg.connect(postgres_url(env, "postgres"), autocommit=True) as admin:
        for name in names:
            exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if exists.fetchone() is None:
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                created.append(name)
    return created


def migrate_and_seed_bank(env: Mapping[str, str]) -> None:
    """`python -m bank migrate` then `seed` (idempotent) against env's DATABASE_URL."""
    for command in ("migrate", "seed"):
        subprocess.run(  # noqa: S603 (a fixed argument list, no shell)
            [sys.executable, "-m", "bank", command],
            cwd=REPO,
            env=dict(env),
            check=True,
            stdout=subprocess.DEVNULL,
        )
