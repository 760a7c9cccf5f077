"""Bot-side channel state: pending secure input, callback ids, update ids, media, notices.

Revision ID: 0002_channel_state
Revises: 0001_initial_schema
Create Date: 2026-11-23 12:52:14.253245
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_channel_state"
down_revision: str | None = "0001_initial_schema"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "channel_keyboards",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("chat_key", sa.String(length=200), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("choose", sa.Integer(), nullable=False),
        sa.Column("payload_template", sa.Text(), nullable=True),
        sa.Column("picks_sealed", sa.Text(), nullable=True),
        sa.Column("used", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_keyboards")),
    )
    with op.batch_alter_table("channel_keyboards", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_channel_keyboards_chat_key"), ["chat_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_channel_keyboards_created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "channel_media",
        sa.Column("bot_id", sa.String(length=32), nullable=False),
        sa.Column("cache_key", sa.String(length=64), nullable=False),
        sa.Column("file_id", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("bot_id", "cache_key", name=op.f("pk_channel_media")),
    )
    op.create_table(
        "channel_notices",
        sa.Column("chat_key", sa.String(length=200), nullable=False),
        sa.Column("notice", sa.String(length=64), nullable=False),
        sa.Column("shown_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("chat_key", "notice", name=op.f("pk_channel_notices")),
    )
    op.create_table(
        "channel_pending_inputs",
        sa.Column("chat_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("chat_key", name=op.f("pk_channel_pending_inputs")),
    )
    op.create_table(
        "channel_updates",
        sa.Column("bot_id", sa.String(length=32), nullable=False),
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("bot_id", "update_id", name=op.f("pk_channel_updates")),
    )
    with op.batch_alter_table("channel_updates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_channel_updates_received_at"), ["received_at"], unique=False
        )

    op.create_table(
        "channel_callbacks",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("keyboard_id", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["keyboard_id"],
            ["channel_keyboards.id"],
            name=op.f("fk_channel_callbacks_keyboard_id_channel_keyboards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_callbacks")),
    )
    with op.batch_alter_table("channel_callbacks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_channel_callbacks_keyboard_id"), ["keyboard_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("channel_callbacks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_channel_callbacks_keyboard_id"))

    op.drop_table("channel_callbacks")
    with op.batch_alter_table("channel_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_channel_updates_received_at"))

    op.drop_table("channel_updates")
    op.drop_table("channel_pending_inputs")
    op.drop_table("channel_notices")
    op.drop_table("channel_media")
    with op.batch_alter_table("channel_keyboards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_channel_keyboards_created_at"))
        batch_op.drop_index(batch_op.f("ix_channel_keyboards_chat_key"))

    op.drop_table("channel_keyboards")
