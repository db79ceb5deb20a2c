"""The alignment meeting on the demo (seed 42, small) through a real server, and its statistics by hand.

- Kendall's W is checked against the closed form worked out by hand and against SciPy's Friedman
  test (W = Friedman's chi-square / (m(n − 1)), an independent implementation with its own tie
  correction).
- The action item lifecycle (add, list, overdue, done) runs against uvicorn; the stored rows are read
  back with plain sqlite3.
- Bad input gets the one error shape: unknown KPI, a due day in the wrong format, a priority change
  without a reason, hostile text; non-ASCII owners round-trip.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from fixtures import Server
from scipy import stats

from headway.analysis.agreement import full_ranks, kendalls_w, pairs, per_kpi
from headway.demo import generate
from headway.serve import create_app


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("meeting") / "acme", seed=42, scale="small").path


@pytest.fixture(scope="module")
def server(demo: Path) -> Iterator[Server]:
    with Server(create_app(demo, warm=False)) as running:
        yield running


def get(server: Server, path: str, **params: Any) -> httpx.Response:
    return httpx.get(f"{server.url}{path}", params=params, timeout=120)


def post(server: Server, path: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(f"{server.url}{path}", json=body, timeout=60)


# -- Kendall's W ---------------------------------------------------------------------------------


def test_kendalls_w_by_hand() -> None:
    """3 raters, 4 items. Rank sums a 1+2+4=7, b 2+1+3=6, c 3+3+2=8, d 4+4+1=9; mean 3·5/2 = 7.5;
    S = 0.25 + 2.25 + 0.25 + 2.25 = 5; W = 12·5 / (3²·(4³ − 4)) = 60/540 = 1/9."""
    orders = {"mkt": ["a", "b", "c", "d"], "prod": ["b", "a", "c", "d"], "eng": ["d", "c", "b", "a"]}
    found = kendalls_w(orders)
    assert found["w"] == pytest.approx(1 / 9, abs=1e-12)
    assert found["chi2"] == pytest.approx(3 * 3 / 9, abs=1e-12)  # m(n-1)W = 1
    assert found["p_value"] == pytest.approx(stats.chi2.sf(1.0, 3), abs=1e-12)
    spread = {row["metric"]: row["spread"] for row in per_kpi(orders)}
    assert spread == {"a": 3, "b": 2, "c": 1, "d": 3}
    taus = {(p["a"], p["b"]): p["tau"] for p in pairs(orders)}
    # mkt vs prod: one discordant pair of six -> (5 - 1) / 6
    assert taus[("mkt", "prod")] == pytest.approx(4 / 6, abs=1e-12)
    assert taus[("mkt", "eng")] == pytest.approx(-1.0, abs=1e-12)


def test_identical_rankings_agree_fully() -> None:
    assert kendalls_w({"a": ["x", "y", "z"], "b": ["x", "y", "z"]})["w"] == pytest.approx(1.0)
    assert kendalls_w({"a": ["x", "y"]})["w"] is None  # one stakeholder: nothing to agree on


def friedman_w(orders: dict[str, list[str]]) -> float:
    items = sorted({k for o in orders.values() for k in o})
    ranks = [full_ranks(o, items) for o in orders.values()]
    chi2 = stats.friedmanchisquare(*[[r[i] for r in ranks] for i in items]).statistic
    return float(chi2) / (len(orders) * (len(items) - 1))


@pytest.mark.parametrize(
    "orders",
    [
        {"m": ["a", "b", "c", "d", "e"], "p": ["b", "a", "d", "c", "e"], "e": ["e", "d", "c", "b", "a"]},
        # with left-out KPIs: tied last, which needs the tie correction
        {"m": ["a", "b", "c"], "p": ["c", "d"], "e": ["d", "a", "b", "e"], "f": ["e", "a"]},
    ],
    ids=["complete", "left-out-tied-last"],
)
def test_kendalls_w_matches_friedman(orders: dict[str, list[str]]) -> None:
    assert kendalls_w(orders)["w"] == pytest.approx(friedman_w(orders), rel=1e-12)


def test_demo_meeting_agreement_matches_the_yaml(server: Server, demo: Path) -> None:
    doc = yaml.safe_load((demo / "meetings" / "alignment.yml").read_text(encoding="utf-8"))
    q4 = next(m for m in doc["meetings"] if m["period"] == "2026Q4")
    orders = {r["stakeholder"]: r["kpis"] for r in q4["rankings"]}
    body = get(server, "/api/v1/meeting", period="2026Q4", today="2026-11-27").json()
    assert body["agreement"]["w"] == pytest.approx(friedman_w(orders), rel=1e-12)
    assert [s["stakeholder"] for s in body["stakeholders"]] == list(orders)
    assert body["not_kpis"] == ["cycle_time"]  # engineering ranks a delivery metric
    csat = next(k for k in body["kpis"] if k["metric"] == "csat")
    assert csat["ranks"] == {"marketing": 6, "product": 1, "engineering": 1, "finance": 4} and csat["spread"] == 5
    # two open items are past due on 2026-11-27; the December one is not
    overdue = {a["title"] for a in body["actions"] if a["overdue"]}
    assert overdue == {
        "Win-back offer for accounts that churned after the price change",
        "Ship same-day review rotation",
    }
    assert {c["kind"] for c in body["changes"]} == {"priority_change", "metric_added"}
    q3 = get(server, "/api/v1/meeting", period="2026Q3", today="2026-11-27").json()
    assert q3["open_actions"] == 0 and [c["kind"] for c in q3["changes"]] == ["kind_dispute"]


# -- action items through a real server ---------------------------------------------------------


def test_action_item_lifecycle(server: Server, demo: Path) -> None:
    made = post(
        server,
        "/api/v1/meeting/actions",
        {
            "title": "Fix the EU onboarding email",
            "owner": "Zoë Ångström",
            "due": "2020-01-31",
            "metrics": ["csat"],
            "objectives": ["q4_happier_customers"],
        },
    )
    assert made.status_code == 201, made.text
    item = made.json()
    assert (item["period"], item["status"], item["overdue"], item["source"]) == ("2020Q1", "open", True, "api")
    listed = get(server, "/api/v1/meeting/actions", status="open").json()["actions"]
    assert item["id"] in [a["id"] for a in listed if a["overdue"]]
    done = httpx.patch(f"{server.url}/api/v1/meeting/actions/{item['id']}", json={"status": "done"}, timeout=30)
    assert done.status_code == 200
    assert done.json()["status"] == "done" and done.json()["overdue"] is False
    assert done.json()["done_on"] == dt.datetime.now(dt.UTC).date().isoformat()  # the demo workspace runs on UTC
    assert item["id"] not in [a["id"] for a in get(server, "/api/v1/meeting/actions", status="open").json()["actions"]]
    with sqlite3.connect(demo / ".headway" / "state.db") as con:
        row = con.execute(
            "select owner, status, metrics, period from action_items where id = ?", [item["id"]]
        ).fetchone()
    assert row == ("Zoë Ångström", "done", '["csat"]', "2020Q1")
    missing = httpx.patch(f"{server.url}/api/v1/meeting/actions/999999", json={"status": "done"}, timeout=30)
    assert (missing.status_code, missing.json()["code"]) == (404, "unknown_action")


def test_priority_change_needs_a_reason_and_leaves_a_record(server: Server) -> None:
    body = {
        "period": "2026Q4",
        "stakeholder": "product",
        "person": "cpo@acme.example",
        "kpis": ["nps", "csat", "weekly_active_users"],
    }
    refused = post(server, "/api/v1/meeting/rankings", body)
    assert refused.status_code == 422 and refused.json()["code"] == "reason_required"
    assert refused.json()["ok"] is False and "reason" in refused.json()["hint"]
    made = post(server, "/api/v1/meeting/rankings", {**body, "reason": "NPS fell for two months in a row"})
    assert made.status_code == 201, made.text
    change = made.json()["change"]
    assert (change["kind"], change["who"], change["reason"]) == (
        "priority_change",
        "cpo@acme.example",
        "NPS fell for two months in a row",
    )
    assert "nps" in change["metrics"]
    meeting = get(server, "/api/v1/meeting", period="2026Q4").json()
    product = next(r for r in meeting["rankings"] if r["stakeholder"] == "product")
    assert product["kpis"] == ["nps", "csat", "weekly_active_users"]  # the newest ranking counts
    assert any(r["stakeholder"] == "product" and r["source"] == "yaml" for r in meeting["superseded"])
    assert change["id"] in [c["id"] for c in meeting["changes"]]
    # a fresh stakeholder needs no reason
    assert (
        post(
            server,
            "/api/v1/meeting/rankings",
            {"period": "2027Q1", "stakeholder": "sales", "kpis": ["paid_mrr", "arpa"]},
        ).status_code
        == 201
    )


@pytest.mark.parametrize(
    ("path", "body", "status", "code", "words"),
    [
        (
            "/api/v1/meeting/actions",
            {"title": "x", "owner": "a", "due": "31/12/2026"},
            422,
            "invalid_request",
            "YYYY-MM-DD",
        ),
        (
            "/api/v1/meeting/actions",
            {"title": "x", "owner": "a", "due": "2026-12-31", "metrics": ["cstat"]},
            400,
            "unknown_metric_named",
            "csat",
        ),
        ("/api/v1/meeting/actions", {"title": "", "owner": "a", "due": "2026-12-31"}, 422, "invalid_request", "title"),
        (
            "/api/v1/meeting/actions",
            {"title": "x", "owner": "a", "due": "2026-12-31", "status": "finished"},
            422,
            "invalid_request",
            "status",
        ),
        (
            "/api/v1/meeting/rankings",
            {"period": "2026Q4", "stakeholder": "ops", "kpis": ["paid_mrr", "churn"]},
            400,
            "unknown_metric_named",
            "kpis[1]",
        ),
        (
            "/api/v1/meeting/rankings",
            {"period": "2026Q5", "stakeholder": "ops", "kpis": ["paid_mrr", "arpa"]},
            422,
            "invalid_request",
            "period",
        ),
        (
            "/api/v1/meeting/rankings",
            {"period": "2026Q4", "stakeholder": "ops", "kpis": ["arpa", "arpa"]},
            422,
            "invalid_request",
            "twice",
        ),
        (
            "/api/v1/meeting/changes",
            {"period": "2026Q4", "kind": "priority_change", "who": "a", "day": "2026-10-01"},
            422,
            "invalid_request",
            "reason",
        ),
        (
            "/api/v1/meeting/changes",
            {"period": "2026Q4", "kind": "priority_change", "who": "a", "day": "2026-10-01", "reason": "   "},
            422,
            "invalid_request",
            "reason",
        ),
        (
            "/api/v1/meeting/decisions",
            {
                "period": "2026Q4",
                "title": "x",
                "decided_by": "a",
                "day": "2026-10-01",
                "metrics": ["arpa'; drop table action_items; --"],
            },
            422,
            "invalid_request",
            "metrics",
        ),
        (
            "/api/v1/initiatives",
            {
                "id": "x1",
                "name": "X",
                "owner": "a",
                "effort": 1,
                "expects": [{"metric": "arpaa", "low": 0.1, "high": 0.2}],
            },
            400,
            "unknown_metric_named",
            "arpa",
        ),
        (
            "/api/v1/initiatives",
            {
                "id": "x2",
                "name": "X",
                "owner": "a",
                "effort": 1,
                "expects": [{"metric": "arpa", "low": -0.1, "high": 0.2}],
            },
            422,
            "invalid_request",
            "crosses zero",
        ),
        ("/api/v1/initiatives", {"id": "x3", "name": "X", "owner": "a", "effort": 0}, 422, "invalid_request", "effort"),
        (
            "/api/v1/initiatives",
            {
                "id": "x4",
                "name": "X",
                "owner": "a",
                "effort": 1,
                "control": {"segment": "smb"},
                "expects": [{"metric": "arpa", "low": 0.1, "high": 0.2}],
            },
            400,
            "unknown_metric_named",
            "no dimension 'segment'",
        ),
        (
            "/api/v1/initiatives",
            {"id": "price_list_2026", "name": "X", "owner": "a", "effort": 1},
            409,
            "conflict",
            "initiatives/roadmap.yml",
        ),
    ],
    ids=[
        "due-format",
        "unknown-metric",
        "empty-title",
        "bad-status",
        "unknown-kpi",
        "bad-quarter",
        "ranked-twice",
        "no-reason",
        "blank-reason",
        "hostile-metric-id",
        "initiative-unknown-kpi",
        "range-crosses-zero",
        "zero-effort",
        "control-not-a-dimension",
        "yaml-id-taken",
    ],
)
def test_bad_input_gets_one_error_shape(
    server: Server, path: str, body: dict[str, Any], status: int, code: str, words: str
) -> None:
    answer = post(server, path, body)
    assert answer.status_code == status, answer.text
    got = answer.json()
    assert (got["ok"], got["status"], got["code"]) == (False, status, code)
    assert words in got["error"] + " " + got["hint"] + " " + str(got["errors"])


def test_initiative_created_in_the_api_is_ranked_and_measured(server: Server) -> None:
    body = {
        "id": "winback_q4",
        "name": "Win-back offer für Kündiger",
        "owner": "Zoë",
        "status": "launched",
        "effort": 2,
        "confidence": 0.5,
        "launched": "2026-09-01",
        "expects": [{"metric": "paying_accounts", "low": 0.01, "high": 0.02}],
    }
    made = post(server, "/api/v1/initiatives", {**body, "via": "ui"})
    assert made.status_code == 201, made.text
    assert post(server, "/api/v1/initiatives", body).status_code == 409  # ids are unique
    one = get(server, "/api/v1/initiatives/winback_q4").json()
    assert (one["source"], one["name"], one["launch"], one["launch_from"]) == ("ui", body["name"], "2026-09-01", "spec")
    windows = {w["window"]: w for w in one["measured"]["kpis"][0]["windows"]}
    assert windows["month"]["complete"] and not windows["quarter"]["complete"]  # data ends 2026-10-31
    assert windows["month"]["ci_low"] <= windows["month"]["change"] <= windows["month"]["ci_high"]
    missing = get(server, "/api/v1/initiatives/winback_q5")
    assert (missing.status_code, missing.json()["code"]) == (404, "unknown_initiative")
    assert "winback_q4" in missing.json()["hint"]


def test_demo_initiatives(server: Server) -> None:
    """The demo ships one launch on the planted price change, one null launch and one too recent to read."""
    body = get(server, "/api/v1/initiatives").json()
    found = {r["id"]: r for r in body["initiatives"]}
    price = found["price_list_2026"]["measured"]
    assert price["method"] == "difference-in-differences" and price["control"] == {"plan": "enterprise"}
    for w in price["kpis"][0]["windows"]:  # the planted +20% on starter and pro, enterprise as control
        assert w["complete"] and w["ci_low_pct"] > 0 and w["verdict"] in ("goal_met", "short_of_goal")
    nps = found["nps_prompt"]
    assert (nps["launch"], nps["launch_from"]) == ("2026-09-15", "annotation")  # dated by the tagged annotation
    month = nps["measured"]["kpis"][0]["windows"][0]
    assert month["ci_low"] < 0 < month["ci_high"] and nps["measured"]["verdict"] == "no_detectable_change"
    upsell = found["usage_upsell"]["measured"]
    assert upsell["verdict"] == "too_early" and upsell["leading"][0]["metric"] == "feature_uses"
    assert "leading indicator feature_uses moved" in upsell["reading"]
    assert found["deploy_dashboard"]["moves_no_kpi"] and found["deploy_dashboard"]["score"] == 0
    assert found["faster_reviews"]["moves_no_kpi"] is False  # cycle_time leads to csat
    # ranking by hand: each KPI's largest expected mid is its own here except none shared:
    # nps_prompt 0.5 x 1 / 2 = 0.25; faster_reviews 0.6 x 1 / 4 = 0.15; price 0.8 x 1 / 6;
    # usage 0.4 x 1 / 3; sso 0.5 x (1 + 1) / 8 = 0.125; deploy_dashboard moves no KPI: 0
    expected = {
        "nps_prompt": 0.25,
        "faster_reviews": 0.15,
        "price_list_2026": 0.8 / 6,
        "usage_upsell": 0.4 / 3,
        "sso_enterprise": 0.125,
        "deploy_dashboard": 0.0,
    }
    for key, score in expected.items():
        assert found[key]["score"] == pytest.approx(score, abs=1e-12), key


def test_ranking_normalises_per_kpi() -> None:
    """Two initiatives on one KPI: each is divided by the larger expected middle (0.15 vs 0.05)."""
    from headway.analysis.initiatives import Listed, rank
    from headway.spec.initiatives import Initiative
    from headway.spec.metrics import Metric

    metrics = {
        "k": Metric.model_validate({"id": "k", "kind": "kpi", "source": "s", "measure": {"agg": "count"}}),
        "d": Metric.model_validate({"id": "d", "kind": "delivery", "source": "s", "measure": {"agg": "count"}}),
    }

    class FakeEngine:
        workspace = type("W", (), {"metrics": metrics})

    big = Initiative(
        id="big", name="B", owner="o", effort=5, confidence=0.6, expects=[{"metric": "k", "low": 0.1, "high": 0.2}]
    )
    small = Initiative(
        id="small",
        name="S",
        owner="o",
        effort=1,
        confidence=0.9,
        expects=[{"metric": "k", "low": 0.04, "high": 0.06}, {"metric": "d", "low": 1, "high": 3}],
    )
    rows = {r["id"]: r for r in rank([Listed(big, "t"), Listed(small, "t")], FakeEngine())}  # type: ignore[arg-type]
    assert rows["big"]["score"] == pytest.approx(0.6 * 1.0 / 5)  # 0.12
    assert rows["small"]["score"] == pytest.approx(0.9 * (0.05 / 0.15) / 1)  # 0.3; `d` leads to no KPI
    assert (rows["small"]["rank"], rows["big"]["rank"]) == (1, 2)
