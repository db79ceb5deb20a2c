"""Compile metrics once, run them on DuckDB or Spark.

Names are imported on first use (PEP 562), so importing a light module such as
`headway.engine.calendar` does not load the compiler and its SQL library.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from headway.engine.engine import Engine
    from headway.engine.files import DataError
    from headway.engine.query import Compare, EngineError, Query, QueryError, Result

_HOME = {
    "Engine": "headway.engine.engine",
    "DataError": "headway.engine.files",
    **dict.fromkeys(("Compare", "EngineError", "Query", "QueryError", "Result"), "headway.engine.query"),
}

__all__ = ["Compare", "DataError", "Engine", "EngineError", "Query", "QueryError", "Result"]


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(import_module(_HOME[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
