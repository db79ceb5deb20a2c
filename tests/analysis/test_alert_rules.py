"""Baselines and decisions on hand-made series: every expected band is worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from headway.analysis.alerts import baselines
from headway.analysis.alerts.evaluate import State, decide
from headway.spec.alerts import AlertRule
from headway.spec.models import Grain, Metric


def rule(**fields: object) -> AlertRule:
    return AlertRule.model_validate({"id": "r", "metric": "m", **fields})


def metric(**fields: object) -> Metric:
    return Metric.model_validate(
        {"id": "m", "kind": "kpi", "source": "s", "measure": {"agg": "sum", "expr": "x"}, **fields}
    )


def rows(values: list[float | None], n: int | list[int] = 100) -> list[dict[str, object]]:
    counts = n if isinstance(n, list) else [n] * len(values)
    return [
        {"period": f"2026-01-{i + 1:02d}", "value": v, "n": c}
        for i, (v, c) in enumerate(zip(values, counts, strict=True))
    ]


def test_rolling_is_median_and_mad_of_the_points_before() -> None:
    x = np.array([10, 12, 11, 13, 9, 50, 11], dtype=float)
    bands = baselines.rolling(x, window=5, k=2)
    # before t=5: [10,12,11,13,9] median 11, |dev| [1,1,0,2,2] median 1 -> sigma 1.4826
    assert bands.expected[5] == 11 and bands.high[5] == pytest.approx(11 + 2 * 1.4826)
    # before t=6: [12,11,13,9,50] median 12, |dev| [0,1,1,3,38] median 1: the spike does not widen the band
    assert bands.expected[6] == 12 and bands.low[6] == pytest.approx(12 - 2 * 1.4826)
    assert np.isnan(bands.expected[:5]).all()  # fewer than five points: no band yet


def test_seasonal_follows_the_weekday_and_says_when_it_falls_back() -> None:
    week = [100, 100, 100, 100, 100, 40, 40]  # weekends are low
    x = np.array(week * 6, dtype=float)
    bands = baselines.seasonal(x, season=7, window=28, k=3)
    # a Saturday (index 40) is expected at 40, a Monday (index 35) at 100: level 100 + weekday offset
    assert bands.expected[40] == pytest.approx(40) and bands.expected[35] == pytest.approx(100)
    # before three full seasons (21 points), and until their residuals give a sigma, rolling stands in
    assert bands.fallback is not None and bands.fallback[5:21].all() and not bands.fallback[30:].any()
    assert "3 full seasons" in bands.note
    rolling = baselines.rolling(x, 28, 3)
    assert rolling.expected[40] == 100  # a rolling median would call every Saturday an anomaly


def test_static_band_from_the_target_and_tolerance() -> None:
    m = metric(target={"value": 100, "tolerance": 10}, direction="increase")
    found = decide(rule(baseline="static"), m, rows([95, 111, 89]), Grain.DAY)
    assert [(p.low, p.high, p.breach) for p in found.points] == [(90, 110, None), (90, 110, None), (90, 110, "down")]
    # direction increase: 111 is above the band but on the good side, so no alert


def test_direction_floors_and_volume() -> None:
    values = [100.0] * 10 + [80.0, 130.0, 97.0, 60.0]
    both = decide(rule(window=5, watch="both"), metric(), rows(values), Grain.DAY)
    assert [p.breach for p in both.points[10:]] == ["down", "up", "down", "down"]
    floors = decide(rule(window=5, watch="both", min_abs_change=5), metric(), rows(values), Grain.DAY)
    assert [p.breach for p in floors.points[10:]] == ["down", "up", None, "down"]  # 97 is only 3 away
    relative = decide(rule(window=5, watch="both", min_rel_change=0.25), metric(), rows(values), Grain.DAY)
    assert [p.breach for p in relative.points[10:]] == [None, "up", None, "down"]
    quiet = decide(
        rule(window=5, min_volume=50), metric(direction="increase"), rows(values, [100] * 13 + [10]), Grain.DAY
    )
    assert quiet.points[13].breach is None and quiet.points[13].skip == "low_volume"


def test_k_of_n_trigger_and_recovery_window() -> None:
    values = [100.0] * 10 + [50.0, 100.0, 50.0, 100.0, 100.0, 50.0, 100.0, 100.0, 100.0]
    found = decide(rule(window=5, trigger={"points": 2, "of": 3}, recover=2), metric(), rows(values), Grain.DAY)
    assert [s.value for s in found.states[10:]] == [
        "pending",  # 1 of 3
        "normal",
        "firing",  # 2 of the last 3
        "firing",  # 1 calm point
        "normal",  # 2 calm points: recovered
        "pending",
        "normal",
        "normal",
        "normal",
    ]
    assert [p.period for p in found.fired] == ["2026-01-13"]
    assert found.states[-1] is State.NORMAL


def test_bands_are_clamped_to_physical_bounds() -> None:
    share = metric(unit="share", measure={"agg": "avg", "expr": "x"})
    values = [0.02, 0.0, 0.05, 0.01, 0.03, 0.0, 0.04]
    found = decide(rule(window=5, k=5, watch="both"), share, rows(values), Grain.DAY)
    assert found.points[6].low == 0.0  # 0.02 - 5 x 1.4826 x 0.01 would be negative
    bounded = decide(rule(window=5, k=50, bounds={"max": 0.5}, watch="both"), share, rows(values), Grain.DAY)
    assert bounded.points[6].high == 0.5


def test_no_data_points_hold_the_state() -> None:
    values: list[float | None] = [100.0] * 8 + [10.0, None, None]
    found = decide(rule(window=5), metric(direction="increase"), rows(values), Grain.DAY)
    assert [s.value for s in found.states[8:]] == ["firing", "firing", "firing"]
    assert found.points[9].skip == "no_data"


def test_smoothing_tracks_a_seasonal_series_and_flags_a_spike() -> None:
    rng = np.random.default_rng(3)
    t = np.arange(200)
    x = 100 + 0.1 * t + 10 * (t % 7 >= 5) + rng.normal(0, 1, 200)
    x[150] += 15
    bands = baselines.smoothing(x, season=7, level=0.99)
    outside = np.where((x < bands.low) | (x > bands.high))[0]
    assert 150 in outside and len(outside) <= 6  # a 99% band over 140 points: ~1.4 false points expected
    assert np.isnan(bands.expected[:60]).all()  # trained on at least 60 points first


def test_smoothing_forecasts_are_statsmodels_own_one_step_predictions() -> None:
    """The fast path (parameters only, one raw forward pass, BLAS on one thread) gives statsmodels' numbers."""
    import warnings

    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    rng = np.random.default_rng(11)
    t = np.arange(300)
    x = 500 + 0.3 * t + 40 * (t % 7 >= 5) + rng.normal(0, 5, 300)
    bands = baselines.smoothing(x, season=7, level=0.99, refit=182, train=365)
    options = {"error": "add", "trend": "add", "seasonal": "add", "seasonal_periods": 7}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = ETSModel(x[:60], **options).fit(disp=False, maxiter=200)
        run = ETSModel(x[:242], **options).smooth(fit.params)  # the first block: points 60-241
    assert bands.expected[60:242] == pytest.approx(np.asarray(run.fittedvalues)[60:], rel=1e-9)
    resid = np.asarray(fit.resid)
    sigma = 1.4826 * np.median(np.abs(resid - np.median(resid))) * np.sqrt(60 / (60 - len(fit.params)))
    half = 2.5758293035489004 * sigma  # z for a 99% two-sided interval
    assert (bands.high - bands.expected)[60:242] == pytest.approx(np.full(182, half), rel=1e-9)
