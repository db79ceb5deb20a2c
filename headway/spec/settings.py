"""headway.yml: the workspace's settings."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator

from headway.spec.delivery_config import DeliveryConfig
from headway.spec.ingest_settings import IngestSettings
from headway.spec.library import Library
from headway.spec.vocabulary import Engine, Grain, Ident, Model, WeekStart


class SparkSettings(Model):
    master: str = "local[2]"
    conf: dict[str, str] = Field(default_factory=dict)


class DuckDBSettings(Model):
    memory_limit: str = "4GB"
    threads: Annotated[int, Field(ge=1, le=256)] | None = None


class CacheSettings(Model):
    """Bounds on what the engine keeps and returns, so a burst of large answers cannot exhaust memory."""

    max_mb: Annotated[int, Field(ge=1, le=65536)] = 256
    max_rows: Annotated[int, Field(ge=1, le=10_000_000)] = 200_000


class WorkspaceConfig(Model):
    name: Ident
    description: str | None = None
    engine: Engine = Engine.DUCKDB
    timezone: str = "UTC"
    week_start: WeekStart = WeekStart.MONDAY
    default_grain: Grain = Grain.WEEK
    north_star: str | None = None
    spark: SparkSettings = Field(default_factory=SparkSettings)
    duckdb: DuckDBSettings = Field(default_factory=DuckDBSettings)
    cache: CacheSettings = Field(default_factory=CacheSettings)
    data_roots: list[str] = Field(default_factory=list, max_length=32)  # folders outside the workspace sources may read
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    raw_retention_days: Annotated[int, Field(ge=1, le=36500)] | None = None
    include: list[Library] = Field(default_factory=list)  # built-in metric libraries, e.g. [delivery]
    delivery: DeliveryConfig | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{value}'; use an IANA name such as UTC or Europe/Paris") from None
        return value
