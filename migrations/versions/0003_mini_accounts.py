"""Cuenta Mini (accounts, users, activation codes, parent sessions, sign-in locks) and notices.

Revision ID: 0003_mini_accounts
Revises: 0002_channel_state
Create Date: 2026-11-23 14:01:31.650783
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_mini_accounts"
down_revision: str | None = "0002_channel_state"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_guards",
        sa.Column("username_key", sa.String(length=40), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("username_key", name=op.f("pk_sign_in_guards")),
    )
    op.create_table(
        "customer_chats",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=200), nullable=False),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_customer_chats_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_customer_chats")),
    )
    op.create_table(
        "customer_notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_notifications_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_notifications")),
    )
    with op.batch_alter_table("customer_notifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_customer_notifications_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_customer_notifications_delivered_at"), ["delivered_at"], unique=False
        )

    op.create_table(
        "mini_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=False),
        sa.Column("child_full_name", sa.String(length=200), nullable=False),
        sa.Column("child_cedula", sa.String(length=10), nullable=False),
        sa.Column("child_birth_date", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["customers.id"], name=op.f("fk_mini_accounts_parent_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mini_accounts")),
        sa.UniqueConstraint("child_cedula", name=op.f("uq_mini_accounts_child_cedula")),
    )
    with op.batch_alter_table("mini_accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mini_accounts_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "mini_activation_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mini_account_id", sa.Integer(), nullable=False),
        sa.Column("code_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("invalidated_at", sa.DateTime(), nullable=True),
        sa.Column("wrong_entries", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mini_account_id"],
            ["mini_accounts.id"],
            name=op.f("fk_mini_activation_codes_mini_account_id_mini_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mini_activation_codes")),
    )
    with op.batch_alter_table("mini_activation_codes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mini_activation_codes_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_mini_activation_codes_mini_account_id"),
            ["mini_account_id"],
            unique=False,
        )

    op.create_table(
        "mini_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mini_account_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=20), nullable=False),
        sa.Column("username_key", sa.String(length=20), nullable=False),
        sa.Column("avatar", sa.String(length=40), nullable=False),
        sa.Column("picture_password_hash", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mini_account_id"],
            ["mini_accounts.id"],
            name=op.f("fk_mini_users_mini_account_id_mini_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mini_users")),
        sa.UniqueConstraint("mini_account_id", name=op.f("uq_mini_users_mini_account_id")),
        sa.UniqueConstraint("username_key", name=op.f("uq_mini_users_username_key")),
    )
    op.create_table(
        "parent_sessions",
        sa.Column("sender_id", sa.String(length=200), nullable=False),
        sa.Column("online_user_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["online_user_id"],
            ["online_users.id"],
            name=op.f("fk_parent_sessions_online_user_id_online_users"),
        ),
        sa.PrimaryKeyConstraint("sender_id", name=op.f("pk_parent_sessions")),
    )
    with op.batch_alter_table("parent_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_parent_sessions_online_user_id"), ["online_user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("parent_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_parent_sessions_online_user_id"))

    op.drop_table("parent_sessions")
    op.drop_table("mini_users")
    with op.batch_alter_table("mini_activation_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mini_activation_codes_mini_account_id"))
        batch_op.drop_index(batch_op.f("ix_mini_activation_codes_created_at"))

    op.drop_table("mini_activation_codes")
    with op.batch_alter_table("mini_accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mini_accounts_parent_id"))

    op.drop_table("mini_accounts")
    with op.batch_alter_table("customer_notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_notifications_delivered_at"))
        batch_op.drop_index(batch_op.f("ix_customer_notifications_customer_id"))

    op.drop_table("customer_notifications")
    op.drop_table("customer_chats")
    op.drop_table("sign_in_guards")
