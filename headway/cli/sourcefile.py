"""Write a proposed source (and draft metrics) as YAML, with a comment wherever Headway guessed."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from headway.engine.inspect import SourceGuess


def _scalar(value: Any) -> str:
    """A YAML scalar; JSON's quoting is valid YAML and never misreads `;` or `%`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _comment(note: str) -> str:
    return f"  # {note}" if note else ""


def source_yaml(guess: SourceGuess, database: dict[str, str] | None = None) -> str:
    lines = [
        f"# written by `headway source add` from {guess.path} ({guess.rows:,} rows); edit freely",
        "sources:",
        f"  - name: {guess.name}",
        f"    path: {_scalar(guess.path)}",
        f"    format: {guess.format}",
    ]
    if database:
        lines.append("    database:  # a snapshot: `headway source refresh` copies the table again")
        lines += [f"      {key}: {_scalar(value)}" for key, value in database.items()]
    if guess.time:
        lines.append(f"    time: {guess.time}{_comment(guess.time_note)}")
    if guess.primary_key:
        lines.append(f"    primary_key: {guess.primary_key}{_comment(guess.primary_key_note)}")
    if guess.format == "csv" and guess.csv:
        lines.append("    csv:")
        for key, value in guess.csv.items():
            lines.append(f"      {key}: {_scalar(value)}{_comment(guess.csv_notes.get(key, ''))}")
    lines.append("    columns:")
    for column in guess.columns:
        parts = [f"type: {column.type}"]
        if column.precision is not None:
            parts += [f"precision: {column.precision}", f"scale: {column.scale}"]
        if column.entity:
            parts.append(f"entity: {column.entity}")
        lines.append(f"      {column.name}: {{{', '.join(parts)}}}{_comment(column.note)}")
    for name in guess.left_out:
        quoted = json.dumps(name, ensure_ascii=False)
        lines.append(f"      # left out {quoted}: a column name must be letters, digits and _")
    return "\n".join(lines) + "\n"


def metrics_yaml(guess: SourceGuess) -> str:
    """A count, plus a sum or average of each amount and a distinct count of each entity: drafts to edit."""
    name = guess.name
    lines = [
        f"# drafted by `headway source add --metrics` for source {name}: check each, then set status: active",
        "metrics:",
        f"  - id: {name}",
        f"    name: {name.replace('_', ' ').capitalize()}",
        "    kind: kpi",
        "    status: draft",
        f"    source: {name}",
        "    measure: {agg: count}",
    ]
    dims = [c.name for c in guess.columns if c.type in ("string", "boolean") and not c.entity][:3]
    if dims:
        lines.append(f"    dimensions: [{', '.join(dims)}]")
    for column in guess.columns:
        if column.type == "decimal":
            lines += _draft(f"{name}_{column.name}", "sum", column.name, name, "kpi")
        elif column.type in ("double", "integer") and not column.entity:
            lines += _draft(f"avg_{column.name}", "avg", column.name, name, "health")
        elif column.entity and column.name != guess.primary_key:
            lines += _draft(f"{column.entity}s_with_{name}", "count_distinct", column.name, name, "input")
    return "\n".join(lines) + "\n"


def _draft(metric_id: str, agg: str, expr: str, source: str, kind: str) -> list[str]:
    return [
        f"  - id: {metric_id}",
        f"    kind: {kind}",
        "    status: draft",
        f"    source: {source}",
        f"    measure: {{agg: {agg}, expr: {expr}}}",
    ]
