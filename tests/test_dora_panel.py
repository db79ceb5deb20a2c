"""The DORA panel (`type: dora` in dashboards/*.yml) on the demo (seed 42, small) and on hand-made specs.

Expected values come from DuckDB SQL written here over the canonical delivery tables
(.headway/lake/delivery/*/data.parquet), and expected bands from DevLake's 2023 thresholds written
out below, never from Headway's own tier table. Spec errors are checked at their file and line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest
from fixtures import Server, build_workspace

from headway.analysis.tiers import tier_of
from headway.demo import generate
from headway.serve import create_app
from headway.spec.dora import DoraEdition, tier_table
from headway.spec.loader import check_workspace

HEADWAY = Path(sys.executable).parent / "headway"
MONTHS = ["2026-05-01", "2026-06-01", "2026-07-01", "2026-08-01", "2026-09-01", "2026-10-01"]
DORA_PANEL = 4  # the engineering dashboard's fifth panel
FILTERED = """\
dashboards:
  - id: dora_web
    title: "DORA · web-app only ünï"
    filters: {service: web-app}
    panels:
      - {type: dora, grain: month, periods: 6}
  - id: dora_nowhere
    title: DORA for a service that does not exist
    filters: {service: "no-such-service"}
    panels:
      - {type: dora, grain: month, periods: 3}
  - id: dora_restricted
    title: A key the web's viewer may not read
    panels:
      - {type: dora, grain: month, periods: 2, keys: {recovery: team_pulse}}
  - id: dora_before
    title: DORA reaching back before the data starts
    panels:
      - {type: dora, grain: month, periods: 8, edition: 2021}
"""


def devlake_2023(key: str, value: float | None) -> str:
    """DevLake's 2023 DORA thresholds, as its dashboard applies them (Headway notes, rule 9)."""
    if value is None:
        return "no data"
    if key == "deployment_frequency":  # median deployment days per week
        return "elite" if value >= 5 else "high" if value >= 1 else "medium" if value >= 0.2308 else "low"
    if key == "change_lead_time":  # hours
        return "elite" if value < 24 else "high" if value < 168 else "medium" if value < 720 else "low"
    if key == "change_fail_rate":
        return "elite" if value <= 0.05 else "high" if value <= 0.10 else "medium" if value <= 0.15 else "low"
    return "elite" if value < 1 else "high" if value < 24 else "medium" if value < 168 else "low"  # recovery hours


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = generate(tmp_path_factory.mktemp("dora") / "acme", seed=42, scale="small").path
    (root / "dashboards" / "dora_checks.yml").write_text(FILTERED, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def server(demo: Path) -> Iterator[Server]:
    with Server(create_app(demo, warm=False)) as running:
        yield running


def board(server: Server, board_id: str) -> dict[str, Any]:
    resp = httpx.get(f"{server.url}/api/v1/dashboards/{board_id}", timeout=120)
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    return body


def hand_values(root: Path, month: str, service: str | None = None) -> dict[str, float | None]:
    """The four keys of one month by hand: DuckDB over the canonical tables, in UTC."""
    lake = root / ".headway" / "lake" / "delivery"
    deployments, changes = str(lake / "deployments" / "data.parquet"), str(lake / "changes" / "data.parquet")
    start = dt.date.fromisoformat(month)
    end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    db = duckdb.connect()
    db.execute("SET TimeZone = 'UTC'")
    where_service = "AND service = $service" if service else ""
    params: dict[str, Any] = {"start": start, "end": end}
    if service:
        params["service"] = service
    # deployment days: per week starting (Monday) in the month, distinct UTC days with a successful
    # production deployment in that whole week (a week is never cut); then the median over those weeks
    days = db.execute(
        f"""
        WITH weeks AS (
          SELECT CAST(w AS DATE) AS w FROM generate_series(CAST($start AS TIMESTAMP), CAST($end AS TIMESTAMP)
            - INTERVAL 1 DAY, INTERVAL 1 DAY) AS t(w) WHERE dayofweek(w) = 1
        ), days AS (
          SELECT DISTINCT CAST(finished_at AT TIME ZONE 'UTC' AS DATE) AS d FROM read_parquet('{deployments}')
          WHERE is_production AND result = 'success' {where_service}
        )
        SELECT median(c) FROM (
          SELECT weeks.w, count(days.d) AS c FROM weeks LEFT JOIN days
            ON days.d >= weeks.w AND days.d < weeks.w + 7
          GROUP BY weeks.w)
        """,
        params,
    ).fetchone()
    window = "finished_at >= CAST($start AS TIMESTAMPTZ) AND finished_at < CAST($end AS TIMESTAMPTZ)"
    cfr = db.execute(
        f"""SELECT count(*) FILTER (WHERE failed) / nullif(count(*), 0) FROM read_parquet('{deployments}')
            WHERE is_production AND result IN ('success', 'failed') AND {window} {where_service}""",
        params,
    ).fetchone()
    recovery = db.execute(
        f"""SELECT median(recovery_hours) FROM read_parquet('{deployments}')
            WHERE is_production AND failed AND {window} {where_service}""",
        params,
    ).fetchone()
    lead = db.execute(
        f"""SELECT median(lead_time_hours) FROM read_parquet('{changes}')
            WHERE deployed_at >= CAST($start AS TIMESTAMPTZ) AND deployed_at < CAST($end AS TIMESTAMPTZ)
            {where_service}""",
        params,
    ).fetchone()
    db.close()
    assert days and cfr and recovery and lead
    return {
        "deployment_frequency": None if days[0] is None else float(days[0]),
        "change_lead_time": lead[0],
        "change_fail_rate": cfr[0],
        "recovery": recovery[0],
    }


def by_key(panel: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k["key"]: k for k in panel["keys"]}


def assert_matches(panel: dict[str, Any], root: Path, service: str | None = None) -> None:
    keys = by_key(panel)
    for month in MONTHS:
        expected = hand_values(root, month, service)
        for key, value in expected.items():
            (point,) = [s for s in keys[key]["series"] if s["period"] == month]
            if value is None:
                assert point["value"] is None, (key, month)
            else:
                assert point["value"] == pytest.approx(value, rel=1e-12), (key, month)
            assert point["band"] == devlake_2023(key, value), (key, month, value)


def test_the_engineering_dashboard_carries_the_four_keys_equal_to_hand_sql(server: Server, demo: Path) -> None:
    panel = board(server, "engineering")["panels"][DORA_PANEL]
    assert panel["type"] == "dora" and panel["edition"] == "2023 (DevLake thresholds)"
    assert panel["period"] == "2026-10-01"  # the data runs through 2026-10-31: October is complete
    keys = by_key(panel)
    assert [k["metric"] for k in panel["keys"]] == [
        "deployment_days", "change_lead_time", "change_fail_rate", "failed_deployment_recovery_time",
    ]  # fmt: skip
    assert [s["period"] for s in keys["change_fail_rate"]["series"]] == MONTHS
    assert_matches(panel, demo)
    latest = hand_values(demo, "2026-10-01")
    for key, value in latest.items():
        assert keys[key]["value"] == pytest.approx(value, rel=1e-12)
        assert keys[key]["band"] == devlake_2023(key, value)
    # the trend: against September, by each metric's declared direction (lower lead time is better)
    september = hand_values(demo, "2026-09-01")
    lead_better = latest["change_lead_time"] < september["change_lead_time"]  # type: ignore[operator]
    assert keys["change_lead_time"]["trend"] == ("better" if lead_better else "worse")
    assert keys["change_lead_time"]["previous"]["value"] == pytest.approx(september["change_lead_time"])


def test_a_service_filter_keeps_that_services_rows(server: Server, demo: Path) -> None:
    panel = board(server, "dora_web")["panels"][0]
    assert panel["not_filtered"] == []
    assert_matches(panel, demo, service="web-app")
    everyone = by_key(board(server, "engineering")["panels"][DORA_PANEL])
    assert by_key(panel)["change_fail_rate"]["n"] < everyone["change_fail_rate"]["n"]


def test_an_empty_period_says_no_data_rather_than_a_band(server: Server) -> None:
    nowhere = board(server, "dora_nowhere")["panels"][0]
    for key in nowhere["keys"]:  # nothing deployed, nothing failed: no data, not an elite 0% fail rate
        assert key["value"] is None and key["band"] == "no data" and key["reason"] == "no_data", key
        assert all(s["band"] == "no data" for s in key["series"])
    before = by_key(board(server, "dora_before")["panels"][0])
    first = before["change_fail_rate"]["series"][0]
    assert first["period"] < "2026-05-01" and first["value"] is None  # the small demo starts in May
    assert first["band"] == "no data"
    assert before["recovery"]["label"] == "Time to restore service"  # the 2021 report's name and metric
    assert before["recovery"]["metric"] == "time_to_restore_service"


def test_each_key_ends_at_its_own_last_complete_period(server: Server, demo: Path) -> None:
    """The last incident resolved before October ended, so October is not over for time to restore alone."""
    incidents = demo / ".headway" / "lake" / "delivery" / "incidents" / "data.parquet"
    db = duckdb.connect()
    db.execute("SET TimeZone = 'UTC'")
    found = db.execute(f"SELECT CAST(max(resolved_at) AT TIME ZONE 'UTC' AS DATE) FROM read_parquet('{incidents}')")
    (last_day,) = found.fetchone() or (None,)
    db.close()
    assert last_day is not None and last_day < dt.date(2026, 10, 31)
    month = last_day.replace(day=1)
    if (last_day + dt.timedelta(days=1)).month == last_day.month:  # the month is not over for this key
        month = (month - dt.timedelta(days=1)).replace(day=1)
    panel = board(server, "dora_before")["panels"][0]
    keys = by_key(panel)
    assert keys["recovery"]["period"] == month.isoformat() == "2026-09-01"
    assert keys["change_fail_rate"]["period"] == panel["period"] == "2026-10-01"


def test_a_key_the_viewer_may_not_read_says_restricted_and_shows_no_number(server: Server) -> None:
    panel = board(server, "dora_restricted")["panels"][0]
    assert panel["restricted"] == ["team_pulse"]
    recovery = by_key(panel)["recovery"]
    assert recovery["value"] is None and recovery["band"] == "no data" and recovery["reason"] == "refused"
    assert recovery["series"] == [] and not [r for r in panel["rows"] if r["key"] == "recovery"]
    assert by_key(panel)["change_fail_rate"]["value"] is not None  # the other keys are still drawn


def test_the_panel_downloads_as_csv_with_the_jsons_rows(server: Server) -> None:
    panel = board(server, "engineering")["panels"][DORA_PANEL]
    resp = httpx.get(f"{server.url}{panel['csv']}", timeout=60)
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    assert list(rows[0]) == ["key", "metric", "period", "value", "unit", "n", "band"]
    assert len(rows) == 4 * len(MONTHS)
    for row, want in zip(rows, panel["rows"], strict=True):
        assert row["band"] == want["band"] and float(row["value"]) == pytest.approx(want["value"])


def test_the_values_do_not_depend_on_the_machines_time_zone(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "dora.csv"
    env = {**os.environ, "TZ": "America/Los_Angeles"}
    args = [HEADWAY, "dashboard", "export", "engineering", "--panel", str(DORA_PANEL), "--out", str(out)]
    done = subprocess.run([*map(str, args), "-w", str(demo)], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    rows = {(r["key"], r["period"]): r for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))}
    for month in MONTHS:
        for key, value in hand_values(demo, month).items():
            row = rows[(key, month)]
            assert float(row["value"]) == pytest.approx(value, rel=1e-12), (key, month)
            assert row["band"] == devlake_2023(key, value)


@pytest.mark.parametrize(
    ("key", "value", "band"),
    [
        ("change_lead_time", 24.0, "high"),  # "elite: < 24 h": exactly a day is not elite
        ("change_lead_time", 23.999, "elite"),
        ("change_fail_rate", 0.05, "elite"),  # "elite: at most 5%"
        ("change_fail_rate", 0.15, "medium"),
        ("change_fail_rate", 0.1501, "low"),
        ("deployment_frequency", 5.0, "elite"),  # five deployment days a week is elite
        ("deployment_frequency", 1.0, "high"),
        ("recovery", 1.0, "high"),  # "elite: < 1 h"
        ("recovery", 168.0, "low"),
        ("recovery", None, "no data"),
    ],
)
def test_band_boundaries_follow_the_published_thresholds(key: str, value: float | None, band: str) -> None:
    tiers = tier_table(DoraEdition.DEVLAKE_2023)["measures"][key]["tiers"]
    assert tier_of(value, tiers) == band == devlake_2023(key, value)


# -- spec errors, at their file and line ---------------------------------------------------------


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    root = build_workspace(tmp_path / "tiny")  # no delivery library: none of the default key metrics exist
    (root / "dashboards").mkdir()
    return root


def problems(root: Path, text: str) -> list[tuple[int, str, str, str]]:
    (root / "dashboards" / "board.yml").write_text(text, encoding="utf-8")
    _, issues = check_workspace(root)
    return [(i.line, i.severity.value, i.message, i.hint) for i in issues if i.file == "dashboards/board.yml"]


def test_a_missing_key_is_an_error_at_the_panel_saying_what_to_write(tiny: Path) -> None:
    text = """\
dashboards:
  - id: delivery
    title: Delivery
    panels:
      - type: kpi
        metrics: [signups]
      - type: dora
        keys: {deployment_frequency: signups, change_lead_time: signups, change_fail_rate: signups}
"""
    (found,) = problems(tiny, text)
    line, severity, message, hint = found
    assert (line, severity) == (7, "error")
    default = "the default 'failed_deployment_recovery_time' is not defined"
    assert message == f"the DORA panel has no metric for 'recovery': {default}"
    assert "`keys: {recovery: your_metric_id}`" in hint and "include: [delivery]" in hint


@pytest.mark.parametrize(
    ("panel", "line", "words"),
    [
        ("{type: dora, keys: {lead: signups}}", 5, "change_lead_time"),  # the key names are a closed set
        ("{type: dora, metrics: [signups]}", 5, "under `keys:`"),
        ("{type: dora, by: service}", 5, "takes no `metrics`, `by` or `compare`"),
        ("{type: dora, from: 2026-03-01, to: 2026-01-01}", 5, "before from"),
        ("{type: dora, edition: 2019}", 5, "2021"),
        ("{type: kpi, metrics: [signups], edition: 2021}", 5, "type: dora"),
    ],
    ids=["unknown-key", "metrics-on-dora", "by-on-dora", "range-backwards", "unknown-edition", "edition-elsewhere"],
)
def test_shape_errors_point_at_the_panel(tiny: Path, panel: str, line: int, words: str) -> None:
    text = f"dashboards:\n  - id: d\n    title: D\n    panels:\n      - {panel}\n"
    found = problems(tiny, text)
    assert found and all(f[0] == line and f[1] == "error" for f in found), found
    assert any(words in f[2] + " " + f[3] for f in found), found


def test_an_unknown_key_metric_is_an_error_at_its_line_with_a_suggestion(tiny: Path) -> None:
    text = """\
dashboards:
  - id: d
    title: D
    panels:
      - type: dora
        keys:
          deployment_frequency: signups
          change_lead_time: signupz
          change_fail_rate: signups
          recovery: signups
"""
    (found,) = problems(tiny, text)
    assert found[:3] == (8, "error", "unknown metric 'signupz'") and "signups" in found[3]


def test_validate_on_the_demo_accepts_the_dora_panel(demo: Path) -> None:
    done = subprocess.run([str(HEADWAY), "validate", "-w", str(demo)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_panel_as_png_is_a_row_per_key_with_its_band(server: Server, demo: Path, tmp_path: Path) -> None:
    from headway.serve.dashboard_png import _figure

    panel = board(server, "engineering")["panels"][DORA_PANEL]
    (table,) = _figure(panel).data
    header, cells = list(table.header.values), [list(column) for column in table.cells.values]
    assert header == ["label", "metric", "period", "value", "n", "band", "trend"]
    assert cells[header.index("band")] == [k["band"] for k in panel["keys"]]
    assert cells[header.index("value")][0].endswith(" days/week")  # deployment days *per week*
    out = tmp_path / "dora.png"  # and through Kaleido and the installed Chromium
    args = [HEADWAY, "dashboard", "export", "engineering", "--panel", str(DORA_PANEL), "--out", out, "-w", demo]
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
