"""Alert lifecycle end to end: a real HTTP receiver, a real SMTP server, an injected clock.

Expected numbers come from the data in `alerting.py`: revenue is 1010 on weekdays and 1000 at
weekends, so the 14-day median before 2026-03-01 is 1010 (ten weekdays out of fourteen) and
its MAD is 0; the last day's 400 is 610 below it. Sign-ups are 50 a day, then 20.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alerting import Clock, Receiver, SmtpServer, build_shop, write_orders
from typer.testing import CliRunner

from headway.alerts.channels import Context
from headway.alerts.delivery import dedupe_key
from headway.alerts.feed import history, incidents
from headway.alerts.lifecycle import AckError, Alerting
from headway.cli.main import app
from headway.engine import Engine
from headway.spec import load_workspace
from headway.spec.alerts import load_alerts
from headway.store import StateStore, state_url


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as s:
        yield s


@pytest.fixture
def shop(tmp_path: Path, receiver: Receiver) -> Path:
    return build_shop(tmp_path / "shop", receiver.url("/hook"), receiver.url("/slack"))


class Harness:
    def __init__(self, root: Path, smtp: SmtpServer, clock: Clock, sleeps: list[float]):
        ws = load_workspace(root)
        self.store = StateStore.open(state_url(root, env={}))
        self.engine = Engine(ws)
        env = {**smtp.env, "HEADWAY_ALERT_SECRET": "s3cret", "HEADWAY_BASE_URL": "http://headway.test"}
        self.alerting = Alerting(self.engine, self.store, load_alerts(ws), clock, Context(env, sleeps.append, 5.0))

    def close(self) -> None:
        self.engine.close()
        self.store.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def harness(shop: Path, smtp: SmtpServer, clock: Clock, sleeps: list[float]) -> Iterator[Harness]:
    h = Harness(shop, smtp, clock, sleeps)
    yield h
    h.close()


def test_a_drop_fires_one_incident_naming_its_driver(harness: Harness, receiver: Receiver) -> None:
    report = harness.alerting.run()
    assert report.outcomes == {"revenue_drop": "firing", "signups_drop": "firing"}
    [kpi] = [i for i in incidents(harness.store) if i["metric"] == "revenue"]
    assert (kpi["period"], kpi["value"], kpi["expected"], kpi["low"], kpi["high"], kpi["direction"]) == (
        "2026-03-01",
        400.0,
        1010.0,
        1010.0,
        1010.0,
        "down",
    )
    assert kpi["drivers"] == [{"metric": "signups", "direction": "down", "sign": "positive", "evidence": "consistent"}]
    [driver] = [i for i in incidents(harness.store) if i["metric"] == "signups"]
    assert driver["parent_id"] == kpi["id"]
    # one message per channel: the KPI's, with the driver named in it; the driver does not page on its own
    [hook] = receiver.at("/hook")
    [slack] = receiver.at("/slack")
    assert hook["metric"] == "revenue" and hook["notify"] == ["cfo@shop.example"]
    text = hook["text"]
    assert "was 400 EUR in the period 2026-03-01, expected 1,010" in text
    assert "change: -610 (-60.4%)" in text
    assert "baseline: rolling, plain (rule revenue_drop), band 1,010 to 1,010" in text  # too short a history to adjust
    assert "chart: http://headway.test/api/v1/metrics/revenue/query?grain=day&from=2026-03-01" in text
    assert "owner: cfo@shop.example" in text and "counter-metrics to check: refunds" in text
    assert "suspected drivers: signups (down, consistent)" in text
    assert f"acknowledge: http://headway.test/api/v1/alerts/{kpi['id']}/ack?token=" in text
    assert slack["text"].startswith("*[FIRING] Revenue fell below its band on 2026-03-01*")


def test_running_again_deduplicates(harness: Harness, receiver: Receiver) -> None:
    harness.alerting.run()
    harness.alerting.run()
    assert len(incidents(harness.store)) == 2  # revenue and signups, once each
    assert len(receiver.at("/hook")) == 1
    assert dedupe_key("revenue_drop", "revenue") == dedupe_key("revenue_drop", "revenue") != dedupe_key("x", "revenue")


def test_escalation_repeats_then_steward_then_group_by_email(
    harness: Harness, receiver: Receiver, smtp: SmtpServer, clock: Clock
) -> None:
    harness.alerting.run()
    clock.advance(hours=1, minutes=59)
    harness.alerting.escalate()
    assert len(receiver.at("/hook")) == 1  # nothing due yet
    clock.advance(minutes=1)  # 2 h: the repeat interval
    harness.alerting.escalate()
    assert [m["notify"] for m in receiver.at("/hook")] == [["cfo@shop.example"], ["cfo@shop.example"]]
    clock.advance(hours=2)  # 4 h unacknowledged: the steward
    harness.alerting.escalate()
    assert receiver.at("/hook")[-1]["notify"] == ["data@shop.example"]
    assert "escalated to level 2" in receiver.at("/hook")[-1]["text"]
    assert smtp.messages == []
    clock.advance(hours=20)  # 1 day: the leads group, whose channel is email
    harness.alerting.escalate()
    [mail] = smtp.messages
    assert sorted(mail["to"]) == ["alerts@shop.example", "ceo@shop.example"]
    assert "Subject: [FIRING] Revenue fell below its band on 2026-03-01" in mail["data"]


def test_acknowledging_stops_escalation(harness: Harness, receiver: Receiver, smtp: SmtpServer, clock: Clock) -> None:
    harness.alerting.run()
    [kpi] = [i for i in incidents(harness.store) if i["metric"] == "revenue"]
    acked = harness.alerting.acknowledge(kpi["id"], "cfo@shop.example")
    assert acked["state"] == "acknowledged" and acked["acknowledged_by"] == "cfo@shop.example"
    clock.advance(days=2)
    harness.alerting.escalate()
    harness.alerting.run()  # still firing in the data: stays acknowledged, no new incident
    assert len(receiver.at("/hook")) == 1 and smtp.messages == []
    assert [e["kind"] for e in history(harness.store, kpi["id"])] == [
        "opened",
        "escalated",
        "delivery",
        "delivery",
        "acknowledged",
    ]


def test_acknowledging_unknown_or_resolved_is_refused(harness: Harness, shop: Path, clock: Clock) -> None:
    with pytest.raises(AckError, match="no alert incident 99"):
        harness.alerting.acknowledge(99, "x")
    harness.alerting.run()
    write_orders(shop / "data" / "orders.parquet", drop_last=False)
    clock.advance(hours=1)
    report = harness.alerting.run()
    assert len(report.resolved) == 2
    with pytest.raises(AckError, match="already resolved"):
        harness.alerting.acknowledge(report.resolved[0], "x")


def test_recovery_resolves_and_says_so(harness: Harness, receiver: Receiver, shop: Path, clock: Clock) -> None:
    harness.alerting.run()
    write_orders(shop / "data" / "orders.parquet", drop_last=False)
    clock.advance(hours=1)
    report = harness.alerting.run()
    assert report.outcomes == {"revenue_drop": "normal", "signups_drop": "normal"}
    assert all(i["state"] == "resolved" for i in incidents(harness.store))
    assert receiver.at("/hook")[-1]["subject"].startswith("[RESOLVED] Revenue")
    clock.advance(days=1)
    harness.alerting.escalate()
    assert len(receiver.at("/hook")) == 2  # nothing more once resolved


def test_quiet_hours_hold_messages_until_they_end(tmp_path: Path, receiver: Receiver, smtp: SmtpServer) -> None:
    root = build_shop(tmp_path / "q", receiver.url("/hook"), receiver.url("/slack"))
    text = (root / "alerts" / "shop.yml").read_text(encoding="utf-8")
    (root / "alerts" / "shop.yml").write_text(
        text.replace(
            "    repeat: 2h\n",
            '    repeat: 2h\n    quiet_hours: {start: "22:00", end: "07:00", timezone: Europe/Paris}\n',
        ),
        encoding="utf-8",
    )
    clock = Clock()
    clock.now = clock.now.replace(hour=22, minute=30)  # 23:30 in Paris
    h = Harness(root, smtp, clock, [])
    try:
        h.alerting.run()
        assert receiver.at("/hook") == []
        clock.advance(hours=7, minutes=30)  # 07:00 in Paris
        h.alerting.escalate()
        assert len(receiver.at("/hook")) == 1
    finally:
        h.close()


def test_a_404_disables_the_channel_and_tells_its_owner(
    harness: Harness, receiver: Receiver, smtp: SmtpServer, clock: Clock
) -> None:
    receiver.script["/hook"] = [(404, "no such hook", {})]
    report = harness.alerting.run()
    assert {(d.channel, d.outcome.value) for d in report.deliveries} >= {("hook", "gone"), ("slack", "sent")}
    [mail] = smtp.messages
    assert mail["to"] == ["alerts@shop.example", "ops@shop.example"] or sorted(mail["to"]) == [
        "alerts@shop.example",
        "ops@shop.example",
    ]
    assert "disabled alert channel 'hook'" in mail["data"]
    clock.advance(hours=2)
    harness.alerting.escalate()
    assert len(receiver.at("/hook")) == 1 and len(receiver.at("/slack")) == 2  # the hook is not called again


def test_a_429_is_retried_after_its_retry_after(harness: Harness, receiver: Receiver, sleeps: list[float]) -> None:
    receiver.script["/slack"] = [(429, "rate limited", {"Retry-After": "2"}), (200, "ok", {})]
    report = harness.alerting.run()
    assert sleeps == [2.0]
    assert [d.outcome.value for d in report.deliveries if d.channel == "slack"] == ["sent"]
    assert len(receiver.at("/slack")) == 2


def test_slack_counts_only_200_ok(harness: Harness, receiver: Receiver) -> None:
    receiver.script["/slack"] = [(200, "invalid_payload", {})]
    report = harness.alerting.run()
    [slack] = [d for d in report.deliveries if d.channel == "slack"]
    assert slack.outcome.value == "failed" and "invalid_payload" in slack.detail


def test_an_erroring_rule_tells_its_owner(harness: Harness, receiver: Receiver, shop: Path) -> None:
    (shop / "data" / "orders.parquet").unlink()
    report = harness.alerting.run()
    assert report.outcomes == {"revenue_drop": "evaluation_error", "signups_drop": "evaluation_error"}
    subjects = [m["subject"] for m in receiver.at("/hook")]
    assert subjects == [
        "[ERROR] alert rule revenue_drop cannot be evaluated",
        "[ERROR] alert rule signups_drop cannot be evaluated",
    ]
    assert receiver.at("/hook")[0]["notify"] == ["cfo@shop.example"]
    harness.alerting.run()
    assert len(receiver.at("/hook")) == 2  # told once per change, not on every run


# -- the CLI ---------------------------------------------------------------------


def test_backtest_json_lists_the_alert(shop: Path) -> None:
    args = [
        "alerts",
        "test",
        "revenue_drop",
        "--from",
        "2026-02-01",
        "--to",
        "2026-03-01",
        "--format",
        "json",
        "-w",
        str(shop),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["rule"] == "revenue_drop" and body["baseline"] == "rolling" and body["variant"] == "plain"
    flat = {"period": "2026-03-01", "value": 400.0, "expected": 1010.0, "low": 1010.0, "high": 1010.0}
    assert body["alerts"] == [{**flat, "direction": "down", "variant": "plain"}]  # a flat week: nothing to adjust


def test_backtest_against_another_metric_in_another_machine_zone(shop: Path) -> None:
    env = {**os.environ, "TZ": "America/Los_Angeles"}
    args = [
        "alerts",
        "test",
        "revenue_drop",
        "--metric",
        "signups",
        "--from",
        "2026-02-20",
        "--format",
        "json",
        "-w",
        str(shop),
    ]
    out = subprocess.run([sys.executable, "-m", "headway", *args], env=env, capture_output=True, text=True, check=True)
    alerts: list[dict[str, Any]] = json.loads(out.stdout)["alerts"]
    assert alerts == [
        {"period": "2026-03-01", "value": 20, "expected": 50.0, "low": 50.0, "high": 50.0}
        | {"direction": "down", "variant": "plain"}
    ]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["alerts", "test", "revenue_drp"], 1, "unknown alert rule 'revenue_drp'"),
        (["alerts", "test", "revenue_drop", "--metric", "revenu"], 1, "unknown metric 'revenu'"),
        (["alerts", "test", "revenue_drop", "--from", "2026-03-01", "--to", "2026-02-01"], 2, "--from is after --to"),
        (["alerts", "test", "revenue_drop", "--from", "yesterday"], 2, "yesterday"),
    ],
    ids=["unknown-rule", "unknown-metric", "reversed-range", "bad-date"],
)
def test_backtest_refuses_bad_input(shop: Path, args: list[str], code: int, message: str) -> None:
    result = CliRunner().invoke(app, [*args, "-w", str(shop)])
    assert result.exit_code == code
    assert message in result.stderr


def test_alerts_run_command(shop: Path, receiver: Receiver) -> None:
    result = CliRunner().invoke(app, ["alerts", "run", "--format", "json", "-w", str(shop)])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["outcomes"] == {"revenue_drop": "firing", "signups_drop": "firing"} and len(body["opened"]) == 2
    assert {d["channel"] for d in body["deliveries"]} == {"hook", "slack"}
    again = CliRunner().invoke(app, ["alerts", "run", "-w", str(shop)])
    assert "2 rule(s) evaluated, 0 opened, 0 resolved, 0 message(s) sent, 0 failed" in again.stdout


def test_alerts_run_exits_3_when_a_rule_cannot_be_evaluated(shop: Path, receiver: Receiver) -> None:
    (shop / "data" / "orders.parquet").unlink()
    result = CliRunner().invoke(app, ["alerts", "run", "-w", str(shop)])
    assert result.exit_code == 3
    assert "revenue_drop: evaluation_error" in result.stdout


def test_alerts_run_refuses_a_broken_alert_file(shop: Path) -> None:
    path = shop / "alerts" / "shop.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("metric: revenue\n", "metric: revenu\n"), encoding="utf-8")
    result = CliRunner().invoke(app, ["alerts", "run", "-w", str(shop)])
    assert result.exit_code == 1
    assert "alerts/shop.yml:3 alerts[0].metric: unknown metric 'revenu'. Did you mean 'revenue'?" in result.stderr


BY_SHOP = """  - id: signups_by_shop
    metric: signups
    by: [shop]
    window: 14
    channels: [hook]
"""


def test_a_rule_with_by_watches_each_slice(tmp_path: Path, receiver: Receiver, smtp: SmtpServer) -> None:
    root = build_shop(tmp_path / "s", receiver.url("/hook"), receiver.url("/slack"), extra_rules=BY_SHOP)
    args = ["alerts", "test", "signups_by_shop", "--from", "2026-02-01", "--format", "json", "-w", str(root)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["alerts"] == [
        {
            "period": "2026-03-01",
            "value": 0,
            "expected": 30.0,
            "low": 30.0,
            "high": 30.0,
            "direction": "down",
            "variant": "plain",
            "series": {"shop": "Zürich"},
        }
    ]
    h = Harness(root, smtp, Clock(), [])
    try:
        report = h.alerting.run()
        assert report.outcomes["signups_by_shop[shop=Zürich]"] == "firing"
        assert report.outcomes["signups_by_shop[shop=Ōsaka]"] == "normal"
        [sliced] = [i for i in incidents(h.store) if i["rule"] == "signups_by_shop"]
        assert sliced["series"] == {"shop": "Zürich"}
        subjects = [m["subject"] for m in receiver.at("/hook")]
        assert "[FIRING] Sign-ups (shop=Zürich) fell below its band on 2026-03-01" in subjects
    finally:
        h.close()


def test_an_inline_rule_is_loaded_and_backtested(shop: Path) -> None:
    path = shop / "metrics" / "shop.yml"
    text = path.read_text(encoding="utf-8").replace(
        "    filter: \"kind = 'refund'\"\n",
        "    filter: \"kind = 'refund'\"\n    alerts: [{id: refunds_up, window: 14}]\n",
    )
    path.write_text(text, encoding="utf-8")
    spec = load_alerts(load_workspace(shop))
    assert spec.rules["refunds_up"].metric == "refunds"
    assert spec.where("alerts", "refunds_up") == "metrics/shop.yml:31"  # the line after `filter:` (line 30)
    result = CliRunner().invoke(app, ["alerts", "test", "refunds_up", "--format", "json", "-w", str(shop)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["alerts"] == []  # one refund a day, every day


def test_drivers_follow_their_kpi_incident(harness: Harness, receiver: Receiver, shop: Path, clock: Clock) -> None:
    harness.alerting.run()
    kpi = next(i for i in incidents(harness.store) if i["metric"] == "revenue")
    harness.alerting.acknowledge(kpi["id"], "cfo@shop.example")
    driver = next(i for i in incidents(harness.store) if i["metric"] == "signups")
    assert (driver["state"], driver["acknowledged_by"]) == ("acknowledged", "cfo@shop.example")
    assert history(harness.store, driver["id"])[-1]["detail"] == {"by": "cfo@shop.example", "with_incident": kpi["id"]}


def test_a_driver_still_firing_pages_alone_once_its_kpi_resolves(
    harness: Harness, receiver: Receiver, shop: Path, clock: Clock
) -> None:
    harness.alerting.run()
    write_orders(shop / "data" / "orders.parquet", drop_last=True, revenue_drops=False)  # revenue recovers
    clock.advance(hours=1)
    report = harness.alerting.run()
    assert report.outcomes == {"revenue_drop": "normal", "signups_drop": "firing"}
    driver = next(i for i in incidents(harness.store) if i["metric"] == "signups")
    assert driver["parent_id"] is None and driver["state"] == "firing"
    assert [m["subject"] for m in receiver.at("/hook")] == [
        "[FIRING] Revenue fell below its band on 2026-03-01",
        "[RESOLVED] Revenue fell below its band on 2026-03-01",
        "[FIRING] Sign-ups fell below its band on 2026-03-01",
    ]
