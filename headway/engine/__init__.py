"""Compile metrics once, run them on DuckDB or Spark: `Engine.query` is the one entry point to data.

Names are imported on first use (PEP 562), so importing a light module such as
`headway.engine.calendar` does not load the compiler and its SQL library.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from headway.engine.access import Actor
    from headway.engine.engine import Engine, Failure
    from headway.engine.files import DataChanged, DataError
    from headway.engine.query import Compare, EngineError, Query, QueryError
    from headway.engine.results import Reason, Result

_HOME = {
    "Actor": "headway.engine.access",
    **dict.fromkeys(("Engine", "Failure"), "headway.engine.engine"),
    **dict.fromkeys(("DataChanged", "DataError"), "headway.engine.files"),
    **dict.fromkeys(("Compare", "EngineError", "Query", "QueryError"), "headway.engine.query"),
    **dict.fromkeys(("Reason", "Result"), "headway.engine.results"),
}

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


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(import_module(_HOME[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
