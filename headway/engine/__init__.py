"""Compile metrics once, run them on DuckDB or Spark: `Engine.query` is the one entry point to data."""

from headway.engine.access import Actor
from headway.engine.engine import Engine, Failure
from headway.engine.files import DataChanged, DataError
from headway.engine.query import Compare, EngineError, Query, QueryError
from headway.engine.results import Reason, Result

__all__ = [
    "Actor",
    "Compare",
    "DataChanged",
    "DataError",
    "Engine",
    "EngineError",
    "Failure",
    "Query",
    "QueryError",
    "Reason",
    "Result",
]
