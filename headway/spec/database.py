"""A source that is a table in a database, read through a snapshot.

Headway does not query the database live: `headway source refresh` copies the table to
Parquet under `.headway/snapshots/`, and both engines read that file. A metric is as fresh as
the last refresh, which `headway source check` reports. Credentials never sit in YAML: the URL
names host, port and database, and the driver takes the user and password from the
environment (`PGUSER`/`PGPASSWORD` for PostgreSQL).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

SCHEMES = ("postgresql", "sqlite")
TABLE_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$"


class DatabaseTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    url: str
    table: Annotated[str, Field(pattern=TABLE_PATTERN, max_length=200)]

    @field_validator("url")
    @classmethod
    def _no_secrets(cls, value: str) -> str:
        parts = urlsplit(value)
        scheme = parts.scheme.split("+")[0]
        if scheme not in SCHEMES:
            raise ValueError(f"'{parts.scheme or value}' is not a supported database; use postgresql:// or sqlite:///")
        if parts.password:
            raise ValueError("the URL holds a password; remove it and set PGPASSWORD in the environment instead")
        return value
