"""How to read a CSV source: real exports are rarely `,`-separated UTF-8 with ISO dates.

Both engines honour these options: the readers take the file-level ones (delimiter, quote,
header, encoding, compression), and the typed view applies the value-level ones (null strings,
decimal separator, date and timestamp formats) with the same SQL on every engine, so a value
converts the same way on DuckDB and on Spark.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

# strftime directives both engines can parse (through SQLGlot's format mapping)
FORMAT_DIRECTIVES = frozenset("YmdHMSfyjbBpIzZ%")


class BadRows(StrEnum):
    """What to do with a row whose values do not convert to their declared types."""

    FAIL = "fail"  # stop with an error naming the row and the value
    SKIP = "skip"  # leave it out, and count it (headway source check)
    QUARANTINE = "quarantine"  # leave it out, and write it to a file for someone to fix


class Compression(StrEnum):
    AUTO = "auto"  # from the file name: .gz is gzip
    NONE = "none"
    GZIP = "gzip"


class Encoding(StrEnum):
    UTF8 = "utf-8"
    UTF16 = "utf-16"
    LATIN1 = "latin-1"


class CsvOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    delimiter: str = ","
    quote: str = '"'
    header: bool = True
    null_values: list[str] = Field(default_factory=lambda: [""])  # not `null:`, which YAML reads as a null key
    decimal: Annotated[str, Field(pattern=r"^[.,]$")] = "."
    date_format: str | None = None
    timestamp_format: str | None = None
    encoding: Encoding = Encoding.UTF8
    compression: Compression = Compression.AUTO
    bad_rows: BadRows = BadRows.FAIL
    quarantine: str | None = None  # file for quarantined rows; default .headway/quarantine/<source>.csv

    @field_validator("delimiter", "quote")
    @classmethod
    def _one_character(cls, value: str) -> str:
        if len(value) != 1:
            raise ValueError(f"{value!r} is {len(value)} characters; write one, e.g. ';' or a tab as \"\\t\"")
        return value

    @field_validator("date_format", "timestamp_format")
    @classmethod
    def _strftime(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if "%" not in value:
            raise ValueError(f"'{value}' is not a strftime format; write it with % codes, e.g. %Y%m%d or %d.%m.%Y")
        unknown = sorted({value[i + 1] for i, c in enumerate(value[:-1]) if c == "%"} - FORMAT_DIRECTIVES)
        if unknown:
            codes = ", ".join(f"%{u}" for u in unknown)
            raise ValueError(f"format '{value}' uses {codes}, which not every engine reads; use %Y %m %d %H %M %S %f")
        return value
