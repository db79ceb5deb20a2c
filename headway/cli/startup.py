"""Garbage collection while a command run from a shell starts: paused, and what it built frozen.

A cold `headway query` builds ~60,000 objects that live until the process exits: the CLI's and
the engine's modules and classes, SQLGlot, Pydantic and the unpickled spec. CPython's collector
traverses them again and again while they are made (about 120 young and a dozen older
collections, ~35 ms, a tenth of the cold-start budget; bench/COLD.md). Nothing built then is
garbage, so a command run from a shell freezes the CLI's modules (`gc.freeze()`: collections skip
them from then on), pauses the collector while it imports the engine and loads the spec, freezes
those too, and collects as usual from there on (the query itself, DuckDB, the output).

Only the console script's own run does this (`LazyTyper.__call__` with no arguments, as the
`headway` script and `python -m headway` call it). A test runner or a script that calls the app
with arguments (`app([...])`, `CliRunner`) keeps its collector untouched: freezing its objects
would keep its garbage alive.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_from_shell = False


def started_from_shell() -> None:
    """The console script runs a command: what importing the CLI built lives until exit."""
    global _from_shell
    _from_shell = True
    gc.freeze()


@contextmanager
def loading() -> Iterator[None]:
    """A command's imports and spec load: no collections while they run, their objects frozen after."""
    if not _from_shell or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
