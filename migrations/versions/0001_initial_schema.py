"""Initial bank schema: customers, online users, journeys, locks, OTPs, outbox, audit, secret box.

Revision ID: 0001_initial_schema
Revises:
Create Date: 2026-11-23 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_initial_schema"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("id_number", sa.String(length=13), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("mobile", sa.String(length=20), nullable=True),
        sa.Column("pin_hash", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("id_number", name=op.f("uq_customers_id_number")),
    )
    op.create_table(
        "additional_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("pin_hash", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["customers.id"],
            name=op.f("fk_additional_users_company_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["customers.id"],
            name=op.f("fk_additional_users_person_id_customers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_additional_users")),
        sa.UniqueConstraint(
            "company_id", "person_id", name=op.f("uq_additional_users_company_id_person_id")
        ),
    )
    op.create_table(
        "online_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("additional_user_id", sa.Integer(), nullable=True),
        sa.Column("owner_key", sa.String(length=40), nullable=False),
        sa.Column("username", sa.String(length=20), nullable=False),
        sa.Column("username_key", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("security_image", sa.String(length=40), nullable=False),
        sa.Column("home_phone", sa.String(length=20), nullable=True),
        sa.Column("work_phone", sa.String(length=20), nullable=True),
        sa.Column("challenge_first_name_hash", sa.String(length=200), nullable=False),
        sa.Column("challenge_mother_surname_hash", sa.String(length=200), nullable=False),
        sa.Column("challenge_father_surname_hash", sa.String(length=200), nullable=False),
        sa.Column("second_factor", sa.String(length=16), nullable=False),
        sa.Column("totp_secret_encrypted", sa.Text(), nullable=True),
        sa.Column("totp_last_timestep", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["additional_user_id"],
            ["additional_users.id"],
            name=op.f("fk_online_users_additional_user_id_additional_users"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_online_users_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_online_users")),
        sa.UniqueConstraint("owner_key", name=op.f("uq_online_users_owner_key")),
        sa.UniqueConstraint("username_key", name=op.f("uq_online_users_username_key")),
    )
    op.create_table(
        "journeys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("sender_id", sa.String(length=200), nullable=False),
        sa.Column("active_key", sa.String(length=240), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("step", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("additional_user_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["additional_user_id"],
            ["additional_users.id"],
            name=op.f("fk_journeys_additional_user_id_additional_users"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_journeys_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journeys")),
        sa.UniqueConstraint("active_key", name=op.f("uq_journeys_active_key")),
    )
    op.create_index(op.f("ix_journeys_sender_id"), "journeys", ["sender_id"])
    op.create_table(
        "identity_guards",
        sa.Column("identity_key", sa.String(length=40), nullable=False),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("held_for_agent", sa.Boolean(), nullable=False),
        sa.Column("history_reset_at", sa.DateTime(), nullable=True),
        sa.Column("otp_locked_until", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("identity_key", name=op.f("pk_identity_guards")),
    )
    op.create_table(
        "identity_lock_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("identity_key", sa.String(length=40), nullable=False),
        sa.Column("locked_at", sa.DateTime(), nullable=False),
        sa.Column("held", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_lock_events")),
    )
    op.create_index(
        op.f("ix_identity_lock_events_identity_key"), "identity_lock_events", ["identity_key"]
    )
    op.create_table(
        "otp_challenges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("journey_id", sa.Integer(), nullable=False),
        sa.Column("identity_key", sa.String(length=40), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("consumed_at", sa.DateTime(), nullable=True),
        sa.Column("invalidated_at", sa.DateTime(), nullable=True),
        sa.Column("wrong_attempts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["journey_id"], ["journeys.id"], name=op.f("fk_otp_challenges_journey_id_journeys")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_otp_challenges")),
    )
    op.create_index(op.f("ix_otp_challenges_identity_key"), "otp_challenges", ["identity_key"])
    op.create_index(op.f("ix_otp_challenges_journey_id"), "otp_challenges", ["journey_id"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    op.create_index(op.f("ix_outbox_recipient"), "outbox", ["recipient"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=240), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=240), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_action"), "audit_log", ["action"])
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"])
    op.create_table(
        "secret_box",
        sa.Column("ref", sa.String(length=40), nullable=False),
        sa.Column("sender_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("ciphertext", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("ref", name=op.f("pk_secret_box")),
    )
    op.create_index(op.f("ix_secret_box_expires_at"), "secret_box", ["expires_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_secret_box_expires_at"), table_name="secret_box")
    op.drop_table("secret_box")
    op.drop_index(op.f("ix_audit_log_at"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_action"), table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index(op.f("ix_outbox_recipient"), table_name="outbox")
    op.drop_table("outbox")
    op.drop_index(op.f("ix_otp_challenges_journey_id"), table_name="otp_challenges")
    op.drop_index(op.f("ix_otp_challenges_identity_key"), table_name="otp_challenges")
    op.drop_table("otp_challenges")
    op.drop_index(op.f("ix_identity_lock_events_identity_key"), table_name="identity_lock_events")
    op.drop_table("identity_lock_events")
    op.drop_table("identity_guards")
    op.drop_index(op.f("ix_journeys_sender_id"), table_name="journeys")
    op.drop_table("journeys")
    op.drop_table("online_users")
    op.drop_table("additional_users")
    op.drop_table("customers")
