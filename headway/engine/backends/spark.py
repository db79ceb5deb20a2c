"""Apache Spark: the same compiled plan, for data that outgrows one machine.

Local mode (`local[2]`) runs in tests; a cluster URL in `headway.yml` runs for
real. Sessions are expensive (~4 s), so one can be passed in and shared.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import threading
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from headway.engine.csvread import headerless_names, spark_reader_options
from headway.engine.dialects import SPARK
from headway.engine.files import DataError, SourceFiles
from headway.engine.query import complaint
from headway.engine.sql import col, ident
from headway.engine.views import typed_select, view_name
from headway.spec.models import Source, SparkSettings

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

SESSION_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.driver.memory": "2g",
    "spark.sql.ansi.enabled": "true",
}


def start_session(settings: SparkSettings | None = None) -> SparkSession:
    """A Spark session configured the way Headway's SQL expects (UTC session time zone)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:  # pragma: no cover - depends on the install
        raise DataError("the spark engine needs pyspark: pip install 'headway[spark]'") from None
    settings = settings or SparkSettings()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = SparkSession.builder.master(settings.master).appName("headway")
    for key, value in {**SESSION_CONF, **settings.conf}.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


class SparkBackend:
    name = "spark"
    dialect = SPARK

    def __init__(self, settings: SparkSettings | None = None, session: SparkSession | None = None):
        self._owns = session is None
        self._session = session or start_session(settings)
        self._session.conf.set("spark.sql.session.timeZone", "UTC")
        self._versions: dict[str, str] = {}
        self._lock = threading.Lock()

    def _raw(self, source: Source, files: SourceFiles) -> Any:
        reader = self._session.read
        if files.format == "csv" and source.csv is not None:
            frame = reader.options(**spark_reader_options(source.csv)).csv(list(files.paths))
            names = headerless_names(source, source.csv)
            if names is None:
                return frame
            extra = [f"_extra{i}" for i in range(len(frame.columns) - len(names))]
            return frame.toDF(*(names + extra)[: len(frame.columns)])
        if files.format == "csv":
            return reader.option("header", "true").option("inferSchema", "false").csv(list(files.paths))
        return reader.parquet(*files.paths)

    def raw_relation(self, source: Source, files: SourceFiles) -> tuple[exp.Expr, dict[str, str]]:
        """The files as the reader sees them (a temporary view), and each field's type."""
        frame = self._raw(source, files)
        raw_view = f"hw_raw_{source.name}"
        frame.createOrReplaceTempView(raw_view)
        physical = {field.name: field.dataType.simpleString() for field in frame.schema.fields}
        return exp.Table(this=ident(raw_view)), physical

    def _typed(self, source: Source, files: SourceFiles) -> str:
        relation, physical = self.raw_relation(source, files)
        select = typed_select(source, physical, relation, self.dialect)
        view = exp.Create(
            this=exp.Table(this=ident(view_name(source.name))),
            kind="VIEW",
            replace=True,
            expression=select,
            properties=exp.Properties(expressions=[exp.TemporaryProperty()]),
        )
        return view.sql("spark")

    def view_sql(self, source: Source, files: SourceFiles) -> str:
        statement = self._typed(source, files)
        paths = ", ".join(files.paths)
        return f"-- hw_raw_{source.name}: spark.read.{files.format}({paths})\n{statement}"

    def prepare(self, source: Source, files: SourceFiles) -> None:
        if self._versions.get(source.name) == files.version:
            return
        with self._lock:
            try:
                self._session.sql(self._typed(source, files))
            except DataError:
                raise
            except Exception as error:  # Spark raises many analysis error types
                raise DataError(
                    f"source '{source.name}': cannot read its files: {complaint(error, files.root)}"
                ) from None
            self._versions[source.name] = files.version

    def execute(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        frame = self._session.sql(sql)
        rows = _collect(frame)
        return list(frame.columns), [tuple(row) for row in rows]

    def min_max(self, source: Source, column: str) -> tuple[Any, Any]:
        # as strings: collect() would turn timestamps into the Python process's local time
        target = col(column)
        low, high = exp.cast(exp.Min(this=target), "string"), exp.cast(exp.Max(this=target.copy()), "string")
        query = exp.select(low, high).from_(exp.Table(this=ident(view_name(source.name))))
        _, rows = self.execute(query.sql("spark"))
        return tuple(_parse(v) for v in rows[0])  # type: ignore[return-value]

    def close(self) -> None:
        if self._owns:
            self._session.stop()


def _collect(frame: Any) -> list[Any]:
    """`frame.collect()`, closing the result socket when done.

    PySpark's own collect leaves the socket to the garbage collector, which then emits a
    ResourceWarning for every query (an error wherever warnings are errors, as in our tests).
    """
    from pyspark.serializers import BatchedSerializer, CPickleSerializer
    from pyspark.util import local_connect_and_auth

    port, secret, *_ = frame._jdf.collectToPython()
    sockfile, sock = local_connect_and_auth(port, secret)
    with sock, sockfile:
        sock.settimeout(None)  # as PySpark does: materialization time is unpredictable
        return list(BatchedSerializer(CPickleSerializer()).load_stream(sockfile))


def _parse(value: str | None) -> dt.datetime | dt.date | None:
    if not value:
        return None
    # a date column casts to 'YYYY-MM-DD': keep it a calendar day, never shifted by the time zone
    return dt.date.fromisoformat(value) if len(value) == 10 else dt.datetime.fromisoformat(value)
