"""`intervals_for`: the right interval per aggregate, min_sample, and 'no interval, because'."""

from __future__ import annotations

import pytest
from statsmodels.stats.proportion import proportion_confint

from headway.analysis.uncertainty import changes_for, intervals_for
from headway.spec.models import Metric


def metric(**fields: object) -> Metric:
    return Metric.model_validate({"id": "m", "kind": "kpi", **fields})


def test_ratio_rows_with_successes_get_wilson_and_min_sample() -> None:
    m = metric(ratio={"numerator": "a", "denominator": "b"}, min_sample=50)
    rows = [
        {"period": "2026-01-01", "value": 12 / 80, "n": 80, "sum": 12},
        {"period": "2026-02-01", "value": 3 / 20, "n": 20, "sum": 3},
        {"period": "2026-03-01", "value": None, "n": 0, "sum": 0},
    ]
    out = intervals_for(rows, m)
    low, high = proportion_confint(12, 80, method="wilson")
    assert out[0]["status"] == "ok" and out[0]["ci_low"] == pytest.approx(low, abs=1e-12)
    assert out[0]["ci_high"] == pytest.approx(high, abs=1e-12)
    no_interval = {"ci_low": None, "ci_high": None, "status": "insufficient_sample", "ci_method": "wilson"}
    assert out[1] == {**rows[1], **no_interval}
    assert out[2]["status"] == "no_data"


def test_totals_are_fully_observed_unless_sampled() -> None:
    m = metric(source="s", measure={"agg": "count"})
    rows = [{"period": "2026-01-01", "value": 7, "n": 7}]
    assert intervals_for(rows, m)[0]["status"] == "fully_observed"
    sampled = intervals_for(rows, m, sampled=True)[0]
    assert sampled["status"] == "ok" and sampled["ci_low"] == pytest.approx(2.8143630515198654, abs=1e-9)


def test_avg_without_statistics_says_so_and_min_max_are_not_estimable() -> None:
    rows = [{"period": "2026-01-01", "value": 3.5, "n": 4}]
    assert intervals_for(rows, metric(source="s", measure={"agg": "avg", "expr": "x"}))[0]["status"] == "no_statistics"
    assert intervals_for(rows, metric(source="s", measure={"agg": "max", "expr": "x"}))[0]["status"] == "not_estimable"


def test_median_uses_the_order_statistics_the_engine_returns() -> None:
    m = metric(source="s", measure={"agg": "median", "expr": "x"})
    row = {"period": "2026-01-01", "value": 5.0, "n": 30, "ci_low_value": 4.0, "ci_high_value": 6.5}
    out = intervals_for([row], m)[0]
    assert (out["ci_low"], out["ci_high"], out["status"]) == (4.0, 6.5, "ok")


def test_changes_for_tests_each_comparison() -> None:
    from statsmodels.stats.proportion import proportions_ztest

    m = metric(ratio={"numerator": "a", "denominator": "b"})
    rows = [
        {"period": "2026-02-01", "value": 60 / 110, "n": 110, "sum": 60, "compare_n": 100, "compare_sum": 30},
        {"period": "2026-03-01", "value": 31 / 100, "n": 100, "sum": 31, "compare_n": 100, "compare_sum": 30},
        {"period": "2026-04-01", "value": None, "n": 0, "sum": 0},
    ]
    out = changes_for(rows, m)
    reference = proportions_ztest([60, 30], [110, 100])[1]  # 54.5% vs 30.0%
    assert out[0]["p_value"] == pytest.approx(reference, abs=1e-12) and reference < 0.05
    assert out[0]["significant"] is True
    assert out[1]["p_value"] == pytest.approx(proportions_ztest([31, 30], [100, 100])[1], abs=1e-12)
    assert out[1]["significant"] is False and out[1]["change_test"] == "two_proportion_z"
    assert out[2]["p_value"] is None and out[2]["change_status"] == "no_data"


def test_changes_for_counts_are_exact_unless_sampled() -> None:
    m = metric(source="s", measure={"agg": "count"})
    row = {"period": "2026-02-01", "value": 30, "n": 30, "compare_value": 12}
    assert changes_for([row], m)[0]["change_status"] == "fully_observed"
    sampled = changes_for([row], m, sampled=True)[0]
    assert sampled["change_test"] == "poisson_exact" and sampled["significant"] is True
    assert sampled["p_value"] == pytest.approx(0.007915897334896727, abs=1e-12)  # scipy binomtest(30, 42, 0.5)


def test_engine_pair_columns_nested_is_wilson_else_delta() -> None:
    m = metric(ratio={"numerator": "a", "denominator": "b"})
    pair = {"num_sum": 12.0, "num_sum_sq": 12.0, "den_sum": 80.0, "den_sum_sq": 80.0, "num_den_sum": 12.0}
    nested = intervals_for([{"period": "p", "value": 0.15, "n": 80, "units": 80, **pair, "nested": True}], m)[0]
    low, high = proportion_confint(12, 80, method="wilson")
    assert (nested["ci_low"], nested["ci_high"]) == (pytest.approx(low, abs=1e-12), pytest.approx(high, abs=1e-12))
    crossed = intervals_for([{"period": "p", "value": 0.15, "n": 80, "units": 80, **pair, "nested": False}], m)[0]
    assert crossed["status"] == "ok" and crossed["ci_low"] != nested["ci_low"]  # the delta method instead
