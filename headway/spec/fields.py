"""Resolve a name used in a metric to the column it means.

A name is one of: a column of the metric's source (`plan`), a field of one of
its struct columns (`properties.feature`), or a column of a related source
reached through a declared entity key (`account.plan`). The related source
must hold one row per entity (its `primary_key`), otherwise the join would
fan out and double-count, and we refuse it. A source may also name such a
column as its own through `lookups:` (`person_id: person.person_id`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from headway.errors import SpecProblem
from headway.spec.issues import choices_hint
from headway.spec.layout import is_events_lake
from headway.spec.models import ColumnType, Source

FieldError = SpecProblem  # one class for expression and field problems (kept name for readers)


@dataclass(frozen=True)
class Join:
    """A many-to-one join from the metric's source to a source keyed by an entity."""

    entity: str
    from_column: str
    to_source: str
    to_column: str


@dataclass(frozen=True)
class FieldRef:
    name: str
    source: str
    column: str
    type: ColumnType
    subfield: str | None = None
    join: Join | None = None


def resolve(sources: Mapping[str, Source], base: Source, name: str) -> FieldRef:
    parts = name.split(".")
    if len(parts) == 1:
        return _local(base, name, sources)
    if len(parts) == 2:
        head, tail = parts
        column = base.columns.get(head)
        if column is not None and column.type is ColumnType.STRUCT:
            return _struct_field(base, head, tail)
        return _related(sources, base, head, tail, name)
    raise FieldError(
        f"'{name}' has {len(parts)} parts; use column, struct.field or entity.column",
        "Related sources are reached one step away, e.g. account.plan.",
    )


def _local(base: Source, name: str, sources: Mapping[str, Source] | None = None) -> FieldRef:
    column = base.columns.get(name)
    if column is None and name in base.lookups:
        return lookup(sources or {}, base, name)
    if column is None:
        related = related_paths(sources or {}, base, name)
        hint = f"Did you mean {' or '.join(repr(p) for p in related)}?" if related else ""
        known = [*base.columns, *base.lookups]
        raise FieldError(
            f"unknown column '{name}' in source '{base.name}'", hint or choices_hint(name, known, "a column")
        )
    return FieldRef(name, base.name, name, column.type)


def lookup(sources: Mapping[str, Source], base: Source, name: str) -> FieldRef:
    """A name from the source's `lookups:`: the `entity.column` it stands for, joined as that one is.

    The join happens when the query runs, so the value follows the related source as it changes
    (a late identify re-attributes earlier events to their person without rewriting them).
    """
    target = base.lookups[name]
    if len(target.split(".")) != 2:
        raise FieldError(
            f"lookup '{name}' of source '{base.name}' is '{target}', not entity.column",
            "Name a column one entity away, e.g. person_id: person.person_id.",
        )
    try:
        return replace(resolve(sources, base, target), name=name)
    except FieldError as problem:
        message = f"lookup '{name}' of source '{base.name}' ({target}): {problem.message}"
        raise FieldError(message, problem.hint) from None


def related_paths(sources: Mapping[str, Source], base: Source, name: str) -> list[str]:
    """`customer.cohort` for `cohort`: the column lives one join away, on a source keyed by an entity of base."""
    found = []
    for entity in sorted({c.entity for c in base.columns.values() if c.entity}):
        for other in sources.values():
            key = other.columns.get(other.primary_key or "")
            if other.name != base.name and key is not None and key.entity == entity and name in other.columns:
                found.append(f"{entity}.{name}")
    return found


def _struct_field(base: Source, column: str, field: str) -> FieldRef:
    fields = base.columns[column].fields or {}
    if field not in fields:
        raise FieldError(
            f"struct column '{column}' of source '{base.name}' has no field '{field}'",
            choices_hint(field, fields, "a declared field") + f" Declare it under columns.{column}.fields.",
        )
    return FieldRef(f"{column}.{field}", base.name, column, fields[field], subfield=field)


def entity_columns(source: Source, entity: str) -> list[str]:
    return [name for name, col in source.columns.items() if col.entity == entity]


def _related(sources: Mapping[str, Source], base: Source, head: str, tail: str, name: str) -> FieldRef:
    entities = {col.entity for col in base.columns.values() if col.entity}
    if head in sources and head not in entities:
        target_source = sources[head]
        shared = entities & {c.entity for c in target_source.columns.values() if c.entity}
        if len(shared) != 1:
            raise FieldError(
                f"source '{base.name}' has no entity key in common with source '{head}'",
                "Mark the key columns of both sources with the same `entity:` to relate them.",
            )
        head = shared.pop()
    if head not in entities:
        known = sorted(entities) + [n for n, c in base.columns.items() if c.type is ColumnType.STRUCT]
        hint = choices_hint(head, known, "an entity or struct column") if known else ""
        if head == "properties" and is_events_lake(base.path):
            hint = (
                "No event has carried properties yet. Declare the fields you use in sources/events.yml: "
                "properties: {type: struct, fields: {plan: string}} (see docs/ingest.md)."
            )
        message = f"'{head}' in '{name}' is neither a struct column nor an entity of source '{base.name}'"
        raise FieldError(message, hint or "Declare an `entity:` on a key column.")
    from_columns = entity_columns(base, head)
    if len(from_columns) > 1:
        raise FieldError(f"source '{base.name}' has several columns for entity '{head}': {', '.join(from_columns)}")
    target = _keyed_source(sources, base, head, name)
    column = target.columns.get(tail)
    if column is None:
        raise FieldError(
            f"source '{target.name}' (one row per {head}) has no column '{tail}'",
            choices_hint(tail, target.columns, "a column"),
        )
    join = Join(head, from_columns[0], target.name, target.primary_key or "")
    return FieldRef(name, target.name, tail, column.type, join=join)


def _keyed_source(sources: Mapping[str, Source], base: Source, entity: str, name: str) -> Source:
    keyed = [
        s
        for s in sources.values()
        if s.name != base.name
        and s.primary_key
        and s.columns.get(s.primary_key) is not None
        and s.columns[s.primary_key].entity == entity
    ]
    if len(keyed) == 1:
        return keyed[0]
    if len(keyed) > 1:
        names = ", ".join(sorted(s.name for s in keyed))
        raise FieldError(f"entity '{entity}' is the primary key of several sources ({names}); '{name}' is ambiguous")
    others = sorted(s.name for s in sources.values() if s.name != base.name and entity_columns(s, entity))
    if others:
        raise FieldError(
            f"'{name}' would join {base.name} to {', '.join(others)} on {entity}, which can hold many rows per "
            f"{entity}: the join would fan out and double-count {base.name}",
            f"Add a source with one row per {entity} and declare `primary_key:` on it.",
        )
    raise FieldError(
        f"no source holds one row per {entity}, so '{name}' cannot be joined",
        f"Add a source with `primary_key:` on a column marked `entity: {entity}`.",
    )
