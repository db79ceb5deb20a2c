"""Alerts: series states, incidents, their history and disabled channels.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the types in models.py as they were at this revision.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "alert_series",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("rule_id", sa.String(200), nullable=False),
        sa.Column("metric_id", sa.String(200), nullable=False),
        sa.Column("series", JSON, nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("since", TIMESTAMP, nullable=False),
        sa.Column("evaluated_at", TIMESTAMP, nullable=False),
        sa.Column("period", sa.String(32), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("key", name="pk_alert_series"),
    )
    op.create_index("ix_alert_series_rule_id", "alert_series", ["rule_id"])
    op.create_table(
        "alert_incidents",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("rule_id", sa.String(200), nullable=False),
        sa.Column("metric_id", sa.String(200), nullable=False),
        sa.Column("series", JSON, nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("opened_at", TIMESTAMP, nullable=False),
        sa.Column("acknowledged_at", TIMESTAMP, nullable=True),
        sa.Column("acknowledged_by", sa.String(200), nullable=True),
        sa.Column("resolved_at", TIMESTAMP, nullable=True),
        sa.Column("period", sa.String(32), nullable=False),
        sa.Column("value", sa.Double(), nullable=True),
        sa.Column("expected", sa.Double(), nullable=True),
        sa.Column("low", sa.Double(), nullable=True),
        sa.Column("high", sa.Double(), nullable=True),
        sa.Column("direction", sa.String(8), nullable=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("notified_at", TIMESTAMP, nullable=True),
        sa.Column("parent_id", BIG_ID, nullable=True),
        sa.Column("drivers", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["alert_incidents.id"], name="fk_alert_incidents_parent_id_alert_incidents"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_alert_incidents"),
    )
    op.create_index("ix_alert_incidents_key", "alert_incidents", ["key"])
    op.create_index("ix_alert_incidents_metric_id", "alert_incidents", ["metric_id"])
    op.create_index("ix_alert_incidents_state", "alert_incidents", ["state"])
    op.create_table(
        "alert_events",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("key", sa.String(64), nullable=True),
        sa.Column("incident_id", BIG_ID, nullable=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("detail", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["alert_incidents.id"], name="fk_alert_events_incident_id_alert_incidents"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_alert_events"),
    )
    op.create_index("ix_alert_events_at", "alert_events", ["at"])
    op.create_index("ix_alert_events_key", "alert_events", ["key"])
    op.create_table(
        "alert_channels",
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("changed_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_alert_channels"),
    )


def downgrade() -> None:
    op.drop_table("alert_channels")
    op.drop_index("ix_alert_events_key", table_name="alert_events")
    op.drop_index("ix_alert_events_at", table_name="alert_events")
    op.drop_table("alert_events")
    op.drop_index("ix_alert_incidents_state", table_name="alert_incidents")
    op.drop_index("ix_alert_incidents_metric_id", table_name="alert_incidents")
    op.drop_index("ix_alert_incidents_key", table_name="alert_incidents")
    op.drop_table("alert_incidents")
    op.drop_index("ix_alert_series_rule_id", table_name="alert_series")
    op.drop_table("alert_series")
