"""Cuenta Mini journeys: notices addressed to a chat, and messages to delete later.

Revision ID: 0004_mini_journeys
Revises: 0003_mini_accounts
Create Date: 2026-11-23 15:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_mini_journeys"
down_revision: str | None = "0003_mini_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("customer_notifications", schema=None) as batch_op:
        batch_op.alter_column("customer_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("sender_id", sa.String(length=200), nullable=True))

    op.create_table(
        "scheduled_deletions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_key", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("delete_at", sa.DateTime(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduled_deletions")),
    )
    with op.batch_alter_table("scheduled_deletions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_scheduled_deletions_delete_at"), ["delete_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("scheduled_deletions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scheduled_deletions_delete_at"))

    op.drop_table("scheduled_deletions")
    # Notices addressed only to a chat cannot survive without their customer.
    op.execute(sa.text("DELETE FROM customer_notifications WHERE customer_id IS NULL"))
    with op.batch_alter_table("customer_notifications", schema=None) as batch_op:
        batch_op.drop_column("sender_id")
        batch_op.alter_column("customer_id", existing_type=sa.Integer(), nullable=False)
