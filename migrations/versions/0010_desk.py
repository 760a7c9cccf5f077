"""The agents' web desk: desk accounts (login, role, argon2id password hash, lockout) and
server-side sessions.

Revision ID: 0010_desk
Revises: 0008_security
Create Date: 2026-12-06 23:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_desk"
down_revision: str | None = "0009_journey_steps"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "desk_accounts",
        sa.Column("login", sa.String(length=40), nullable=False),
        sa.Column("agent_id", sa.String(length=32), nullable=True),
        sa.Column("display_name", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("failed_sign_ins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("password_set_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["assist_agents.telegram_user_id"],
            name=op.f("fk_desk_accounts_agent_id_assist_agents"),
        ),
        sa.PrimaryKeyConstraint("login", name=op.f("pk_desk_accounts")),
        sa.UniqueConstraint("agent_id", name=op.f("uq_desk_accounts_agent_id")),
    )
    op.create_table(
        "desk_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("login", sa.String(length=40), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["login"], ["desk_accounts.login"], name=op.f("fk_desk_sessions_login_desk_accounts")
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_desk_sessions")),
    )
    op.create_index(op.f("ix_desk_sessions_login"), "desk_sessions", ["login"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_desk_sessions_login"), table_name="desk_sessions")
    op.drop_table("desk_sessions")
    op.drop_table("desk_accounts")
