"""The `headway` Typer app, which builds only the parser of the command a shell runs.

Typer turns every registered command into a Click command before it runs one: ~25 ms of a cold
`headway query` for the ~40 others (issue 11: a cold query may cost at most 0.3 s more than bare
DuckDB). Run from a shell (`app()` with no arguments), a plain command named first on the
command line, such as `headway query …`, gets a group holding that command alone, built with the
same settings, so its usage line, help, errors and exit codes are the ones the whole app gives
(tests/test_cold_start.py compares them). Anything else — `--help`, a sub-group such as
`headway okr …`, an unknown name, a call from Python or a test runner — goes through the whole app.
"""

from __future__ import annotations

import sys
from typing import Any

import typer

from headway.cli.startup import started_from_shell


class LazyTyper(typer.Typer):
    def __init__(self, **settings: Any):
        super().__init__(**settings)
        self._settings = settings

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not args and not kwargs:
            started_from_shell()  # what importing the CLI built lives until exit: frozen (startup.py)
            alone = self.alone(sys.argv[1] if len(sys.argv) > 1 else "")
            if alone is not None:
                return alone()
        return super().__call__(*args, **kwargs)

    def alone(self, name: str) -> typer.Typer | None:
        """A group with the same settings holding only the plain command `name`; None if there is none."""
        found = [c for c in self.registered_commands if _name(c) == name]
        if len(found) != 1:
            return None
        one = typer.Typer(**self._settings, callback=_nothing)  # with a callback Typer builds a group, as for the app
        one.registered_commands = found
        return one


def _name(command: Any) -> str:
    """The name Typer gives a registered command: its own, or its function's with '_' as '-'."""
    callback = command.callback
    return str(command.name or (callback.__name__.lower().replace("_", "-") if callback else ""))


def _nothing() -> None:
    pass  # the whole app has no options of its own: neither has the one-command group
