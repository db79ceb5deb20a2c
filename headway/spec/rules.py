"""Validation rules over a whole workspace: each is a small function returning issues."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

from headway.spec.graph import available_dimensions, find_cycles, leaves, parts, time_column
from headway.spec.issues import Issue, Severity, choices_hint
from headway.spec.lookup_rules import check_lookups
from headway.spec.models import Agg, ColumnType, Metric, Source, Status
from headway.spec.reading_rules import check_source_reading
from headway.spec.source_rules import check_entity_types, check_source_paths
from headway.spec.typecheck import NUMERIC, TEMPORAL, infer_type, type_errors
from headway.spec.workspace import Origin, Workspace

Rule = Callable[[Workspace], list[Issue]]


def run_rules(workspace: Workspace) -> list[Issue]:
    issues: list[Issue] = []
    for rule in RULES:
        issues.extend(rule(workspace))
    return issues


def _measure_metrics(ws: Workspace) -> Iterator[tuple[Metric, Origin, Source]]:
    for metric in ws.metrics.values():
        if metric.source and metric.source in ws.sources and not metric.is_derived:
            yield metric, ws.origins[metric.id], ws.sources[metric.source]


# -- sources ----------------------------------------------------------------


def check_sources(ws: Workspace) -> list[Issue]:
    issues = []
    for name, source in ws.sources.items():
        origin = ws.source_origins[name]
        if source.time is not None:
            issues += _time_column_issue(origin, ("time",), source, source.time)
        if source.primary_key is not None and source.primary_key not in source.columns:
            issues.append(
                origin.issue(
                    ("primary_key",),
                    f"unknown column '{source.primary_key}'",
                    choices_hint(source.primary_key, source.columns, "a column"),
                )
            )
        for col_name, column in source.columns.items():
            if column.type is ColumnType.STRUCT and not column.fields:
                issues.append(
                    origin.issue(
                        ("columns", col_name),
                        f"struct column '{col_name}' declares no fields",
                        "List them: fields: {feature: string, duration_s: double}.",
                    )
                )
            if column.fields and column.type is not ColumnType.STRUCT:
                issues.append(
                    origin.issue(
                        ("columns", col_name, "fields"),
                        "`fields` is only for struct columns",
                        "Set `type: struct` or remove `fields`.",
                    )
                )
    return issues


def _time_column_issue(origin: Origin, at: tuple[str, ...], source: Source, name: str) -> list[Issue]:
    column = source.columns.get(name)
    if column is None:
        return [
            origin.issue(
                at,
                f"unknown time column '{name}' in source '{source.name}'",
                choices_hint(
                    name, [n for n, c in source.columns.items() if c.type in TEMPORAL], "a timestamp or date column"
                ),
            )
        ]
    if column.type not in TEMPORAL:
        return [
            origin.issue(
                at,
                f"time column '{name}' has type {column.type.value}",
                "A time column must be of type timestamp or date.",
            )
        ]
    return []


# -- metric shape -----------------------------------------------------------


def check_metric_shape(ws: Workspace) -> list[Issue]:
    issues = []
    for metric in ws.metrics.values():
        if not ws.origins[metric.id].salvaged:
            issues += _shape_issues(metric, ws.origins[metric.id])
    return issues


def _shape_issues(m: Metric, origin: Origin) -> list[Issue]:
    defined = [k for k, v in (("measure", m.measure), ("ratio", m.ratio), ("formula", m.formula)) if v is not None]
    if len(defined) != 1:
        what = "none of" if not defined else "more than one of"
        return [
            origin.issue(
                ("id",),
                f"metric '{m.id}' has {what} measure, ratio, formula",
                "Give exactly one: `source:` + `measure:`, `ratio:`, or `formula:`.",
            )
        ]
    issues: list[Issue] = []
    if m.measure is not None:
        if m.source is None:
            issues.append(origin.issue(("measure",), "a measure needs a `source:`", "Add source: <source name>."))
        agg = m.measure.agg
        if agg is Agg.PERCENTILE and m.measure.p is None:
            issues.append(
                origin.issue(
                    ("measure",), "a percentile needs `p`", "Write measure: {agg: percentile, expr: x, p: 0.9}."
                )
            )
        if agg is not Agg.PERCENTILE and m.measure.p is not None:
            issues.append(
                origin.issue(("measure", "p"), f"`p` only applies to percentile, not {agg.value}", "Remove `p`.")
            )
        if agg is not Agg.COUNT and m.measure.expr is None:
            issues.append(
                origin.issue(("measure",), f"{agg.value} needs an `expr`", "Name the column, e.g. expr: mrr.")
            )
    else:
        for key in ("source", "filter", "window", "cumulative", "snapshot", "time"):
            if getattr(m, key) is not None:
                issues.append(
                    origin.issue(
                        (key,),
                        f"`{key}` applies to measure metrics, not to a derived metric",
                        "Set it on the metrics this one is computed from.",
                    )
                )
    modifiers = [k for k in ("window", "cumulative", "snapshot") if getattr(m, k) is not None]
    if len(modifiers) > 1:
        issues.append(
            origin.issue(
                (modifiers[1],), f"`{modifiers[0]}` and `{modifiers[1]}` cannot be combined", "Keep one of them."
            )
        )
    return issues


# -- references -------------------------------------------------------------


def check_references(ws: Workspace) -> list[Issue]:
    issues = []
    ids = ws.metrics.keys()
    for m in ws.metrics.values():
        o = ws.origins[m.id]
        if m.source is not None and m.source not in ws.sources:
            issues.append(
                o.issue(("source",), f"unknown source '{m.source}'", choices_hint(m.source, ws.sources, "a source"))
            )
        if m.ratio is not None:
            for key in ("numerator", "denominator"):
                ref = getattr(m.ratio, key)
                if ref not in ids:
                    issues.append(
                        o.issue(("ratio", key), f"unknown metric '{ref}'", choices_hint(ref, ids, "a metric id"))
                    )
        if m.formula is not None:
            issues += _formula_issues(ws, m, o, ids)
        for i, link in enumerate(m.contributes_to):
            if link.metric not in ids:
                issues.append(
                    o.issue(
                        ("contributes_to", i),
                        f"unknown metric '{link.metric}'",
                        choices_hint(link.metric, ids, "a metric id"),
                    )
                )
            elif link.metric == m.id:
                issues.append(o.issue(("contributes_to", i), "a metric cannot contribute to itself"))
        for i, ref in enumerate(m.counter_metrics):
            if ref not in ids:
                issues.append(
                    o.issue(("counter_metrics", i), f"unknown metric '{ref}'", choices_hint(ref, ids, "a metric id"))
                )
        if m.replaced_by is not None and m.replaced_by not in ids:
            issues.append(
                o.issue(
                    ("replaced_by",),
                    f"unknown metric '{m.replaced_by}'",
                    choices_hint(m.replaced_by, ids, "a metric id"),
                )
            )
    star = ws.config.north_star
    if star is not None and star not in ids:
        issues.append(
            ws.config_origin.issue(("north_star",), f"unknown metric '{star}'", choices_hint(star, ids, "a metric id"))
        )
    return issues


_FORMULA_HINT = "A formula is computed from metric ids, e.g. (signups - churned) / signups."


def _formula_issues(ws: Workspace, m: Metric, o: Origin, ids: object) -> list[Issue]:
    assert m.formula is not None
    resolved = ws.resolved[m.id]
    parsed, error = resolved.formula, resolved.problem("formula")
    if error is not None or parsed is None:
        message, hint = (error.message, error.hint) if error else ("the formula cannot be read", "")
        return [o.issue(("formula",), message, hint, code="bad_expression")]
    if not parsed.fields:
        return [
            o.issue(("formula",), f"the formula '{m.formula}' uses no metric", _FORMULA_HINT, code="bad_expression")
        ]
    return [
        o.issue(("formula",), f"unknown metric '{ref}' in formula", choices_hint(ref, ids, "a metric id"))  # type: ignore[arg-type]
        for ref in parsed.fields
        if ref not in ids  # type: ignore[operator]
    ]


# -- columns used by measure metrics -----------------------------------------


def check_metric_fields(ws: Workspace) -> list[Issue]:
    issues = []
    for m, o, source in _measure_metrics(ws):
        issues += _expression_issues(ws, m, o, source)
        resolved = ws.resolved[m.id]
        for i, dim in enumerate(m.dimensions):
            error = resolved.problem(f"field:{dim}")
            if error is not None:
                issues.append(o.issue(("dimensions", i), error.message, error.hint, code="unknown_dimension"))
        if m.time is not None:
            issues += _time_column_issue(o, ("time",), source, m.time)
        if m.snapshot is not None and m.snapshot.valid_to is not None:
            issues += _time_column_issue(o, ("snapshot", "valid_to"), source, m.snapshot.valid_to)
        needs_time = m.window is not None or m.cumulative is not None or m.snapshot is not None
        if needs_time and time_column(m, source) is None:
            issues.append(
                o.issue(
                    ("source",),
                    f"source '{source.name}' has no time column, "
                    "so this metric cannot be windowed, cumulative or a snapshot",
                    f"Declare `time:` on source '{source.name}' or on the metric.",
                )
            )
    return issues


def _expression_issues(ws: Workspace, m: Metric, o: Origin, source: Source) -> list[Issue]:
    """Parse, column and type problems of the filter and the measure, read from the resolved spec."""
    issues = []
    resolved = ws.resolved[m.id]
    checks = [("filter", m.filter, resolved.filter)]
    if m.measure is not None and m.measure.expr is not None:
        checks.append(("measure", m.measure.expr, resolved.measure))
    for key, text, parsed in checks:
        at = (key,) if key == "filter" else ("measure", "expr")
        if text is None:
            continue
        error = resolved.problem(key)
        if error is not None or parsed is None:
            message, hint = (error.message, error.hint) if error else ("the expression cannot be read", "")
            issues.append(o.issue(at, message, hint, code="bad_expression"))
            continue
        types: dict[str, ColumnType] = {}
        for name in parsed.fields:
            ref = resolved.fields.get(name)
            if ref is None:
                error = resolved.problem(f"field:{name}")
                hint = _quote_hint(text, name) or (error.hint if error else "")
                message = error.message if error else f"unknown column '{name}'"
                issues.append(o.issue(at, message, hint, code="unknown_column"))
                continue
            types[name] = ref.type
        typed = len(types) == len(parsed.fields)
        kind = infer_type(parsed.tree, types.get) if typed else None
        if key == "measure" and _needs_number(m) and kind is not None and kind not in NUMERIC:
            assert m.measure is not None
            issues.append(
                o.issue(
                    at,
                    f"{m.measure.agg.value} needs a number but '{text}' is {kind.value}",
                    "Use count or count_distinct for non-numeric columns.",
                )
            )
        for message, hint in type_errors(parsed.tree, types.get, condition=key == "filter") if typed else []:
            issues.append(o.issue(at, message, hint, code="type_mismatch"))
    return issues


def _quote_hint(text: str, name: str) -> str:
    """`plan = "pro"` reads "pro" as a column: say so, since that is what the writer meant."""
    if f'"{name}"' in text:
        return f"Double quotes name a column; write text in single quotes: '{name}'."
    return ""


def _needs_number(m: Metric) -> bool:
    # min and max too: a metric's value is a number, and its change from the previous period is a difference
    numeric = {Agg.SUM, Agg.AVG, Agg.MEDIAN, Agg.PERCENTILE, Agg.MIN, Agg.MAX}
    return m.measure is not None and m.measure.agg in numeric


# -- derived metrics --------------------------------------------------------


def check_cycles(ws: Workspace) -> list[Issue]:
    issues = []
    for cycle in find_cycles(ws.metrics):
        first = cycle[0]
        loop = " -> ".join([*cycle, first])
        issues.append(
            ws.origins[first].issue(
                ("id",),
                f"derived metrics form a cycle: {loop}",
                "A metric cannot be computed from itself; break the loop.",
                code="cycle",
            )
        )
    return issues


def check_time_alignment(ws: Workspace) -> list[Issue]:
    issues = []
    cyclic = {mid for cycle in find_cycles(ws.metrics) for mid in cycle}
    for m in ws.metrics.values():
        if not m.is_derived or m.id in cyclic or any(p not in ws.metrics for p in parts(m)):
            continue
        for leaf in leaves(ws.metrics, m.id):
            part = ws.metrics[leaf]
            source = ws.sources.get(part.source or "")
            if source is not None and time_column(part, source) is None:
                key = "ratio" if m.ratio is not None else "formula"
                issues.append(
                    ws.origins[m.id].issue(
                        (key,),
                        f"part '{leaf}' cannot be aligned in time: its source '{source.name}' has no time column",
                        f"Declare `time:` on source '{source.name}' (or on metric '{leaf}') "
                        "so each period can be matched.",
                        code="unaligned",
                    )
                )
    return issues


def check_derived_dimensions(ws: Workspace) -> list[Issue]:
    issues = []
    cyclic = {mid for cycle in find_cycles(ws.metrics) for mid in cycle}
    for m in ws.metrics.values():
        if not m.is_derived or m.id in cyclic or any(p not in ws.metrics for p in parts(m)):
            continue
        for i, dim in enumerate(m.dimensions):
            missing = [leaf for leaf in leaves(ws.metrics, m.id) if dim not in available_dimensions(ws.metrics, leaf)]
            if missing:
                issues.append(
                    ws.origins[m.id].issue(
                        ("dimensions", i),
                        f"dimension '{dim}' is not declared by {', '.join(missing)}",
                        "A derived metric can only be sliced by dimensions every part declares.",
                        code="unknown_dimension",
                    )
                )
    return issues


def check_lifecycle(ws: Workspace) -> list[Issue]:
    issues = []
    for m in ws.metrics.values():
        o = ws.origins[m.id]
        if m.replaced_by is not None and m.status not in (Status.DEPRECATED, Status.RETIRED):
            issues.append(
                o.issue(
                    ("replaced_by",),
                    "`replaced_by` is set on a metric that is not deprecated or retired",
                    "Set status: deprecated, or remove replaced_by.",
                )
            )
        for ref in parts(m):
            part = ws.metrics.get(ref)
            if part is not None and part.status is Status.RETIRED and m.status is not Status.RETIRED:
                issues.append(
                    o.issue(
                        (("ratio" if m.ratio else "formula"),),
                        f"it is computed from retired metric '{ref}'",
                        f"Use {part.replaced_by} instead." if part.replaced_by else "Replace that part.",
                    )
                )
            elif part is not None and part.status is Status.DEPRECATED and m.status is Status.ACTIVE:
                warning = o.issue(
                    (("ratio" if m.ratio else "formula"),),
                    f"it is computed from deprecated metric '{ref}'",
                    f"Use {part.replaced_by} instead." if part.replaced_by else "Plan its replacement.",
                    code="deprecated_part",
                )
                issues.append(replace(warning, severity=Severity.WARNING))
    return issues


RULES: list[Rule] = [
    check_sources,
    check_source_paths,
    check_entity_types,
    check_lookups,
    check_metric_shape,
    check_references,
    check_metric_fields,
    check_cycles,
    check_time_alignment,
    check_derived_dimensions,
    check_lifecycle,
    check_source_reading,
]
