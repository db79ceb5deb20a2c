"""OKRs: baselines frozen at quarter start, and check-ins on key results.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the types in models.py as they were at this revision.
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "okr_baselines",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("objective_id", sa.String(128), nullable=False),
        sa.Column("item", sa.String(200), nullable=False),
        sa.Column("quarter", sa.String(8), nullable=False),
        sa.Column("metric_id", sa.String(128), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("captured_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_okr_baselines"),
        sa.UniqueConstraint("objective_id", "item", "quarter", name="uq_okr_baselines_objective_id_item_quarter"),
    )
    op.create_table(
        "okr_checkins",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("objective_id", sa.String(128), nullable=False),
        sa.Column("kr_id", sa.String(128), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("value", sa.Double(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("confidence", sa.Integer(), nullable=False),
        sa.Column("blockers", sa.Text(), nullable=True),
        sa.Column("author", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_okr_checkins"),
    )
    op.create_index("ix_okr_checkins_objective_id", "okr_checkins", ["objective_id"])


def downgrade() -> None:
    op.drop_index("ix_okr_checkins_objective_id", table_name="okr_checkins")
    op.drop_table("okr_checkins")
    op.drop_table("okr_baselines")
