"""link_tokens.session_id: a new-device mail's link ends its session

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("link_tokens") as batch:
        batch.add_column(sa.Column("session_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("link_tokens") as batch:
        batch.drop_column("session_id")
