"""The `headway` Typer app, which builds only the parser of the command a shell runs.

Typer turns every registered command into a Click command before it runs one: ~25 ms of a cold
`headway query` for the ~40 others (issue 11: a cold query may cost at most 0.3 s more than bare
DuckDB), and importing every command's module costs ~5 ms more. Run from a shell (`app()` with no
arguments), a plain command named first on the command line, such as `headway query …`, gets a
group holding that command alone, imported from the module `plain` names for it and built with
the same settings, so its usage line, help, errors and exit codes are the ones the whole app gives
(tests/test_cold_start.py compares them). Anything else — `--help`, a sub-group such as
`headway okr …`, an unknown name, a call from Python or a test runner — goes through the whole
app, which `wire` registers on first use.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any

import typer

from headway.cli.startup import started_from_shell


class LazyTyper(typer.Typer):
    def __init__(self, *, wire: Callable[[LazyTyper], None], plain: dict[str, str], **settings: Any):
        self._wire: Callable[[LazyTyper], None] | None = wire  # registers every command and group
        self._plain = plain  # plain command name -> the module that defines it (as a function of that name)
        super().__init__(**settings)
        self._settings = settings

    # Typer reads these two lists to build the whole app: wired on first read, not at import
    @property
    def registered_commands(self) -> list[Any]:  # type: ignore[override]
        self._wired()
        return self._commands

    @registered_commands.setter
    def registered_commands(self, value: list[Any]) -> None:
        self._commands = value

    @property
    def registered_groups(self) -> list[Any]:  # type: ignore[override]
        self._wired()
        return self._groups

    @registered_groups.setter
    def registered_groups(self, value: list[Any]) -> None:
        self._groups = value

    def _wired(self) -> None:
        wire, self._wire = self._wire, None
        if wire is not None:
            wire(self)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not args and not kwargs:
            started_from_shell()  # what importing the CLI built lives until exit: frozen (startup.py)
            alone = self.alone(sys.argv[1] if len(sys.argv) > 1 else "")
            if alone is not None:
                return alone()
        return super().__call__(*args, **kwargs)

    def alone(self, name: str) -> typer.Typer | None:
        """A group with the same settings holding only the plain command `name`; None if there is none."""
        module = self._plain.get(name)
        if module is None:
            return None
        one = typer.Typer(**self._settings, callback=_nothing)  # with a callback Typer builds a group, as for the app
        one.command()(getattr(importlib.import_module(module), name.replace("-", "_")))
        return one


def _nothing() -> None:
    pass  # the whole app has no options of its own: neither has the one-command group
