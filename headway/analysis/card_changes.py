"""Is this change real? The test behind a card's period-over-period and year-over-year change.

A card shows a change as significant only when the test that fits the metric says so:
Welch's t for an average, a two-proportion z-test for a share, a delta-method z-test for a
ratio (`changes.py`). A count or a sum is a total of everything that happened: it changed
exactly as shown, so it gets no test and says so (`fully_observed`) rather than a p-value.
"""

from __future__ import annotations

from typing import Any

from headway.analysis import changes
from headway.analysis.uncertainty import changes_for
from headway.spec.models import Agg, Metric

TOTALS = {Agg.COUNT, Agg.COUNT_DISTINCT, Agg.SUM}  # everything that happened: no sampling error
WORDS = {
    "ok": "",
    "fully_observed": "a complete total: the change is exact, no test needed",
    "insufficient_sample": "too few values to test",
    "no_statistics": "no test for this kind of metric",
    "no_data": "no value to compare",
    "not_estimable": "no test for this kind of metric",
    "zero_denominator": "nothing to divide by",
}


def wants_stats(metric: Metric) -> bool:
    """Whether the card's queries should carry sufficient statistics (only where a test uses them)."""
    return metric.ratio is not None or (metric.measure is not None and metric.measure.agg is Agg.AVG)


def tested(row: dict[str, Any], metric: Metric, alpha: float = changes.ALPHA) -> dict[str, Any]:
    """`test`, `p_value`, `significant`, `test_status` and `verdict` words for one compared row."""
    if row.get("value") is None or row.get("compare_value") is None:  # nothing to compare with
        return {
            "test": "none",
            "p_value": None,
            "significant": False,
            "test_status": "no_data",
            "verdict": WORDS["no_data"],
        }
    if metric.ratio is None and metric.measure is not None and metric.measure.agg in TOTALS:
        status = "fully_observed"
        return {"test": "none", "p_value": None, "significant": False, "test_status": status, "verdict": WORDS[status]}
    found = changes_for([row], metric, alpha=alpha)[0]
    status = found["change_status"]
    p = found["p_value"]
    if status == "ok" and p is not None:
        words = f"{'significant' if found['significant'] else 'within noise'} (p {_p(p)}, {found['change_test']})"
    else:
        words = WORDS.get(status, status)
    return {
        "test": found["change_test"],
        "p_value": p,
        "significant": found["significant"],
        "test_status": status,
        "verdict": words,
    }


def _p(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"
