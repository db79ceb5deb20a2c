"""sources/*.yml: where data lives and what its columns are."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from headway.spec.csv_options import CsvOptions
from headway.spec.database import DatabaseTable
from headway.spec.vocabulary import ColumnType, CurrentThrough, Ident, Model


class Column(Model):
    type: ColumnType
    entity: Ident | None = None
    pii: bool = False
    description: str | None = None
    fields: dict[Ident, ColumnType] | None = None
    precision: Annotated[int, Field(ge=1, le=38)] | None = None  # decimal: digits in all (default 18)
    scale: Annotated[int, Field(ge=0, le=38)] | None = None  # decimal: digits after the point (default 2)


class Lineage(Model):
    systems: list[str] = Field(default_factory=list)
    fallback: str | None = None
    notes: str | None = None


class Source(Model):
    name: Ident
    path: str
    format: str | None = Field(default=None, pattern=r"^(parquet|csv)$")
    time: str | None = None
    primary_key: str | None = None
    current_through: CurrentThrough = CurrentThrough.LAST_ROW
    description: str | None = None
    owner: str | None = None
    lineage: Lineage | None = None
    csv: CsvOptions | None = None
    database: DatabaseTable | None = None
    columns: dict[Ident, Column]
    # a name that reads a column one entity away (`person_id: person.person_id`), resolved at query time
    lookups: dict[Ident, str] = Field(default_factory=dict)


class SourcesFile(Model):
    sources: list[Source] = Field(default_factory=list)
