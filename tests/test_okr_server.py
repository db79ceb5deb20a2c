"""OKRs on the demo (seed 42, small): the planted price change flags the ARPA objective; the API, pages and CLI.

The guardrail numbers are recomputed here with hand-written DuckDB SQL over the demo's Parquet,
following the metric definitions in words (ARPA = paid MRR / paying accounts at the end of the month;
logo churn = subscriptions that ended for churn during the month / paying accounts at its end).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest
from fixtures import Server

from headway.analysis.okr import okr_report
from headway.demo import generate
from headway.engine import Actor, Engine
from headway.serve import create_app
from headway.spec import check_workspace, load_workspace
from headway.spec.issues import Severity

END_OF_Q3 = dt.date(2026, 9, 30)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("okr") / "acme", seed=42, scale="small").path


@pytest.fixture(scope="module")
def server(demo: Path) -> Iterator[Server]:
    with Server(create_app(demo, warm=False)) as running:
        yield running


def hand(demo: Path, month_start: str, month_end: str) -> tuple[float, float]:
    """ARPA and logo churn rate of one month, by hand."""
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    subs = f"read_parquet('{demo}/data/subscriptions.parquet')"
    paying, mrr = con.execute(
        f"select count(distinct account_id), sum(mrr) from {subs} where not is_trial "
        f"and started_at < timestamp '{month_end}' and (ended_at is null or ended_at >= timestamp '{month_end}')"
    ).fetchone()  # type: ignore[misc]
    (churned,) = con.execute(
        f"select count(*) from {subs} where end_reason = 'churn' "
        f"and ended_at >= timestamp '{month_start}' and ended_at < timestamp '{month_end}'"
    ).fetchone()  # type: ignore[misc]
    con.close()
    return mrr / paying, churned / paying


def test_demo_warns_only_of_its_delivery_targets_that_move_no_kpi(demo: Path) -> None:
    """The demo's DORA and flow targets (metrics/delivery.yml) declare no `contributes_to`: the focus rule names
    each where its target is. Nothing else in the demo draws a warning."""
    _, issues = check_workspace(demo)
    warned = sorted((i.file, i.message.split("'")[1]) for i in issues if i.severity is Severity.WARNING)
    unlinked = ["change_fail_rate", "change_lead_time", "say_do_ratio", "tech_debt_share"]
    assert warned == [("metrics/delivery.yml", m) for m in unlinked]


def test_price_change_flags_the_arpa_objective_in_2026q3(demo: Path) -> None:
    engine = Engine(load_workspace(demo))
    try:
        report = okr_report(engine, "2026Q3", actor=Actor.owner(), today=END_OF_Q3)
    finally:
        engine.close()
    objective = next(o for o in report["objectives"] if o["id"] == "q3_revenue_per_account")
    arpa_june, churn_june = hand(demo, "2026-06-01", "2026-07-01")
    arpa_sept, churn_sept = hand(demo, "2026-09-01", "2026-10-01")
    kr = next(k for k in objective["key_results"] if k["id"] == "arpa")
    assert kr["baseline"]["value"] == pytest.approx(arpa_june) and kr["current"]["value"] == pytest.approx(arpa_sept)
    assert arpa_sept > arpa_june  # the price change lifts ARPA...
    (guard,) = objective["guardrails"]  # ARPA's counter-metric, by default
    assert guard["metric"] == "logo_churn_rate"
    assert guard["worse_by"] == pytest.approx(churn_sept - churn_june)
    assert churn_sept - churn_june > 0.005  # ...while churn rises beyond its tolerance (the metric's target tolerance)
    assert objective["flags"] == [
        {
            "kr": "arpa",
            "guardrail": "logo_churn_rate",
            "message": f"arpa improves while guardrail logo_churn_rate is worse by {churn_sept - churn_june:.4g} "
            "(tolerance 0.005)",
        }
    ]


def test_demo_ships_two_quarters(server: Server) -> None:
    body = httpx.get(f"{server.url}/api/v1/objectives", timeout=120).json()
    assert body["periods"] == ["2026Q3", "2026Q4"]
    q4 = httpx.get(f"{server.url}/api/v1/objectives", params={"period": "2026Q4"}, timeout=120).json()
    assert {o["period"] for o in q4["objectives"]} == {"2026Q4"}
    child = next(o for o in body["objectives"] if o["id"] == "q4_happier_customers")
    assert child["parent"] == "q4_grow_revenue"
    parent = next(o for o in body["objectives"] if o["id"] == "q4_grow_revenue")
    assert "q4_happier_customers" in parent["children"]


def test_an_empty_period_is_an_empty_list(server: Server) -> None:
    body = httpx.get(f"{server.url}/api/v1/objectives", params={"period": "2025Q1"}, timeout=60).json()
    assert body["objectives"] == [] and body["period"] == "2025Q1"


@pytest.mark.parametrize("period", ["2026Q5", "Q4", "2026-10", "'; drop table okr_checkins; --"])
def test_a_bad_period_is_refused_in_the_one_error_shape(server: Server, period: str) -> None:
    answer = httpx.get(f"{server.url}/api/v1/objectives", params={"period": period}, timeout=60)
    assert answer.status_code == 422
    body = answer.json()
    assert body["ok"] is False and body["code"] == "invalid_request" and body["error"].startswith("period:")


def test_unknown_objective_is_404_with_a_suggestion(server: Server) -> None:
    answer = httpx.get(f"{server.url}/api/v1/objectives/q4_grow_revenu", timeout=60)
    assert answer.status_code == 404
    assert answer.json() == {
        "ok": False,
        "status": 404,
        "error": "unknown objective 'q4_grow_revenu'",
        "hint": "Did you mean 'q4_grow_revenue'?",
        "code": "unknown_objective",
        "errors": [],
    }
    page = httpx.get(f"{server.url}/objectives/q4_grow_revenu", timeout=60)
    assert page.status_code == 404 and "No objective 'q4_grow_revenu'" in page.text
    assert "Did you mean &#39;q4_grow_revenue&#39;?" in page.text
    hostile = httpx.get(f"{server.url}/objectives/%3Cscript%3Ealert(1)%3C%2Fscript%3E", timeout=60)
    assert hostile.status_code == 404 and "<script>alert" not in hostile.text


def checkin(server: Server, objective: str, **body: Any) -> httpx.Response:
    return httpx.post(f"{server.url}/api/v1/objectives/{objective}/checkins", json=body, timeout=60)


def test_check_ins_are_kept_in_order_with_non_ascii_text(server: Server) -> None:
    first = checkin(server, "q4_active_users", kr="wau", confidence=4, author="Zoë Ångström",
                    comment="Ça monte lentement — 週次", blockers="Ожидаем релиз")  # fmt: skip
    assert first.status_code == 201, first.text
    second = checkin(server, "q4_active_users", kr="wau", confidence=6, author="José")
    assert second.status_code == 201
    body = httpx.get(f"{server.url}/api/v1/objectives/q4_active_users", timeout=120).json()
    history = body["key_results"][0]["checkins"]["history"]
    assert [(c["author"], c["confidence"]) for c in history[-2:]] == [("Zoë Ångström", 4), ("José", 6)]
    assert history[-2]["comment"] == "Ça monte lentement — 週次" and history[-2]["blockers"] == "Ожидаем релиз"
    assert body["key_results"][0]["checkins"]["latest_confidence"] == 6


@pytest.mark.parametrize("confidence", [0, 11, -1, 2.5, "high"])
def test_confidence_outside_one_to_ten_is_refused(server: Server, confidence: Any) -> None:
    answer = checkin(server, "q4_active_users", kr="wau", confidence=confidence, author="a")
    assert answer.status_code == 422
    body = answer.json()
    assert body["ok"] is False and body["code"] == "invalid_request" and body["error"].startswith("confidence:")


def test_unknown_key_result_is_400_with_a_suggestion(server: Server) -> None:
    answer = checkin(server, "q4_active_users", kr="wauu", confidence=5, author="a")
    assert answer.status_code == 400
    body = answer.json()
    assert (body["code"], body["error"], body["hint"]) == (
        "unknown_key_result",
        "objective 'q4_active_users' has no key result 'wauu'",
        "Did you mean 'wau'?",
    )
    assert checkin(server, "nope", kr="wau", confidence=5, author="a").status_code == 404
    assert checkin(server, "q4_active_users", kr="wau", confidence=5, author="   ").status_code == 422
    assert checkin(server, "q4_active_users", kr="wau", confidence=5, author="a", extra=1).status_code == 422


def test_pages_have_json_twins(server: Server) -> None:
    assert 'href="/objectives"' in httpx.get(f"{server.url}/", timeout=120).text  # reachable from the overview
    page = httpx.get(f"{server.url}/objectives", timeout=60)
    assert page.status_code == 200 and "/api/v1/objectives" in page.text
    detail = httpx.get(f"{server.url}/objectives/q3_revenue_per_account", timeout=60)
    assert detail.status_code == 200 and 'data-objective="q3_revenue_per_account"' in detail.text


def headway(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "headway.cli.main", *args], capture_output=True, text=True, env=env)


def test_cli_list_show_and_checkin(demo: Path) -> None:
    listed = headway("okr", "list", "--period", "2026Q3", "--format", "json", "-w", str(demo))
    assert listed.returncode == 0, listed.stderr
    ids = [o["id"] for o in json.loads(listed.stdout)["objectives"]]
    assert ids == ["q3_grow_revenue", "q3_revenue_per_account", "q3_faster_flow"]
    shown = headway("okr", "show", "q3_revenue_per_account", "-w", str(demo))
    assert shown.returncode == 0 and "push and protect" in shown.stdout
    made = headway(
        "okr", "checkin", "q3_faster_flow", "--kr", "cycle_time", "-c", "3", "--comment", "naïve", "-w", str(demo)
    )
    assert made.returncode == 0 and json.loads(made.stdout)["comment"] == "naïve"
    again = headway("okr", "show", "q3_faster_flow", "-w", str(demo))
    assert "confidence 3: naïve" in again.stdout


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["okr", "checkin", "q3_faster_flow", "--kr", "cycle_time", "-c", "11"], 2, "--confidence"),
        (["okr", "checkin", "q3_faster_flow", "--kr", "cycle", "-c", "5"], 1, "Did you mean 'cycle_time'?"),
        (["okr", "show", "q3_faster"], 1, "Did you mean 'q3_faster_flow'?"),
        (["okr", "list", "--period", "2026Q9"], 2, "is not a quarter"),
    ],
    ids=["confidence", "unknown_kr", "unknown_objective", "bad_period"],
)
def test_cli_refusals_have_exit_codes(demo: Path, args: list[str], code: int, words: str) -> None:
    done = headway(*args, "-w", str(demo))
    assert done.returncode == code
    assert words in done.stderr and "Traceback" not in done.stderr
