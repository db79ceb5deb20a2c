"""The alignment meeting: initiatives created at runtime, stakeholder rankings, decisions, action items, change records.

Revision ID: 0006
Revises: 0005 (the objectives tables)
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the types in models.py as they were at this revision.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIMESTAMP = sa.DateTime(timezone=True)


def _id() -> sa.Column[int]:
    return sa.Column("id", BIG_ID, nullable=False)


def _common() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("period", sa.String(8), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "initiatives",
        sa.Column("id", sa.String(128), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("spec", JSON, nullable=False),
        sa.Column("via", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_initiatives"),
    )
    op.create_table(
        "meeting_rankings",
        _id(),
        *_common(),
        sa.Column("stakeholder", sa.String(200), nullable=False),
        sa.Column("person", sa.String(200), nullable=True),
        sa.Column("kpis", JSON, nullable=False),
        sa.Column("via", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_meeting_rankings"),
    )
    op.create_table(
        "meeting_decisions",
        _id(),
        *_common(),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("metrics", JSON, nullable=False),
        sa.Column("objectives", JSON, nullable=False),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.Column("via", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_meeting_decisions"),
    )
    op.create_table(
        "action_items",
        _id(),
        *_common(),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("metrics", JSON, nullable=False),
        sa.Column("objectives", JSON, nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("via", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_action_items"),
    )
    op.create_table(
        "change_records",
        _id(),
        *_common(),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("metrics", JSON, nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("via", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_change_records"),
    )
    op.create_index("ix_meeting_rankings_created_at", "meeting_rankings", ["created_at"])
    op.create_index("ix_change_records_created_at", "change_records", ["created_at"])
    op.create_index("ix_action_items_due", "action_items", ["due"])
    for table in ("meeting_rankings", "meeting_decisions", "action_items", "change_records"):
        op.create_index(f"ix_{table}_period", table, ["period"])


def downgrade() -> None:
    for table in ("meeting_rankings", "meeting_decisions", "action_items", "change_records"):
        op.drop_index(f"ix_{table}_period", table_name=table)
    op.drop_index("ix_action_items_due", table_name="action_items")
    op.drop_index("ix_change_records_created_at", table_name="change_records")
    op.drop_index("ix_meeting_rankings_created_at", table_name="meeting_rankings")
    for table in ("change_records", "action_items", "meeting_decisions", "meeting_rankings", "initiatives"):
        op.drop_table(table)
