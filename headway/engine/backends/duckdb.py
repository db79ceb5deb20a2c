"""DuckDB: the embedded default. One in-memory database; sources are views over files."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import duckdb
from sqlglot import exp

from headway.engine.backends import parquet_bounds
from headway.engine.csvread import duckdb_reader_args, headerless_names
from headway.engine.dialects import DUCKDB
from headway.engine.files import DataError, SourceFiles
from headway.engine.query import complaint
from headway.engine.sql import col, ident
from headway.engine.views import typed_select, view_name
from headway.spec.models import DuckDBSettings, Source


class DuckDBBackend:
    name = "duckdb"
    dialect = DUCKDB

    def __init__(self, settings: DuckDBSettings | None = None):
        settings = settings or DuckDBSettings()
        config: dict[str, Any] = {"memory_limit": settings.memory_limit}
        if settings.threads:
            config["threads"] = settings.threads
        self._con = duckdb.connect(":memory:", config=config)
        # GLOBAL: queries run on per-thread cursors, which would otherwise take the machine's zone
        # (ICU loads lazily, so not through connect(config=))
        self._con.execute("SET GLOBAL TimeZone = 'UTC'")
        self._lock = threading.Lock()
        self._versions: dict[str, str] = {}
        self._local = threading.local()
        self._raw: dict[str, tuple[SourceFiles, dict[str, str]]] = {}  # per source: its files and raw column types

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._con.cursor()
            cursor.execute("SET TimeZone = 'UTC'")  # belt and braces: a cursor never reads the machine's zone
            self._local.cursor = cursor
        return cursor

    def _relation(self, files: SourceFiles, source: Source | None = None) -> exp.Expr:
        paths = exp.Array(expressions=[exp.Literal.string(p) for p in files.paths])
        if files.format == "csv" and source is not None and source.csv is not None:
            args = [paths, *duckdb_reader_args(source.csv, headerless_names(source, source.csv))]
            return exp.Table(this=exp.Anonymous(this="read_csv", expressions=args))
        if files.format == "csv":
            args = [
                paths,
                exp.EQ(this=exp.var("header"), expression=exp.true()),
                exp.EQ(this=exp.var("all_varchar"), expression=exp.true()),
            ]
            return exp.Table(this=exp.Anonymous(this="read_csv", expressions=args))
        if len(files.paths) == 1:  # nothing to unite: a bare path binds in half the time of a list by name
            return exp.Table(this=exp.Anonymous(this="read_parquet", expressions=[exp.Literal.string(files.paths[0])]))
        args = [paths, exp.EQ(this=exp.var("union_by_name"), expression=exp.true())]
        return exp.Table(this=exp.Anonymous(this="read_parquet", expressions=args))

    def raw_relation(self, source: Source, files: SourceFiles) -> tuple[exp.Expr, dict[str, str]]:
        """The files as the reader sees them, and each field's type."""
        relation = self._relation(files, source)
        describe = self._con.execute(f"DESCRIBE SELECT * FROM {relation.sql('duckdb')}").fetchall()
        return relation, {row[0]: str(row[1]) for row in describe}

    def view_sql(self, source: Source, files: SourceFiles) -> str:
        relation, physical = self.raw_relation(source, files)
        self._raw[source.name] = (files, physical)
        select = typed_select(source, physical, relation, self.dialect)
        view = exp.Create(
            this=exp.Table(this=ident(view_name(source.name))), kind="VIEW", replace=True, expression=select
        )
        return view.sql("duckdb")

    def prepare(self, source: Source, files: SourceFiles) -> None:
        if self._versions.get(source.name) == files.version:
            return
        with self._lock:
            if self._versions.get(source.name) == files.version:
                return
            try:
                self._con.execute(self.view_sql(source, files))
            except duckdb.Error as error:
                raise DataError(
                    f"source '{source.name}': cannot read its files: {complaint(error, files.root)}"
                ) from None
            self._versions[source.name] = files.version

    def execute(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        cursor = self._cursor()
        cursor.execute(sql)
        names = [d[0] for d in cursor.description or []]
        return names, cursor.fetchall()

    def min_max(self, source: Source, column: str) -> tuple[Any, Any]:
        from_stats = self._min_max_from_stats(source, column)
        if from_stats is not None:
            return from_stats
        target = col(column)
        query = exp.select(exp.Min(this=target), exp.Max(this=target.copy())).from_(
            exp.Table(this=ident(view_name(source.name)))
        )
        _, rows = self.execute(query.sql("duckdb"))
        low, high = rows[0]
        return _plain(low), _plain(high)

    def _min_max_from_stats(self, source: Source, column: str) -> tuple[Any, Any] | None:
        """From Parquet footers when they vouch for it (see parquet_bounds); None: scan the column instead."""
        files, physical = self._raw.get(source.name, (None, {}))
        declared = source.columns.get(column)
        raw = next(((n, t) for n, t in physical.items() if n.lower() == column.lower()), None)
        if files is None or files.format != "parquet" or declared is None or raw is None:
            return None
        if not parquet_bounds.usable(declared.type, raw[1], files.paths):
            return None
        try:
            _, rows = self.execute(parquet_bounds.bounds_query(files.paths, raw[0], raw[1]).sql("duckdb"))
        except duckdb.Error:
            return None
        low, high, doubtful = rows[0]
        if doubtful:
            return None
        return _plain(low), _plain(high)

    def close(self) -> None:
        self._con.close()


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value
