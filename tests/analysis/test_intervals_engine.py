"""Intervals end to end: the engine's statistics (`Query(stats=True)`) into `intervals_for`, DuckDB and Spark.

References come from the fixture's raw rows (tests/fixtures/__init__.py) through scipy and
statsmodels, never from Headway.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fixtures import build_workspace
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from headway.analysis.uncertainty import intervals_for
from headway.engine import Actor, Engine, Query
from headway.spec import load_workspace
from headway.spec.models import Grain

OWNER = Actor.owner()
ENGINES = [pytest.param("duckdb"), pytest.param("spark", marks=pytest.mark.spark)]
TOL = 1e-9


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_workspace(tmp_path_factory.mktemp("ci") / "tiny")


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest, ws: Path) -> Iterator[Engine]:
    session = request.getfixturevalue("spark") if request.param == "spark" else None
    runner = Engine(load_workspace(ws), request.param, spark_session=session)
    yield runner
    runner.close()


def rows_with_ci(engine: Engine, metric: str) -> list[dict[str, object]]:
    rows = engine.query(Query(metric, Grain.MONTH, stats=True), actor=OWNER).rows
    return intervals_for(rows, engine.workspace.metrics[metric])


def test_share_gets_wilson(engine: Engine) -> None:
    # trial_share: Jan 1 trial of 4 sign-ups, Feb 1 of 3, Mar 0 of 5
    got = [(r["ci_low"], r["ci_high"], r["status"]) for r in rows_with_ci(engine, "trial_share")]
    for (low, high, status), (k, n) in zip(got, [(1, 4), (1, 3), (0, 5)], strict=True):
        want = proportion_confint(k, n, method="wilson")
        assert status == "ok" and low == pytest.approx(want[0], abs=TOL) and high == pytest.approx(want[1], abs=TOL)


def test_average_gets_t(engine: Engine) -> None:
    # avg_duration: Jan 1.5, 3.0, 0.5; Feb 2, 4, 6, 1, 2.5; Mar 1, 3.5, 2
    months = [[1.5, 3.0, 0.5], [2, 4, 6, 1, 2.5], [1, 3.5, 2]]
    for row, values in zip(rows_with_ci(engine, "avg_duration"), months, strict=True):
        x = np.array(values, dtype=float)
        low, high = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
        assert row["status"] == "ok"
        assert (row["ci_low"], row["ci_high"]) == (pytest.approx(low, abs=TOL), pytest.approx(high, abs=TOL))


def test_a_total_is_fully_observed(engine: Engine) -> None:
    assert {r["status"] for r in rows_with_ci(engine, "new_mrr")} == {"fully_observed"}
