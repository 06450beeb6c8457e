"""throttle_windows: login throttle counters shared by workers without Redis

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "throttle_windows",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("ends_at", sa.Double(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key_hash", name=op.f("pk_throttle_windows")),
    )
    op.create_index(
        op.f("ix_throttle_windows_ends_at"), "throttle_windows", ["ends_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_throttle_windows_ends_at"), table_name="throttle_windows")
    op.drop_table("throttle_windows")
