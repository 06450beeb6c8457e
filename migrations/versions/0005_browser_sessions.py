"""sessions: kind, the browser cookie's token hash, and a browser's idle limit

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="api")
        )
        batch.add_column(sa.Column("token_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("idle_timeout_seconds", sa.Integer(), nullable=True))
        batch.create_unique_constraint(op.f("uq_sessions_token_hash"), ["token_hash"])
        batch.create_check_constraint(op.f("ck_sessions_kind"), "kind IN ('api', 'browser')")


def downgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.drop_constraint(op.f("ck_sessions_kind"), type_="check")
        batch.drop_constraint(op.f("uq_sessions_token_hash"), type_="unique")
        batch.drop_column("idle_timeout_seconds")
        batch.drop_column("token_hash")
        batch.drop_column("kind")
