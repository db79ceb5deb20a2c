"""The quarterly review pack on the demo (seed 42, scale small): numbers, offline HTML, PDF, API, page, CLI.

Expected numbers are recomputed here with hand-written DuckDB SQL over the demo's Parquet files,
never by asking Headway. The CLI runs as a separate process under TZ=America/Los_Angeles.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import httpx
import numpy as np
import pytest
from fixtures import Server
from test_browser import ARTIFACTS, Visit

from headway.demo import generate
from headway.engine import Actor, Engine
from headway.review import ReviewError, parse_quarter, review_pack
from headway.review.guardrails import fired_alerts
from headway.review.period import Quarter
from headway.review.render import render_html
from headway.serve import create_app
from headway.spec import load_workspace
from headway.store import StateStore, state_url
from headway.store.alert_models import AlertIncident

HEADWAY = Path(sys.executable).parent / "headway"
LOS_ANGELES = {**os.environ, "TZ": "America/Los_Angeles"}


# An objective of the test's own (the browser test checks in on it): a committed KR on paying accounts,
# guarded by logo churn. Its own file, so the demo's objectives (if any) stay as they are.
OBJECTIVE = """\
objectives:
  - id: pack_check
    period: 2026Q4
    objective: Grow the paying base without losing customers
    owner: cfo@acme.example
    key_results:
      - id: accounts
        metric: paying_accounts
        target: 1100
    guardrails: [logo_churn_rate]
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = generate(tmp_path_factory.mktemp("review") / "acme", seed=42, scale="small").path
    (path / "objectives").mkdir(exist_ok=True)
    (path / "objectives" / "pack_check.yml").write_text(OBJECTIVE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def packs(demo: Path) -> dict[str, dict[str, Any]]:
    engine = Engine(load_workspace(demo))
    try:
        return {q: review_pack(engine, q, actor=Actor.owner()) for q in ("2026Q3", "2026Q4", "2019Q1")}
    finally:
        engine.close()


@pytest.fixture(scope="module")
def con(demo: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    connection.execute(
        f"create view subscriptions as select * from read_parquet('{demo / 'data' / 'subscriptions.parquet'}')"
    )
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def server(demo: Path) -> Iterator[Server]:
    with Server(create_app(demo, warm=False)) as running:
        yield running


def section(pack: dict[str, Any], section_id: str) -> dict[str, Any]:
    return next(s for s in pack["sections"] if s["id"] == section_id)


def kpi(pack: dict[str, Any], metric_id: str) -> dict[str, Any]:
    return next(m for m in section(pack, "kpis")["metrics"] if m["id"] == metric_id)


def paying_at(con: duckdb.DuckDBPyConnection, day: str) -> tuple[float, int]:
    """Paid MRR and paying accounts of the subscriptions running at `day` (a quarter's end), by hand."""
    row = con.execute(
        """select sum(mrr), count(distinct account_id) from subscriptions where not is_trial
           and started_at < ?::timestamptz and (ended_at is null or ended_at >= ?::timestamptz)""",
        [day, day],
    ).fetchall()[0]  # fetch to the end: the connection is shared by the tests
    return float(row[0]), int(row[1])


def churn_rate(con: duckdb.DuckDBPyConnection, start: str, end: str) -> float:
    """Accounts that churned in [start, end) over the accounts paying at `end`."""
    row = con.execute(
        """select count(*) from subscriptions where end_reason = 'churn'
           and ended_at >= ?::timestamptz and ended_at < ?::timestamptz""",
        [start, end],
    ).fetchall()[0]  # fetch to the end: the connection is shared by the tests
    return int(row[0]) / paying_at(con, end)[1]


# -- the period -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026Q4", (2026, 4)), ("2026-q1", (2026, 1)), (" 2025Q2 ", (2025, 2))],
    ids=["plain", "dash-lowercase", "spaces"],
)
def test_a_quarter_is_read(text: str, expected: tuple[int, int]) -> None:
    quarter = parse_quarter(text)
    assert (quarter.year, quarter.number) == expected


def test_a_quarter_knows_its_days() -> None:
    q4, q1 = parse_quarter("2026Q4"), parse_quarter("2024Q1")
    assert (q4.start, q4.last_day, q4.end) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31), dt.date(2027, 1, 1))
    assert (q1.start, q1.last_day) == (dt.date(2024, 1, 1), dt.date(2024, 3, 31))  # a leap year's quarter
    assert q4.shift(1) == Quarter(2027, 1) and q1.shift(-1) == Quarter(2023, 4)


@pytest.mark.parametrize(
    "text",
    ["2026Q5", "2026Q0", "2026", "Q4 2026", "2026-10", "", "２０２６Q4", "2026Q4'; drop table x; --", "x" * 5000],
    ids=["q5", "q0", "year", "reversed", "month", "empty", "fullwidth-digits", "injection", "long"],
)
def test_a_bad_period_is_refused_with_what_to_write(text: str) -> None:
    with pytest.raises(ReviewError) as error:
        parse_quarter(text)
    assert error.value.code == "bad_period" and error.value.status == 400
    assert "2026Q4" in error.value.hint and len(error.value.message) < 80


# -- the numbers ----------------------------------------------------------------------------


def test_the_north_star_of_the_quarter_equals_hand_sql(packs: dict[str, dict[str, Any]], con: Any) -> None:
    mrr_q3, accounts_q3 = paying_at(con, "2026-10-01")
    mrr_q2, _ = paying_at(con, "2026-07-01")
    star = kpi(packs["2026Q3"], "paid_mrr")
    assert star["north_star"] and section(packs["2026Q3"], "kpis")["metrics"][0]["id"] == "paid_mrr"
    assert star["value"] == pytest.approx(mrr_q3, rel=1e-12)
    assert star["previous"]["value"] == pytest.approx(mrr_q2, rel=1e-12)
    assert star["complete"] is True and star["n"] > 0
    assert kpi(packs["2026Q3"], "arpa")["value"] == pytest.approx(mrr_q3 / accounts_q3, rel=1e-12)
    assert kpi(packs["2026Q3"], "paying_accounts")["value"] == accounts_q3


def test_pace_is_judged_against_the_target_on_quarters(packs: dict[str, dict[str, Any]], con: Any) -> None:
    # paid_mrr: target 290,000 by 2026-12-31; from Q3 one quarter is left, the pace is the mean change
    # per quarter over the complete quarters up to Q3 (the rule in analysis/pace.py).
    # the six quarters before Q3 and Q3 itself, by their end; 2025Q1 ended before the first subscription
    ends = ["2025-04-01", "2025-07-01", "2025-10-01", "2026-01-01", "2026-04-01", "2026-07-01", "2026-10-01"]
    assert con.execute("select min(started_at) >= '2025-04-01'::timestamptz from subscriptions").fetchall() == [(True,)]
    values = [paying_at(con, day)[0] for day in ends[1:]]  # the value at each quarter's end
    recent = (values[-1] - values[0]) / (len(values) - 1)
    pace = kpi(packs["2026Q3"], "paid_mrr")["pace"]
    assert pace["periods_left"] == 1 and pace["projected"] is True
    assert pace["recent_per_period"] == pytest.approx(recent, rel=1e-9)
    assert pace["compared_value"] == pytest.approx(values[-1] + recent, rel=1e-9)
    shortfall = 290000 - (values[-1] + recent)
    assert pace["status"] == ("on_track" if shortfall <= 0 else "at_risk" if shortfall <= 14500 else "off_track")
    # ARPA's target starts on 2026-08-01: not started in Q2, judged (a level to hold) in Q3
    assert kpi(packs["2026Q3"], "arpa")["pace"]["projected"] is False


def test_the_price_change_is_a_guardrail_breach_in_q3(packs: dict[str, dict[str, Any]], con: Any) -> None:
    arpa = [m / a for m, a in (paying_at(con, "2026-07-01"), paying_at(con, "2026-10-01"))]
    churn = [churn_rate(con, "2026-04-01", "2026-07-01"), churn_rate(con, "2026-07-01", "2026-10-01")]
    assert arpa[1] > arpa[0] and churn[1] > churn[0]  # the planted effect, by hand
    pair = next(p for p in section(packs["2026Q3"], "guardrails")["pairs"] if p["counter"] == "logo_churn_rate")
    assert (pair["metric"], pair["breach"], pair["judged"]) == ("arpa", True, True)
    assert pair["counter_value"] == pytest.approx(churn[1], rel=1e-12)
    assert pair["counter_previous"] == pytest.approx(churn[0], rel=1e-12)


def test_a_partial_quarter_says_so(packs: dict[str, dict[str, Any]]) -> None:
    pack = packs["2026Q4"]
    assert pack["data_through"] == "2026-10-31" and pack["last_day"] == "2026-12-31"
    assert kpi(pack, "paid_mrr")["complete"] is False
    assert "the quarter is not over" in render_html(pack)


def test_an_empty_quarter_has_no_fake_zeros(packs: dict[str, dict[str, Any]]) -> None:
    pack = packs["2019Q1"]  # years before the demo's data
    values = [m["value"] for m in section(pack, "kpis")["metrics"]]
    assert values and all(v is None for v in values)
    assert section(pack, "annotations")["notes"] == []
    html = render_html(pack)
    assert "no data" in html and "$0" not in html


def test_every_section_is_there_or_says_why_not(packs: dict[str, dict[str, Any]]) -> None:
    q4 = {s["id"]: s["status"] for s in packs["2026Q4"]["sections"]}
    assert set(q4.values()) == {"ok"}, q4
    assert list(q4) == ["kpis", "okrs", "tree", "guardrails", "initiatives", "delivery", "investment",
                        "priorities", "actions", "annotations"]  # fmt: skip
    assert section(packs["2026Q4"], "investment")["metric"] == "investment_fte"  # the demo includes the library
    for s in packs["2019Q1"]["sections"]:  # before the data and before any meeting: absent says why
        assert s["status"] in {"ok", "absent"}, s
        if s["status"] == "absent":
            assert s["message"] and s["reason"], s["id"]
    assert section(packs["2019Q1"], "okrs")["message"] == "no objective for 2019Q1 in objectives/*.yml"


def test_the_meeting_sections_read_the_meeting(packs: dict[str, dict[str, Any]], demo: Path) -> None:
    import yaml

    meetings = yaml.safe_load((demo / "meetings" / "alignment.yml").read_text(encoding="utf-8"))["meetings"]
    q3 = next(m for m in meetings if m["period"] == "2026Q3")
    shown = section(packs["2026Q3"], "priorities")
    for ranking in q3["rankings"]:  # every stakeholder's rank of every KPI, as written in the YAML
        for place, metric_id in enumerate(ranking["kpis"], start=1):
            row = next(k for k in shown["kpis"] if k["metric"] == metric_id)
            assert row["ranks"][ranking["stakeholder"]] == place
    ranks = [[k["ranks"][r["stakeholder"]] for k in shown["kpis"]] for r in q3["rankings"]]
    spreads = [max(col) - min(col) for col in zip(*ranks, strict=True)]
    assert [k["spread"] for k in shown["kpis"]] == spreads
    every_open = [a["title"] for m in meetings if m["period"] <= "2026Q4" for a in m.get("actions", [])
                  if a.get("status", "open") == "open"]  # fmt: skip
    assert sorted(a["title"] for a in section(packs["2026Q4"], "actions")["actions"]) == sorted(every_open)


def test_the_delivery_section_equals_the_tiers_command(packs: dict[str, dict[str, Any]], demo: Path) -> None:
    args = [HEADWAY, "tiers", "--period", "2026-07-01", "--grain", "quarter", "--format", "json", "-w", str(demo)]
    done = subprocess.run(args, capture_output=True, text=True, env=LOS_ANGELES, check=True)
    import json

    assert section(packs["2026Q3"], "delivery")["rows"] == json.loads(done.stdout)["rows"]


def test_alerts_of_the_quarter_come_from_the_state_database(tmp_path: Path) -> None:
    with StateStore.open(state_url(tmp_path)) as store:
        with store.session() as session:
            for period in ("2026-06-29", "2026-08-03", "2026-10-05"):
                session.add(AlertIncident(key=f"k{period}", rule_id="arpa_drop", metric_id="arpa", state="firing",
                                          period=period, value=1.0, series={}, drivers=[]))  # fmt: skip
        assert [a["period"] for a in fired_alerts(store, parse_quarter("2026Q3"))] == ["2026-08-03"]
        assert [a["period"] for a in fired_alerts(store, parse_quarter("2026Q4"))] == ["2026-10-05"]


# -- the document ---------------------------------------------------------------------------


def test_the_html_is_offline(packs: dict[str, dict[str, Any]]) -> None:
    html = render_html(packs["2026Q3"])
    sources = re.findall(r"""(?:src|href)\s*=\s*["']?([^"'\s>]+)""", html, re.IGNORECASE)
    assert not [s for s in sources if re.match(r"(?:https?:)?//", s)], sources
    assert not [s for s in sources if not s.startswith(("#", "data:"))], sources  # in-page anchors only
    assert "<script" not in html.lower() and "stylesheet" not in html and "@import" not in html and "url(" not in html
    assert "<svg" in html and "<style>" in html


def test_user_text_is_escaped(packs: dict[str, dict[str, Any]]) -> None:
    pack = {**packs["2026Q3"], "workspace": "<script>alert(1)</script> Café ✓"}
    html = render_html(pack)
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html and "Café ✓" in html


# -- the command ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def written(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("pack")
    args = [HEADWAY, "review", "--period", "2026Q3", "--out", str(out), "-w", str(demo)]
    return subprocess.run(args, capture_output=True, text=True, env=LOS_ANGELES, timeout=300), out


def test_the_command_writes_html_and_pdf(written: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    done, out = written
    assert done.returncode == 0, done.stderr
    assert (out / "review-2026Q3.html").stat().st_size > 10_000
    assert (out / "review-2026Q3.pdf").read_bytes()[:5] == b"%PDF-"
    assert "not in this pack" not in done.stdout  # every section of the demo's Q3 is there


def pgm_pixels(path: Path) -> np.ndarray:
    """A binary PGM (P5) from pdftoppm -gray as an array: header, then one byte per pixel."""
    data = path.read_bytes()
    fields = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    assert fields is not None
    width, height = int(fields.group(1)), int(fields.group(2))
    return np.frombuffer(data[fields.end() : fields.end() + width * height], dtype=np.uint8).reshape(height, width)


def test_the_pdf_pages_are_not_blank(written: tuple[subprocess.CompletedProcess[str], Path], tmp_path: Path) -> None:
    _, out = written
    subprocess.run(["pdftoppm", "-gray", "-r", "60", "-f", "1", "-l", "3", str(out / "review-2026Q3.pdf"),
                    str(tmp_path / "page")], check=True)  # fmt: skip
    pages = sorted(tmp_path.glob("page-*.pgm"))
    assert len(pages) == 3
    for page in pages:
        pixels = pgm_pixels(page).astype(float)
        ink = (pixels < 224).mean()  # share of pixels visibly darker than paper
        assert pixels.std() > 10 and 0.01 < ink < 0.6, (page.name, pixels.std(), ink)


def test_a_bad_period_exits_2(demo: Path, tmp_path: Path) -> None:
    args = [HEADWAY, "review", "--period", "2026Q7", "--out", str(tmp_path), "-w", str(demo)]
    done = subprocess.run(args, capture_output=True, text=True, env=LOS_ANGELES)
    assert done.returncode == 2
    assert "--period 2026Q7: '2026Q7' is not a quarter" in done.stderr and "Traceback" not in done.stderr
    assert not list(tmp_path.iterdir())


def test_without_chromium_the_pdf_is_refused_at_once_and_no_pdf_still_works(demo: Path, tmp_path: Path) -> None:
    env = {**LOS_ANGELES, "HEADWAY_CHROMIUM": str(tmp_path / "no-such-chromium")}
    args = [HEADWAY, "review", "--period", "2019Q1", "--out", str(tmp_path / "out"), "-w", str(demo)]
    done = subprocess.run(args, capture_output=True, text=True, env=env)
    assert done.returncode == 3 and "no Chromium at" in done.stderr and "--no-pdf" in done.stderr
    assert "Traceback" not in done.stderr
    done = subprocess.run([*args, "--no-pdf"], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["review-2019Q1.html"]
    assert "not in this pack: OKR scores and confidence" in done.stdout  # a quarter before any objective


# -- the server -----------------------------------------------------------------------------


def test_the_json_twin_and_the_page(server: Server, con: Any) -> None:
    body = httpx.get(f"{server.url}/api/v1/review/2026Q3", timeout=120).json()
    mrr_q3, _ = paying_at(con, "2026-10-01")
    assert body["period"] == "2026Q3" and kpi(body, "paid_mrr")["value"] == pytest.approx(mrr_q3, rel=1e-12)
    page = httpx.get(f"{server.url}/review/2026Q3", timeout=120)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert f"${mrr_q3:,.0f}" in page.text


def test_the_overview_links_to_the_pack_of_the_quarter_the_data_is_in(server: Server) -> None:
    overview = httpx.get(f"{server.url}/", timeout=120).text
    assert 'href="/review"' in overview and 'href="/meeting"' in overview and 'href="/initiatives"' in overview
    answer = httpx.get(f"{server.url}/review", timeout=30, follow_redirects=False)
    through = httpx.get(f"{server.url}/api/v1/overview", timeout=120).json()["data_through"]
    year, month = int(through[:4]), int(through[5:7])
    assert answer.status_code == 307 and answer.headers["location"] == f"/review/{year}Q{(month - 1) // 3 + 1}"


def test_a_bad_period_is_a_400_in_the_one_error_shape(server: Server) -> None:
    answer = httpx.get(f"{server.url}/api/v1/review/2026Q9", timeout=30)
    assert answer.status_code == 400
    body = answer.json()
    assert (body["ok"], body["code"], body["status"]) == (False, "bad_period", 400) and "2026Q4" in body["hint"]
    page = httpx.get(f"{server.url}/review/%3Cscript%3E", timeout=30)
    assert page.status_code == 400 and "&lt;script&gt;" in page.text and "<script>" not in page.text


def test_a_note_added_through_the_api_is_in_the_pack(server: Server) -> None:
    note = {"title": "Relance tarifaire — café ☕", "kind": "launch", "at": "2026-08-20", "metrics": ["arpa"]}
    assert httpx.post(f"{server.url}/api/v1/annotations", json=note, timeout=30).status_code == 201
    body = httpx.get(f"{server.url}/api/v1/review/2026Q3", timeout=120).json()
    titles = [n["title"] for n in section(body, "annotations")["notes"]]
    assert note["title"] in titles and "Price change (starter 49 to 59 USD, pro 199 to 239 USD)" in titles
    q4 = httpx.get(f"{server.url}/api/v1/review/2026Q4", timeout=120).json()
    assert note["title"] not in [n["title"] for n in section(q4, "annotations")["notes"]]
    assert note["title"] in httpx.get(f"{server.url}/review/2026Q3", timeout=120).text


# -- in a browser ---------------------------------------------------------------------------


@pytest.mark.browser
def test_the_page_in_a_browser(browser: Any, server: Server, con: Any) -> None:
    visit = Visit(browser, f"{server.url}/review/2026Q3", {"width": 1280, "height": 900})
    try:
        page = visit.page
        assert page.title() == "acme · quarterly review 2026Q3"
        assert visit.problems == []  # nothing failed to load, no console error, nothing fetched elsewhere
        shown = page.locator("section[data-status]").evaluate_all("s => s.map(e => [e.id, e.dataset.status])")
        assert [s[0] for s in shown][:3] == ["kpis", "okrs", "tree"] and len(shown) == 10
        mrr_q3, accounts = paying_at(con, "2026-10-01")
        star = page.locator('.card[data-metric="paid_mrr"] [data-value]').inner_text()
        assert star == f"${mrr_q3:,.0f}"
        assert page.locator('.card[data-metric="arpa"] [data-value]').inner_text() == f"${mrr_q3 / accounts:,.2f}"
        breach = page.locator('tr[data-pair="arpa~logo_churn_rate"]')
        assert "breach" in breach.inner_text() and "breach" in (breach.get_attribute("class") or "")
        assert page.locator('.card[data-metric="paid_mrr"] svg.chart polyline').count() >= 1
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "review-2026Q3.png"), full_page=True)
    finally:
        visit.close()


@pytest.mark.browser
def test_a_check_in_and_an_action_item_made_in_the_ui_reach_the_api_and_the_pack(browser: Any, server: Server) -> None:
    comment, author = "Déjà 1 000 comptes ? Presque — 📈", "Zoë Ångström"
    action = "Relancer les comptes perdus après le changement de prix ✓"
    visit = Visit(browser, f"{server.url}/objectives/pack_check", {"width": 1280, "height": 900})
    try:
        page = visit.page
        page.wait_for_selector("#kr option", state="attached")
        page.select_option("#kr", "accounts")
        page.fill("#confidence", "4")
        page.fill("#author", author)
        page.fill("#comment", comment)
        page.fill("#blockers", "<b>none</b>")
        page.click("#submit")
        page.locator("#saved", has_text="Saved check-in").wait_for()  # (the CSP forbids wait_for_function's eval)
        page.locator("li[data-checkin]", has_text=comment).wait_for()  # the page reloaded its JSON: nothing in flight
        page.goto(f"{server.url}/meeting?period=2026Q4", wait_until="load")
        page.locator("#period", has_text="2026Q4").wait_for()
        form = page.locator("#new-action")
        form.locator("input[name=title]").fill(action)
        form.locator("input[name=owner]").fill(author)
        form.locator("input[name=due]").fill("2026-12-18")
        form.locator("input[name=metrics]").fill("paying_accounts")
        form.locator("button[type=submit]").click()
        page.locator("#actions tbody", has_text=action).wait_for()
        assert visit.problems == []
    finally:
        visit.close()
    objective = httpx.get(f"{server.url}/api/v1/objectives/pack_check", timeout=60).json()
    history = objective["key_results"][0]["checkins"]["history"]
    assert [(c["comment"], c["confidence"], c["author"]) for c in history] == [(comment, 4, author)]
    actions = httpx.get(f"{server.url}/api/v1/meeting/actions", timeout=60).json()["actions"]
    assert [a["owner"] for a in actions if a["title"] == action] == [author]
    pack = httpx.get(f"{server.url}/api/v1/review/2026Q4", timeout=120).json()
    mine = next(o for o in section(pack, "okrs")["objectives"] if o["id"] == "pack_check")
    assert mine["key_results"][0]["confidence_trend"] == [4]
    assert action in [a["title"] for a in section(pack, "actions")["actions"]]
    visit = Visit(browser, f"{server.url}/review/2026Q4", {"width": 1280, "height": 900})
    try:
        assert visit.page.locator('tr[data-kr="accounts"] [data-confidence]').inner_text() == "4/10"
        assert comment in visit.page.locator("#okrs").inner_text()
        assert "<b>none</b>" in visit.page.locator("#okrs").inner_text()  # shown as text, not markup
        assert action in visit.page.locator("#actions").inner_text()
        assert visit.problems == []
    finally:
        visit.close()


def test_a_chart_leaves_a_gap_for_a_missing_month_and_says_no_data() -> None:
    from headway.review.charts import line_chart

    months = [
        {"period": f"2026-0{i}-01", "value": v, "complete": i < 6}
        for i, v in enumerate([1.0, 2.0, None, 4.0, 5.0, 6.0], 1)
    ]
    svg = str(line_chart(months, band=("2026-04-01", "2026-06-30"), target=5.5, unit="USD"))
    assert svg.count("<polyline") == 2 and svg.count("<circle") == 5 and svg.count('class="dot open"') == 1
    assert "$6.00" in svg and "$1.00" in svg and "Jan 2026" in svg and "Jun 2026" in svg and "<rect" in svg
    assert "no data" in str(line_chart([{"period": "2026-01-01", "value": None, "complete": True}]))


def test_an_out_folder_that_cannot_be_made_exits_3(demo: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    args = [HEADWAY, "review", "--period", "2026Q3", "--no-pdf", "--out", str(blocker / "sub"), "-w", str(demo)]
    done = subprocess.run(args, capture_output=True, text=True, env=LOS_ANGELES)
    assert done.returncode == 3 and "--out" in done.stderr and "Traceback" not in done.stderr


def test_the_balance_is_effort_by_work_type(packs: dict[str, dict[str, Any]], con: Any, demo: Path) -> None:
    # the demo includes the delivery library: FTE-months per day, team and type in the canonical table
    table = demo / ".headway" / "lake" / "delivery" / "investment" / "*.parquet"
    rows = con.execute(f"""
        select type, sum(fte_months) from read_parquet('{table}')
        where day >= '2026-07-01'::timestamptz and day < '2026-10-01'::timestamptz
        group by 1 order by 2 desc""").fetchall()
    total = sum(v for _, v in rows)
    shown = section(packs["2026Q3"], "investment")
    assert (shown["metric"], shown["label"]) == ("investment_fte", "FTE-months of effort by work type")
    assert [r["type"] for r in shown["rows"]] == [t for t, _ in rows]
    assert [r["value"] for r in shown["rows"]] == pytest.approx([v for _, v in rows], rel=1e-9)
    assert [r["share"] for r in shown["rows"]] == pytest.approx([v / total for _, v in rows], rel=1e-9)


def test_a_section_that_fails_fails_alone(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from headway.engine import QueryError
    from headway.review import assemble

    def broken(_: Any) -> dict[str, Any]:
        raise QueryError("the tree is broken", "Fix the tree.", code="broken_tree")

    monkeypatch.setitem(assemble.BUILDERS, "tree", broken)
    engine = Engine(load_workspace(demo))
    try:
        pack = review_pack(engine, "2026Q3", actor=Actor.owner())
    finally:
        engine.close()
    tree = section(pack, "tree")
    assert (tree["status"], tree["reason"], tree["message"]) == ("error", "broken_tree", "the tree is broken")
    assert {s["status"] for s in pack["sections"] if s["id"] != "tree"} == {"ok"}
    assert "This section failed: the tree is broken" in render_html(pack)


def test_without_delivery_metrics_the_delivery_sections_say_what_to_add(tmp_path: Path) -> None:
    from fixtures import build_workspace

    engine = Engine(load_workspace(build_workspace(tmp_path / "tiny")))
    try:
        pack = review_pack(engine, "2026Q1", actor=Actor.owner())
    finally:
        engine.close()
    investment, delivery = section(pack, "investment"), section(pack, "delivery")
    assert (investment["status"], investment["reason"]) == ("absent", "no_metric")
    assert "include: [delivery]" in investment["hint"]
    assert delivery["status"] == "absent" and "include: [delivery]" in delivery["hint"]
    assert "Not in this pack: no investment_fte" in render_html(pack)
