"""users.mfa_enabled, sessions.amr and pending_logins: a login's second step

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# Aware timestamps; MariaDB's DATETIME needs fsp=6 to keep microseconds.
TIMESTAMP = sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("mfa_enabled", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(
            sa.Column("amr", sa.String(length=32), nullable=False, server_default="pwd")
        )
    op.create_table(
        "pending_logins",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.Column("password_stamp", sa.String(length=64), nullable=False),
        sa.Column("remember", sa.Boolean(), nullable=True),
        sa.Column("user_agent", sa.String(length=512), nullable=True),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("spent_at", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_pending_logins_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_pending_logins")),
    )
    op.create_index(op.f("ix_pending_logins_user_id"), "pending_logins", ["user_id"])
    op.create_index(op.f("ix_pending_logins_expires_at"), "pending_logins", ["expires_at"])


def downgrade() -> None:
    op.drop_table("pending_logins")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("amr")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("mfa_enabled")
