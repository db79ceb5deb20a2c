"""Tracking API write keys, stored hashed (issue 12).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "write_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(128), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("revoked_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_write_keys"),
        sa.UniqueConstraint("key_hash", name="uq_write_keys_key_hash"),
    )
    op.create_index("ix_write_keys_source", "write_keys", ["source"])


def downgrade() -> None:
    op.drop_index("ix_write_keys_source", table_name="write_keys")
    op.drop_table("write_keys")
