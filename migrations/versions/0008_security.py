"""Security review: second-factor failures and holds on sign-ins, their lock history, and
sliding-window rate limits.

Revision ID: 0008_security
Revises: 0007_assist
Create Date: 2026-12-06 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_security"
down_revision: str | None = "0007_assist"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sign_in_guards") as batch:
        batch.add_column(
            sa.Column("token_failures", sa.Integer(), server_default="0", nullable=False)
        )
        batch.add_column(sa.Column("held_reason", sa.String(length=24), nullable=True))
        batch.add_column(sa.Column("held_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("history_reset_at", sa.DateTime(), nullable=True))
    op.create_table(
        "sign_in_lock_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username_key", sa.String(length=40), nullable=False),
        sa.Column("locked_at", sa.DateTime(), nullable=False),
        sa.Column("held", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_lock_events")),
    )
    op.create_index(
        op.f("ix_sign_in_lock_events_username_key"),
        "sign_in_lock_events",
        ["username_key"],
        unique=False,
    )
    op.create_table(
        "rate_limit_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.String(length=120), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_limit_hits")),
    )
    op.create_index(op.f("ix_rate_limit_hits_bucket"), "rate_limit_hits", ["bucket"], unique=False)
    op.create_index(op.f("ix_rate_limit_hits_at"), "rate_limit_hits", ["at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_rate_limit_hits_at"), table_name="rate_limit_hits")
    op.drop_index(op.f("ix_rate_limit_hits_bucket"), table_name="rate_limit_hits")
    op.drop_table("rate_limit_hits")
    op.drop_index(op.f("ix_sign_in_lock_events_username_key"), table_name="sign_in_lock_events")
    op.drop_table("sign_in_lock_events")
    with op.batch_alter_table("sign_in_guards") as batch:
        batch.drop_column("history_reset_at")
        batch.drop_column("held_at")
        batch.drop_column("held_reason")
        batch.drop_column("token_failures")
