"""Rules for a source's `lookups:`: each name reads a column one entity away, and says where if not.

A lookup (`person_id: person.person_id`) lets metrics write `person_id` for a column that lives on
a related source. It is resolved with the same entity join as `person.person_id` itself, so its
problems are that join's problems (no such entity, a source that is not one row per entity), plus
a name that is already a column.
"""

from __future__ import annotations

from headway.errors import SpecProblem
from headway.spec.fields import lookup
from headway.spec.issues import Issue
from headway.spec.workspace import Workspace


def check_lookups(ws: Workspace) -> list[Issue]:
    issues: list[Issue] = []
    for name, source in ws.sources.items():
        origin = ws.source_origins[name]
        for lookup_name in source.lookups:
            at = ("lookups", lookup_name)
            if lookup_name in source.columns:
                issues.append(
                    origin.issue(
                        at,
                        f"lookup '{lookup_name}' has the name of a column of source '{name}'",
                        "Rename the lookup: metrics could not tell the two apart.",
                    )
                )
                continue
            try:
                lookup(ws.sources, source, lookup_name)
            except SpecProblem as problem:
                issues.append(origin.issue(at, problem.message, problem.hint))
    return issues
