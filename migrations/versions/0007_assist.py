"""Assisted mode: agents, tickets, agents' private notes and the chats' redacted transcripts.

Revision ID: 0007_assist
Revises: 0006_mini_money
Create Date: 2026-11-30 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_assist"
down_revision: str | None = "0006_mini_money"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AGENT_ID = "assist_agents.telegram_user_id"


def upgrade() -> None:
    op.create_table(
        "assist_agents",
        sa.Column("telegram_user_id", sa.String(length=32), nullable=False),
        sa.Column("display_name", sa.String(length=80), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("telegram_user_id", name=op.f("pk_assist_agents")),
    )
    op.create_table(
        "assist_tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=200), nullable=False),
        sa.Column("open_key", sa.String(length=200), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("journey_kind", sa.String(length=32), nullable=True),
        sa.Column("journey_id", sa.Integer(), nullable=True),
        sa.Column("journey_step", sa.String(length=40), nullable=True),
        sa.Column("identity_key", sa.String(length=40), nullable=True),
        sa.Column("identity_masked", sa.String(length=60), nullable=True),
        sa.Column("customer_ref", sa.String(length=64), nullable=True),
        sa.Column("agent_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("queued_at", sa.DateTime(), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=True),
        sa.Column("focused_at", sa.DateTime(), nullable=True),
        sa.Column("follow_up_at", sa.DateTime(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"], [AGENT_ID], name=op.f("fk_assist_tickets_agent_id_assist_agents")
        ),
        sa.ForeignKeyConstraint(
            ["journey_id"], ["journeys.id"], name=op.f("fk_assist_tickets_journey_id_journeys")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assist_tickets")),
        sa.UniqueConstraint("open_key", name=op.f("uq_assist_tickets_open_key")),
    )
    for column in ("sender_id", "state", "agent_id", "queued_at"):
        op.create_index(
            op.f(f"ix_assist_tickets_{column}"), "assist_tickets", [column], unique=False
        )
    op.create_table(
        "assist_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], [AGENT_ID], name=op.f("fk_assist_notes_agent_id_assist_agents")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["assist_tickets.id"],
            name=op.f("fk_assist_notes_ticket_id_assist_tickets"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assist_notes")),
    )
    op.create_index(op.f("ix_assist_notes_ticket_id"), "assist_notes", ["ticket_id"], unique=False)
    op.create_table(
        "assist_transcript_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("author", sa.String(length=80), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assist_transcript_lines")),
    )
    op.create_index(
        op.f("ix_assist_transcript_lines_sender_id"),
        "assist_transcript_lines",
        ["sender_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_assist_transcript_lines_sender_id"), table_name="assist_transcript_lines"
    )
    op.drop_table("assist_transcript_lines")
    op.drop_index(op.f("ix_assist_notes_ticket_id"), table_name="assist_notes")
    op.drop_table("assist_notes")
    for column in ("queued_at", "agent_id", "state", "sender_id"):
        op.drop_index(op.f(f"ix_assist_tickets_{column}"), table_name="assist_tickets")
    op.drop_table("assist_tickets")
    op.drop_table("assist_agents")
