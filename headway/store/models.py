"""Tables of the state database, as typed SQLAlchemy models.

The migrations under `migrations/versions/` create these tables; `tests/test_state.py` checks that
the two agree, so a model change without a migration fails the suite.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, TypedDict

from sqlalchemy import JSON, BigInteger, Boolean, Date, Dialect, Double, Integer, MetaData, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import DateTime, TypeDecorator

# Named constraints keep migrations identical on SQLite and PostgreSQL, and let batch mode find them.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# JSONB on PostgreSQL (indexable, compact), JSON text elsewhere.
Json = JSON().with_variant(JSONB(), "postgresql")
# SQLite only auto-increments an INTEGER primary key.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utc_now() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp that is always stored and returned as tz-aware UTC.

    SQLite keeps no time zone, PostgreSQL returns the session's zone: both come back as UTC here,
    and a naive datetime is refused rather than guessed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} given; pass a tz-aware one (UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class SpecFile(TypedDict):
    """One file of a workspace's spec: its path relative to the workspace root and its content hash."""

    path: str
    sha256: str


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class SpecVersion(Base):
    """A spec (set of YAML files) that was served or validated, so a number can name its spec."""

    __tablename__ = "spec_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    spec_hash: Mapped[str] = mapped_column(String(64), unique=True)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    files: Mapped[list[SpecFile]] = mapped_column(Json)
    note: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"SpecVersion(id={self.id}, spec_hash={self.spec_hash!r}, files={len(self.files)})"


class QueryLogEntry(Base):
    """One metric query the server answered: what was asked, on which spec and data, how fast."""

    __tablename__ = "query_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, index=True)
    metric_id: Mapped[str] = mapped_column(String(200), index=True)
    spec_hash: Mapped[str] = mapped_column(String(64))
    data_version: Mapped[str] = mapped_column(Text)
    query: Mapped[dict[str, Any]] = mapped_column(Json)
    engine: Mapped[str] = mapped_column(String(32))
    rows: Mapped[int] = mapped_column(Integer)
    duration_ms: Mapped[float] = mapped_column(Double)
    cache_hit: Mapped[bool] = mapped_column(Boolean)

    def __repr__(self) -> str:
        return f"QueryLogEntry(id={self.id}, metric_id={self.metric_id!r}, at={self.at.isoformat()})"


class AnnotationRecord(Base):
    """A note on the timeline created in the UI or through the API (YAML ones live in annotations/*.yml)."""

    __tablename__ = "annotations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    at: Mapped[date] = mapped_column(Date, index=True)
    until: Mapped[date | None] = mapped_column(Date)
    metrics: Mapped[list[str]] = mapped_column(Json)
    tags: Mapped[list[str]] = mapped_column(Json)
    author: Mapped[str | None] = mapped_column(String(200))
    link: Mapped[str | None] = mapped_column(String(2000))
    description: Mapped[str | None] = mapped_column(Text)
    via: Mapped[str] = mapped_column(String(16))  # "api" or "ui"

    def __repr__(self) -> str:
        return f"AnnotationRecord(id={self.id}, at={self.at.isoformat()}, title={self.title!r})"
