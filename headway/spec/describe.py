"""A metric's definition in a few words, for tables, pages and SQL comments."""

from __future__ import annotations

from headway.spec.models import Metric


def describe(m: Metric) -> str:
    """The definition in a few words, e.g. `sum(mrr) over subscriptions, 28d window`."""
    if m.ratio is not None:
        return f"{m.ratio.numerator} / {m.ratio.denominator}"
    if m.formula is not None:
        return m.formula
    assert m.measure is not None
    agg = m.measure.agg.value + (f"(p={m.measure.p})" if m.measure.p else "")
    text = f"{agg}({m.measure.expr or '*'}) over {m.source}"
    if m.window:
        text += f", {m.window} window"
    if m.cumulative:
        text += ", cumulative" + (f" per {m.cumulative.reset.value}" if m.cumulative.reset else "")
    if m.snapshot:
        text += ", value at period end"
    if m.filter:
        text += f", where {m.filter}"
    return text
