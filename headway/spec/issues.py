"""Spec problems: where they are, what is wrong, what to write instead.

Validation never stops at the first problem: every stage returns a list of
`Issue` so that `headway validate` can report them all in one pass.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

PathPart = str | int


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


def render_path(path: Sequence[PathPart]) -> str:
    """`("metrics", 3, "filter")` -> `metrics[3].filter`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


@dataclass(frozen=True, order=True)
class Issue:
    file: str
    line: int
    path: str
    message: str
    hint: str = ""
    code: str = field(default="invalid", compare=False)
    severity: Severity = field(default=Severity.ERROR, compare=False)

    def render(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where} {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        if not text.endswith((".", "?", "!")):
            text += "."
        return f"{text} {self.hint}".rstrip() if self.hint else text

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "path": self.path,
            "message": self.message,
            "hint": self.hint,
            "code": self.code,
            "severity": self.severity.value,
        }


class SpecError(Exception):
    """Raised when a workspace cannot be used because its spec has errors."""

    def __init__(self, issues: Iterable[Issue]):
        self.issues = sorted(issues)
        first = self.issues[0].render() if self.issues else "invalid spec"
        more = f" (and {len(self.issues) - 1} more)" if len(self.issues) > 1 else ""
        super().__init__(first + more)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A 'Did you mean ...?' hint, or an empty string when nothing is close."""
    options = sorted(set(choices))
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in options}
        if word.lower() in lowered:
            close = [lowered[word.lower()]]
    return f"Did you mean '{close[0]}'?" if close else ""


def choices_hint(word: str, choices: Iterable[str], noun: str = "one of") -> str:
    """'Did you mean' when something is close, else the list of valid choices."""
    options = sorted(set(choices))
    suggestion = did_you_mean(word, options)
    if suggestion:
        return suggestion
    if not options:
        return ""
    shown = ", ".join(options[:12]) + (f" and {len(options) - 12} more" if len(options) > 12 else "")
    return f"Use {noun}: {shown}."
