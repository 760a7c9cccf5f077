"""Cuenta Mini money: goals, missions, lessons, requests, and the child's music preference.

Revision ID: 0006_mini_money
Revises: 0005_ledger
Create Date: 2026-11-23 18:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_mini_money"
down_revision: str | None = "0005_ledger"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _account_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["mini_account_id"],
        ["mini_accounts.id"],
        name=op.f(f"fk_{table}_mini_account_id_mini_accounts"),
    )


def upgrade() -> None:
    with op.batch_alter_table("mini_users") as batch:
        batch.add_column(
            sa.Column("music_on", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    op.create_table(
        "mini_goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mini_account_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("target", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("picture", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        _account_fk("mini_goals"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mini_goals")),
    )
    op.create_table(
        "mini_missions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mini_account_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=80), nullable=False),
        sa.Column("reward", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        _account_fk("mini_missions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mini_missions")),
    )
    op.create_table(
        "mini_lessons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mini_account_id", sa.Integer(), nullable=False),
        sa.Column("lesson", sa.String(length=40), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=False),
        _account_fk("mini_lessons"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mini_lessons")),
        sa.UniqueConstraint(
            "mini_account_id", "lesson", name=op.f("uq_mini_lessons_mini_account_id_lesson")
        ),
    )
    op.create_table(
        "mini_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mini_account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("reason", sa.String(length=120), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=True),
        sa.Column("mission_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("child_sender_id", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("transfer_id", sa.Integer(), nullable=True),
        _account_fk("mini_requests"),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["mini_goals.id"], name=op.f("fk_mini_requests_goal_id_mini_goals")
        ),
        sa.ForeignKeyConstraint(
            ["mission_id"],
            ["mini_missions.id"],
            name=op.f("fk_mini_requests_mission_id_mini_missions"),
        ),
        sa.ForeignKeyConstraint(
            ["transfer_id"],
            ["ledger_transfers.id"],
            name=op.f("fk_mini_requests_transfer_id_ledger_transfers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mini_requests")),
    )
    for table in ("mini_goals", "mini_missions", "mini_lessons", "mini_requests"):
        op.create_index(
            op.f(f"ix_{table}_mini_account_id"), table, ["mini_account_id"], unique=False
        )
    op.create_index(op.f("ix_mini_requests_state"), "mini_requests", ["state"], unique=False)
    op.create_index(
        op.f("ix_mini_requests_created_at"), "mini_requests", ["created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_mini_requests_created_at"), table_name="mini_requests")
    op.drop_index(op.f("ix_mini_requests_state"), table_name="mini_requests")
    for table in ("mini_requests", "mini_lessons", "mini_missions", "mini_goals"):
        op.drop_index(op.f(f"ix_{table}_mini_account_id"), table_name=table)
        op.drop_table(table)
    with op.batch_alter_table("mini_users") as batch:
        batch.drop_column("music_on")
