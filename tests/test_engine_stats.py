"""Sufficient statistics beside each value (`Query(stats=True)`), on DuckDB and Spark, against hand sums.

Every expected number is worked out from the fixture rows (tests/fixtures/__init__.py), by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fixtures import build_workspace

from headway.engine import Actor, Engine, Query
from headway.spec import load_workspace
from headway.spec.models import Grain

OWNER = Actor.owner()
ENGINES = [pytest.param("duckdb"), pytest.param("spark", marks=pytest.mark.spark)]


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_workspace(tmp_path_factory.mktemp("stats") / "tiny")


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest, ws: Path) -> Iterator[Engine]:
    name = request.param
    session = request.getfixturevalue("spark") if name == "spark" else None
    runner = Engine(load_workspace(ws), name, spark_session=session)
    yield runner
    runner.close()


def stats_of(engine: Engine, metric: str, *columns: str) -> list[tuple[Any, ...]]:
    rows = engine.query(Query(metric, Grain.MONTH, stats=True), actor=OWNER).rows
    return [tuple(row[c] for c in ("n", *columns)) for row in rows]


def test_sum_carries_its_moments(engine: Engine) -> None:
    # new_mrr = sum(mrr) where not is_trial: Jan 100, 20, 250; Feb 20, 150; Mar 20, 120, 100, 25, 300
    assert stats_of(engine, "new_mrr", "sum", "sum_sq") == [
        (3, 370, 100**2 + 20**2 + 250**2),
        (2, 170, 20**2 + 150**2),
        (5, 565, 20**2 + 120**2 + 100**2 + 25**2 + 300**2),
    ]


def test_average_carries_its_moments(engine: Engine) -> None:
    # avg_duration: Jan 1.5, 3.0, 0.5; Feb 2, 4, 6, 1, 2.5; Mar 1, 3.5, 2 (#10 has no duration)
    got = stats_of(engine, "avg_duration", "sum", "sum_sq")
    want = [(3, 5.0, 1.5**2 + 9 + 0.25), (5, 15.5, 4 + 16 + 36 + 1 + 6.25), (3, 6.5, 1 + 12.25 + 4)]
    assert [(n, pytest.approx(s), pytest.approx(q)) for n, s, q in want] == got


def test_ratio_of_counts_carries_cross_moments(engine: Engine) -> None:
    # trial_share = trials / signups; units are the month's subscriptions, x = is trial, y = 1:
    # Jan 4 rows (#3 trial), Feb 3 rows (#7 trial), Mar 5 rows (no trial)
    columns = ("units", "num_sum", "num_sum_sq", "den_sum", "den_sum_sq", "num_den_sum", "nested")
    assert stats_of(engine, "trial_share", *columns) == [
        (4, 4, 1, 1, 4, 4, 1, True),
        (3, 3, 1, 1, 3, 3, 1, True),
        (5, 5, 0, 0, 5, 5, 0, True),
    ]


def test_no_statistics_unless_asked(engine: Engine) -> None:
    row = engine.query(Query("new_mrr", Grain.MONTH), actor=OWNER).rows[0]
    assert "sum" not in row and "sum_sq" not in row


# -- --ci and ?ci=true: intervals computed from these statistics, against reference libraries ------------


def test_cli_ci_gives_a_t_interval_for_an_average(ws: Path) -> None:
    import json
    import subprocess
    import sys

    from scipy import stats as scipy_stats

    args = ["query", "avg_duration", "--grain", "month", "--ci", "--format", "json", "-w", str(ws)]
    done = subprocess.run(
        [str(Path(sys.executable).parent / "headway"), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    february = json.loads(done.stdout)["rows"][1]
    values = [2.0, 4.0, 6.0, 1.0, 2.5]  # Feb durations (fixtures)
    low, high = scipy_stats.t.interval(0.95, len(values) - 1, loc=3.1, scale=scipy_stats.sem(values))
    assert february["status"] == "ok"
    assert february["ci_low"] == pytest.approx(low, rel=1e-9) and february["ci_high"] == pytest.approx(high, rel=1e-9)


def test_api_ci_gives_a_wilson_interval_for_a_share(ws: Path) -> None:
    import httpx
    from fixtures import Server
    from statsmodels.stats.proportion import proportion_confint

    from headway.serve.app import create_app

    with Server(create_app(ws, warm=False)) as running:
        answer = httpx.get(f"{running.url}/api/v1/metrics/trial_share/query", params={"ci": "true"}, timeout=60)
    assert answer.status_code == 200, answer.text
    january = answer.json()["rows"][0]
    low, high = proportion_confint(1, 4, alpha=0.05, method="wilson")  # Jan: 1 trial of 4 signups
    assert (january["ci_low"], january["ci_high"]) == (pytest.approx(low, rel=1e-9), pytest.approx(high, rel=1e-9))


def test_cli_ci_level_gives_the_interval_at_that_level_and_refuses_a_bad_one(ws: Path) -> None:
    import json
    import subprocess
    import sys

    from scipy import stats as scipy_stats

    headway = str(Path(sys.executable).parent / "headway")
    args = ["query", "avg_duration", "--grain", "month", "--ci-level", "0.9", "--format", "json", "-w", str(ws)]
    done = subprocess.run([headway, *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    february = json.loads(done.stdout)["rows"][1]  # --ci-level implies --ci
    values = [2.0, 4.0, 6.0, 1.0, 2.5]
    low, high = scipy_stats.t.interval(0.9, len(values) - 1, loc=3.1, scale=scipy_stats.sem(values))
    assert february["ci_low"] == pytest.approx(low, rel=1e-9) and february["ci_high"] == pytest.approx(high, rel=1e-9)
    for bad in ("95", "0", "1", "nan", "-0.1"):
        refused = subprocess.run([headway, *args[:4], "--ci-level", bad, "-w", str(ws)], capture_output=True, text=True)
        assert refused.returncode == 2, (bad, refused.stderr)
        assert "--ci-level must be between 0 and 1" in refused.stderr and "Traceback" not in refused.stderr


def test_api_ci_level_gives_the_interval_at_that_level_and_refuses_a_bad_one(ws: Path) -> None:
    import httpx
    from fixtures import Server
    from statsmodels.stats.proportion import proportion_confint

    from headway.serve.app import create_app

    url = "/api/v1/metrics/trial_share/query"
    with Server(create_app(ws, warm=False)) as running:
        answer = httpx.get(f"{running.url}{url}", params={"ci_level": "0.9"}, timeout=60)
        refusals = [httpx.get(f"{running.url}{url}", params={"ci_level": bad}, timeout=60) for bad in ("1.5", "0", "x")]
    assert answer.status_code == 200, answer.text
    january = answer.json()["rows"][0]
    low, high = proportion_confint(1, 4, alpha=0.1, method="wilson")
    assert (january["ci_low"], january["ci_high"]) == (pytest.approx(low, rel=1e-9), pytest.approx(high, rel=1e-9))
    for refused in refusals:
        body = refused.json()
        assert refused.status_code == 422 and body["ok"] is False and body["errors"][0]["loc"][-1] == "ci_level"
