"""The journeys' step history (issue 16, the supervisor's funnel): one row per step a journey
enters, with no personal data.

Revision ID: 0009_journey_steps
Revises: 0008_security
Create Date: 2026-12-06 23:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_journey_steps"
down_revision: str | None = "0008_security"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "journey_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("journey_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("step", sa.String(length=40), nullable=False),
        sa.Column("entered_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["journey_id"], ["journeys.id"], name=op.f("fk_journey_steps_journey_id_journeys")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journey_steps")),
    )
    op.create_index(
        op.f("ix_journey_steps_journey_id"), "journey_steps", ["journey_id"], unique=False
    )
    op.create_index(
        op.f("ix_journey_steps_entered_at"), "journey_steps", ["entered_at"], unique=False
    )
    # Journeys opened before the history existed: their current step, as last updated, so the
    # funnel shows them (without the steps they went through).
    op.execute(
        sa.text(
            "INSERT INTO journey_steps (journey_id, kind, step, entered_at) "
            "SELECT id, kind, step, updated_at FROM journeys"
        )
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_journey_steps_entered_at"), table_name="journey_steps")
    op.drop_index(op.f("ix_journey_steps_journey_id"), table_name="journey_steps")
    op.drop_table("journey_steps")
