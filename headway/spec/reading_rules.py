"""Rules for how a source is read: decimal sizes, CSV options, database snapshots."""

from __future__ import annotations

from headway.spec.issues import Issue
from headway.spec.models import ColumnType, Source
from headway.spec.workspace import Origin, Workspace

DEFAULT_PRECISION = 18
DEFAULT_SCALE = 2


def decimal_size(precision: int | None, scale: int | None) -> tuple[int, int]:
    """(precision, scale) of a decimal column, with the defaults filled in."""
    return precision or DEFAULT_PRECISION, DEFAULT_SCALE if scale is None else scale


def check_source_reading(ws: Workspace) -> list[Issue]:
    issues: list[Issue] = []
    for name, source in ws.sources.items():
        origin = ws.source_origins[name]
        issues += _column_sizes(source, origin)
        issues += _reader(source, origin)
    return issues


def _column_sizes(source: Source, origin: Origin) -> list[Issue]:
    issues = []
    for name, column in source.columns.items():
        at = ("columns", name)
        sized = column.precision is not None or column.scale is not None
        if sized and column.type is not ColumnType.DECIMAL:
            issues.append(
                origin.issue(
                    (*at, "precision" if column.precision is not None else "scale"),
                    f"precision and scale belong to decimal columns; '{name}' is {column.type.value}",
                    f"Write type: decimal, or remove them from '{name}'.",
                )
            )
        if column.type is ColumnType.DECIMAL:
            precision, scale = decimal_size(column.precision, column.scale)
            if scale > precision:
                issues.append(
                    origin.issue(
                        (*at, "scale"),
                        f"decimal column '{name}' has scale {scale}, more than its precision {precision}",
                        "Scale is the digits after the point, precision all digits: e.g. precision: 12, scale: 2.",
                    )
                )
    return issues


def _reader(source: Source, origin: Origin) -> list[Issue]:
    issues = []
    fmt = source.format or ("csv" if ".csv" in source.path.lower() else "parquet")
    if source.csv is not None and fmt != "csv":
        issues.append(
            origin.issue(
                ("csv",),
                f"source '{source.name}' reads {fmt} files, so its csv options would not apply",
                "Remove `csv:`, or set `format: csv` if the files are CSV.",
            )
        )
    if source.database is not None and not source.path.startswith(".headway/snapshots/"):
        issues.append(
            origin.issue(
                ("path",),
                f"source '{source.name}' is a database table; its path must be its snapshot in .headway/snapshots/",
                f"Write path: .headway/snapshots/{source.name}.parquet (`headway source refresh` writes it).",
            )
        )
    return issues
