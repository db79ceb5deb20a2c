"""Baselines are captured when the quarter starts and stay frozen, even if nobody scores the quarter until late.

Issue 16, item 1: "baseline captured automatically at period start and frozen". The workspace is
the hand-computed one of test_okr_scoring.py: revenue's June 2026 (the month before 2026Q3) sums to
100 + 50 = 150 and delay averages (4 + 6) / 2 = 5. Then the data is revised: June's amounts ×10
(1500) and June's delays set to 9. A baseline captured on 2 July must stay 150 (and 5) when the
quarter is first scored on 25 August, after the revision; scored lazily instead, it would read 1500.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from fixtures import Server
from test_okr_scoring import ORDERS, TODAY, build, kr, report, write_orders

from headway.analysis import okr_freeze
from headway.analysis.okr import okr_report
from headway.analysis.okr_freeze import freeze_due
from headway.engine import Actor, Engine
from headway.serve import create_app
from headway.serve.okr_keeper import KeeperOptions
from headway.spec import load_workspace
from headway.store import StateStore, state_url

QUARTER_START = dt.date(2026, 7, 2)  # 2026Q3 has begun, June is complete in the data
# key results with a metric and no declared baseline: committed, stretch, seasonal (revenue), faster,
# flat_shape (delay), visits (no data before July: nothing to freeze); plus the guardrail on delay
FROZEN_BY_HAND = {
    ("kr:committed", "revenue", 150.0),
    ("kr:stretch", "revenue", 150.0),
    ("kr:seasonal", "revenue", 150.0),
    ("kr:faster", "delay", 5.0),
    ("kr:flat_shape", "delay", 5.0),
    ("guardrail:delay", "delay", 5.0),
}


def revise(root: Path) -> None:
    write_orders(root, [(d, a * 10, 9.0) if d.startswith("2026-06") else (d, a, x) for d, a, x in ORDERS])


def freeze(root: Path, store: StateStore, today: dt.date) -> int:
    engine = Engine(load_workspace(root))
    try:
        return freeze_due(engine, store, actor=Actor.owner(), today=today)
    finally:
        engine.close()


def stored(root: Path) -> set[tuple[str, str, float]]:
    with sqlite3.connect(root / ".headway" / "state.db") as con:
        rows = con.execute("select item, metric_id, value from okr_baselines where quarter = '2026Q3'").fetchall()
    return {(item, metric, value) for item, metric, value in rows}


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    return build(tmp_path / "ws")


def test_nothing_is_frozen_before_the_quarter_starts(workspace: Path) -> None:
    with StateStore.open(state_url(workspace)) as store:
        assert freeze(workspace, store, dt.date(2026, 6, 30)) == 0
    assert stored(workspace) == set()


def test_captured_at_quarter_start_and_kept_through_a_revision(workspace: Path) -> None:
    with StateStore.open(state_url(workspace)) as store:
        assert freeze(workspace, store, QUARTER_START) == len(FROZEN_BY_HAND)
        assert stored(workspace) == FROZEN_BY_HAND
        assert freeze(workspace, store, QUARTER_START + dt.timedelta(days=1)) == 0  # nothing new: no second capture
        revise(workspace)
        assert kr(report(workspace, None), "committed")["baseline"]["value"] == 1500  # the data really moved
        found = report(workspace, store, TODAY)  # the first score of the quarter, late, after the revision
    committed = kr(found, "committed")
    assert committed["baseline"]["value"] == 150 and committed["baseline"]["source"] == "frozen"
    assert committed["baseline"]["captured_at"] is not None
    assert committed["score"] == pytest.approx((180 - 150) / (250 - 150))
    assert kr(found, "faster")["baseline"]["value"] == 5
    (guard,) = found["objectives"][0]["guardrails"]
    assert guard["baseline"]["value"] == 5  # not (9 + 9) / 2
    assert kr(found, "visits")["reason"] == "no_baseline:no_data"  # nothing to capture: still says why


def test_without_a_capture_a_late_first_score_reads_the_revised_data(workspace: Path) -> None:
    """The case the keeper exists for: lazily frozen, the baseline would carry the revision."""
    revise(workspace)
    with StateStore.open(state_url(workspace)) as store:
        assert kr(report(workspace, store, TODAY), "committed")["baseline"]["value"] == 1500


def wait_for(check: Any, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_the_server_freezes_without_a_visitor(workspace: Path) -> None:
    options = KeeperOptions(delay=0, interval=0.2, clock=lambda: dt.datetime(2026, 7, 2, 6, tzinfo=dt.UTC))
    app = create_app(workspace, warm=False, okr_baselines=options)
    with Server(app) as server:
        wait_for(lambda: app.state.okr_keeper is not None and app.state.okr_keeper.passes >= 2)
        assert app.state.okr_keeper.frozen == len(FROZEN_BY_HAND)  # no request was made
        assert stored(workspace) == FROZEN_BY_HAND
        revise(workspace)
        body = httpx.get(f"{server.url}/api/v1/objectives", params={"period": "2026Q3"}, timeout=60).json()
    committed = next(k for k in body["objectives"][0]["key_results"] if k["id"] == "committed")
    assert (committed["baseline"]["value"], committed["baseline"]["source"]) == (150, "frozen")


def test_interval_zero_turns_the_keeper_off(workspace: Path) -> None:
    app = create_app(workspace, warm=False, okr_baselines=KeeperOptions(delay=0, interval=0))
    with Server(app):
        time.sleep(0.5)
        assert app.state.okr_keeper.passes == 0
    assert stored(workspace) == set()


def test_a_baseline_frozen_for_the_owner_does_not_reach_a_viewer(tmp_path: Path) -> None:
    root = build(tmp_path / "ws", "objectives:\n  - id: pay\n    period: 2026Q3\n    objective: Pay\n"
                 "    key_results: [{id: pay, metric: salaries, target: 100}]\n")  # fmt: skip
    restricted = (
        "  - id: salaries\n    kind: health\n    direction: decrease\n    source: orders\n"
        "    measure: {agg: sum, expr: amount}\n    grain: month\n    sensitivity: restricted\n"
    )
    metrics = root / "metrics" / "m.yml"
    metrics.write_text(metrics.read_text(encoding="utf-8") + restricted, encoding="utf-8")
    with StateStore.open(state_url(root)) as store:
        assert freeze(root, store, QUARTER_START) == 1  # the keeper runs as the owner: June's 150 is frozen
        engine = Engine(load_workspace(root))
        try:
            viewer = okr_report(engine, "2026Q3", actor=Actor.viewer(), store=store, today=TODAY)
        finally:
            engine.close()
    assert stored(root) == {("kr:pay", "salaries", 150.0)}
    pay = kr(viewer, "pay")
    assert pay["baseline"]["value"] is None and pay["baseline"]["reason"] == "forbidden"
    assert pay["reason"] == "forbidden" and pay["score"] is None


def test_an_objective_that_fails_does_not_stop_the_others(
    workspace: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    objectives = workspace / "objectives" / "q3.yml"
    extra = (
        "  - id: broken\n    period: 2026Q3\n    objective: Fails\n    key_results: [{metric: revenue, target: 9}]\n"
    )
    objectives.write_text(objectives.read_text(encoding="utf-8") + extra, encoding="utf-8")
    real = okr_freeze.okr_report

    def failing(engine: Engine, period: str, **kw: Any) -> dict[str, Any]:
        if "broken" in kw["spec"].objectives:
            raise RuntimeError("an unexpected failure")
        return real(engine, period, **kw)

    monkeypatch.setattr(okr_freeze, "okr_report", failing)
    with StateStore.open(state_url(workspace)) as store:
        assert freeze(workspace, store, QUARTER_START) == len(FROZEN_BY_HAND)  # grow's six; broken's one is not
    assert stored(workspace) == FROZEN_BY_HAND
    assert "could not capture the baselines of objective broken" in caplog.text
