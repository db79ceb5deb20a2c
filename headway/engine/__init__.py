"""Compile metrics once, run them on DuckDB or Spark."""

from headway.engine.engine import Engine
from headway.engine.files import DataError
from headway.engine.query import Compare, EngineError, Query, QueryError, Result

__all__ = ["Compare", "DataError", "Engine", "EngineError", "Query", "QueryError", "Result"]
