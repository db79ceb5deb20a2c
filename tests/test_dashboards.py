"""Dashboards on the demo (seed 42, scale small): panel values against hand-written DuckDB SQL,
the CSV export, the offline HTML file, restricted panels and the CLI.

Expected numbers come from SQL written here over the Parquet files, never from Headway.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest
from fixtures import Server

from headway.demo import generate
from headway.serve import create_app

HEADWAY = Path(sys.executable).parent / "headway"
BOARD = """\
dashboards:
  - id: checks
    title: "Contrôle des chiffres </script><script>alert(1)</script> ünï"
    owner: josé@acme.example
    filters:
      account.plan: pro
    panels:
      - type: table
        metrics: [csat]
        grain: month
        by: account.segment
        from: 2026-03-01
        to: 2026-08-31
      - type: line
        metrics: [incidents]
        grain: month
        by: service
        from: 2026-01-01
        to: 2026-06-30
      - type: kpi
        metrics: [csat, team_pulse]
        grain: month
        from: 2026-03-01
        to: 2026-08-31
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = generate(tmp_path_factory.mktemp("dashboards") / "acme", seed=42, scale="small").path
    (root / "dashboards" / "checks.yml").write_text(BOARD, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def server(demo: Path) -> Iterator[Server]:
    with Server(create_app(demo, warm=False)) as running:
        yield running


@pytest.fixture(scope="module")
def view(server: Server) -> dict[str, Any]:
    resp = httpx.get(f"{server.url}/api/v1/dashboards/checks", timeout=120)
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    return body


@pytest.fixture(scope="module")
def con(demo: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    connection.execute("set TimeZone = 'UTC'")
    paths = {name: f"data/{name}.parquet" for name in ("surveys", "accounts")}
    paths["incidents"] = ".headway/lake/delivery/incidents/data.parquet"  # the demo's incidents arrive as webhooks
    for name, path in paths.items():
        connection.execute(f"create view {name} as select * from read_parquet('{demo}/{path}')")
    yield connection
    connection.close()


def csat_pro(con: duckdb.DuckDBPyConnection, by_segment: bool) -> dict[tuple[str, ...], tuple[float, int]]:
    segment = ", a.segment" if by_segment else ""
    rows = con.execute(
        f"select strftime(date_trunc('month', s.responded_at), '%Y-%m-%d') {segment}, avg(s.score), count(s.score) "
        "from surveys s join accounts a on a.account_id = s.account_id "
        "where s.survey = 'csat' and a.plan = 'pro' "
        "and s.responded_at >= timestamp '2026-02-01' and s.responded_at < timestamp '2026-09-01' "
        f"group by all"
    ).fetchall()
    return {tuple(r[:-2]): (r[-2], r[-1]) for r in rows}


def test_the_demo_ships_dashboards_that_validate(server: Server) -> None:
    listed = httpx.get(f"{server.url}/api/v1/dashboards", timeout=30).json()["dashboards"]
    assert {"exec", "engineering", "product_pro", "checks"} <= {d["id"] for d in listed}
    done = subprocess.run([HEADWAY, "validate", "-w", str(server_root(server))], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def server_root(server: Server) -> Path:
    return Path(server.app.state.headway.workspace.root)


def test_a_filtered_breakdown_equals_hand_sql(view: dict[str, Any], con: duckdb.DuckDBPyConnection) -> None:
    panel = view["panels"][0]
    hand = csat_pro(con, by_segment=True)
    got = {(r["period"], r["account.segment"]): (r["value"], r["n"]) for r in panel["rows"]}
    assert {p for p, _ in got} == {f"2026-{m:02d}-01" for m in range(3, 9)}  # every month of the range
    assert {k for k, v in got.items() if v[0] is not None} == {k for k in hand if k[0] >= "2026-03-01"}
    for key, (value, n) in hand.items():
        if key[0] >= "2026-03-01":
            assert got[key][0] == pytest.approx(value, rel=1e-12) and got[key][1] == n
    assert panel["not_filtered"] == [] and panel["restricted"] == []


def test_a_metric_without_the_filter_dimension_is_shown_whole_and_said_so(
    view: dict[str, Any], con: duckdb.DuckDBPyConnection
) -> None:
    panel = view["panels"][1]
    assert panel["not_filtered"] == ["incidents"]
    hand = {
        (r[0], r[1]): r[2]
        for r in con.execute(
            "select strftime(date_trunc('month', opened_at), '%Y-%m-%d'), service, count(*) from incidents "
            "where opened_at >= timestamp '2026-01-01' and opened_at < timestamp '2026-07-01' group by all"
        ).fetchall()
    }
    (first,) = con.execute("select strftime(date_trunc('month', min(opened_at)), '%Y-%m-%d') from incidents").fetchone()
    got = {(r["period"], r["service"]): r["value"] for r in panel["rows"]}
    assert {k[1] for k in got} == {k[1] for k in hand}
    assert {k[0] for k in got} == {f"2026-{m:02d}-01" for m in range(1, 7)}
    for key, value in got.items():
        # an empty month for a service is a true 0; a month before the source's first row is null (not measured)
        assert value == (None if key[0] < first else hand.get(key, 0)), key
    assert any(v is not None for v in got.values())


def test_kpi_card_is_the_last_complete_month_with_its_change(
    view: dict[str, Any], con: duckdb.DuckDBPyConnection
) -> None:
    panel = view["panels"][2]
    hand = csat_pro(con, by_segment=False)
    (card,) = panel["cards"]  # team_pulse is restricted to a web visitor: no card, a notice instead
    assert panel["restricted"] == ["team_pulse"]
    august, july = hand[("2026-08-01",)], hand[("2026-07-01",)]
    assert (card["metric"], card["period"], card["n"]) == ("csat", "2026-08-01", august[1])
    assert card["value"] == pytest.approx(august[0], rel=1e-12)
    assert card["compare_value"] == pytest.approx(july[0], rel=1e-12)
    assert card["change_pct"] == pytest.approx((august[0] - july[0]) / abs(july[0]), rel=1e-9)


def test_csv_export_holds_the_panels_rows(server: Server, view: dict[str, Any]) -> None:
    resp = httpx.get(f"{server.url}/api/v1/dashboards/checks/panels/0.csv", timeout=60)
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/csv")
    assert 'filename="checks-panel-0.csv"' in resp.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    panel = view["panels"][0]
    assert (
        list(rows[0]) == panel["columns"] == ["metric", "period", "account.segment", "value", "n", "complete", "reason"]
    )
    assert len(rows) == len(panel["rows"])
    for written, row in zip(rows, panel["rows"], strict=True):
        assert written["period"] == row["period"] and written["account.segment"] == row["account.segment"]
        assert written["value"] == ("" if row["value"] is None else repr(row["value"]))
        assert written["complete"] == str(row["complete"]).lower()


def test_errors_are_one_json_shape_and_pages_say_not_found(server: Server) -> None:
    for path, code in (
        ("/api/v1/dashboards/chekcs", "unknown_dashboard"),
        ("/api/v1/dashboards/checks/panels/7.csv", "unknown_panel"),
    ):
        resp = httpx.get(server.url + path, timeout=30)
        body = resp.json()
        assert (resp.status_code, body["ok"], body["code"]) == (404, False, code)
    assert "Did you mean 'checks'?" in httpx.get(f"{server.url}/api/v1/dashboards/chekcs").json()["hint"]
    assert httpx.get(f"{server.url}/api/v1/dashboards/x%27%3B--").status_code == 422
    page = httpx.get(f"{server.url}/dashboards/nope", timeout=30)
    assert page.status_code == 404 and "No dashboard 'nope'" in page.text


def embedded(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="dashboard-data">(.*?)</script>', html, re.S)
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def test_the_static_html_is_offline_and_holds_the_data(server: Server, view: dict[str, Any]) -> None:
    resp = httpx.get(f"{server.url}/dashboards/checks/export.html", timeout=120)
    assert resp.status_code == 200 and 'filename="checks.html"' in resp.headers["content-disposition"]
    html = resp.text
    assert re.findall(r"<script\b[^>]*>", html) == [
        '<script type="application/json" id="dashboard-data">',
        "<script>",
        "<script>",
        "<script>",
    ]  # the hostile title could not open or close a script element
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=", html, re.I)
    assert "@import" not in html and "url(http" not in html
    data = embedded(html)
    assert data["title"] == view["title"] and "ünï" in data["title"]
    assert [p["rows"] for p in data["panels"]] == [p["rows"] for p in view["panels"]]
    assert "Plotly" in html and "window.headway" in html  # the chart library and page script are inside


def test_cli_export_as_viewer_matches_the_server(demo: Path, view: dict[str, Any], tmp_path: Path) -> None:
    env = {**os.environ, "TZ": "America/Los_Angeles"}  # the machine's zone must not move any number
    out = tmp_path / "checks.html"
    done = subprocess.run(
        [HEADWAY, "dashboard", "export", "checks", "--out", str(out), "--as", "viewer", "-w", str(demo)],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = embedded(out.read_text(encoding="utf-8"))
    assert [p["rows"] for p in data["panels"]] == [p["rows"] for p in view["panels"]]
    assert data["panels"][2]["restricted"] == ["team_pulse"]
    done = subprocess.run(
        [HEADWAY, "dashboard", "export", "checks", "--panel", "2", "--out", str(tmp_path / "p.csv"), "-w", str(demo)],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    owner_rows = list(csv.DictReader(io.StringIO((tmp_path / "p.csv").read_text(encoding="utf-8"))))
    assert {r["metric"] for r in owner_rows} == {"csat", "team_pulse"}  # the owner may read team pulse


def test_cli_refusals_have_exit_codes(demo: Path, tmp_path: Path) -> None:
    cases = [
        (["dashboard", "export", "chekcs", "--out", str(tmp_path / "x.html")], 1, "Did you mean 'checks'?"),
        (["dashboard", "export", "checks", "--out", str(tmp_path / "no" / "x.html")], 3, "cannot write"),
        (["dashboard", "export", "checks", "--panel", "-1", "--out", str(tmp_path / "x.csv")], 2, "panel"),
    ]
    for args, code, words in cases:
        done = subprocess.run([HEADWAY, *args, "-w", str(demo)], capture_output=True, text=True)
        assert done.returncode == code, (args, done.stderr)
        assert words in done.stderr and "Traceback" not in done.stderr


def test_a_range_before_any_data_gives_no_rows_not_zeros(server: Server, demo: Path) -> None:
    """A window before the surveys began: nothing to show, and no made-up 0 either."""
    board = (
        BOARD.replace("id: checks", "id: early").replace("2026-03-01", "2020-01-01").replace("2026-08-31", "2020-03-31")
    )
    (demo / "dashboards" / "early.yml").write_text(board, encoding="utf-8")
    try:
        with Server(create_app(demo, warm=False)) as other:
            panels = httpx.get(f"{other.url}/api/v1/dashboards/early", timeout=120).json()["panels"]
    finally:
        (demo / "dashboards" / "early.yml").unlink()
    assert panels[0]["rows"] == [] and panels[0]["errors"] == []
    assert panels[2]["cards"][0]["value"] is None and panels[2]["cards"][0]["reason"] == "no_complete_period"


def test_cli_writes_a_panel_as_png_through_kaleido(demo: Path, tmp_path: Path) -> None:
    """Kaleido drives the system Chromium; the file is a PNG of the size asked (read from its IHDR header)."""
    if shutil.which("chromium") is None:
        pytest.fail("PNG export needs /usr/bin/chromium: run `make test` or `apt-get install -y chromium`")
    for panel in ("1", "2"):  # a line chart, a table
        out = tmp_path / f"panel-{panel}.png"
        done = subprocess.run(
            [HEADWAY, "dashboard", "export", "checks", "--panel", panel, "--out", str(out), "-w", str(demo)],
            capture_output=True, text=True,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        head = out.read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
        assert struct.unpack(">II", head[16:24]) == (1000, 420)
    done = subprocess.run(
        [HEADWAY, "dashboard", "export", "checks", "--out", str(tmp_path / "all.png"), "-w", str(demo)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 2 and "--panel" in done.stderr


def test_filters_from_the_url_replace_the_dashboards_own(server: Server, con: duckdb.DuckDBPyConnection) -> None:
    url = f"{server.url}/api/v1/dashboards/checks"
    enterprise = httpx.get(url, params={"filter": "account.plan=enterprise"}, timeout=120).json()
    assert enterprise["filters"] == {"account.plan": "enterprise"}
    hand = {
        (r[0], r[1]): (r[2], r[3])
        for r in con.execute(
            "select strftime(date_trunc('month', s.responded_at), '%Y-%m-%d'), a.segment, avg(s.score), count(*) "
            "from surveys s join accounts a on a.account_id = s.account_id "
            "where s.survey = 'csat' and a.plan = 'enterprise' "
            "and s.responded_at >= timestamp '2026-03-01' and s.responded_at < timestamp '2026-09-01' group by all"
        ).fetchall()
    }
    got = {(r["period"], r["account.segment"]): (r["value"], r["n"]) for r in enterprise["panels"][0]["rows"]}
    assert {k for k, v in got.items() if v[0] is not None} == set(hand)
    for key, (value, n) in hand.items():
        assert got[key][0] == pytest.approx(value, rel=1e-12) and got[key][1] == n
    csv_text = httpx.get(f"{url}/panels/0.csv", params={"filter": "account.plan=enterprise"}, timeout=60).text
    assert len(csv_text.splitlines()) == len(enterprise["panels"][0]["rows"]) + 1
    cleared = httpx.get(url, params={"filter": ""}, timeout=120).json()
    assert cleared["filters"] == {} and cleared["panels"][1]["not_filtered"] == []
    assert "account.plan" in cleared["dimensions"] and "service" in cleared["dimensions"]
    for value, code in (("acount.plan=pro", "unknown_dimension"), ("account.plan", "bad_filter")):
        resp = httpx.get(url, params={"filter": value}, timeout=30)
        assert (resp.status_code, resp.json()["code"]) == (400, code)
    assert "Did you mean 'account.plan'?" in httpx.get(url, params={"filter": "acount.plan=pro"}).json()["hint"]


def test_a_filter_on_the_breakdown_dimension_keeps_that_value(server: Server) -> None:
    url = f"{server.url}/api/v1/dashboards/exec"
    whole = httpx.get(url, timeout=120).json()["panels"][1]  # paid MRR by plan, no filter
    pro = httpx.get(url, params={"filter": "plan=pro"}, timeout=120).json()["panels"][1]
    assert {r["plan"] for r in whole["rows"]} > {"pro"}
    assert pro["rows"] == [r for r in whole["rows"] if r["plan"] == "pro"]
