"""Alerts in `headway serve`: scheduled evaluation after a data refresh, the feed, acknowledgement."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from alerting import Clock, Receiver, SmtpServer, build_shop, write_orders
from fixtures import Server

from headway.alerts.channels import Context
from headway.alerts.links import sign
from headway.serve import create_app
from headway.serve.alerts_service import AlertOptions, AlertService

SECRET = "s3cret"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as s:
        yield s


def options(smtp: SmtpServer, clock: Clock, interval: float) -> AlertOptions:
    env = {**smtp.env, "HEADWAY_ALERT_SECRET": SECRET, "HEADWAY_BASE_URL": "http://headway.test"}
    return AlertOptions(interval=interval, clock=clock, context=Context(env, lambda _: None, 5.0))


def test_the_server_evaluates_on_its_schedule(tmp_path: Path, receiver: Receiver, smtp: SmtpServer) -> None:
    root = build_shop(tmp_path / "shop", receiver.url("/hook"), receiver.url("/slack"))
    app = create_app(root, warm=False, alerts=options(smtp, Clock(), interval=0.2))
    with Server(app):
        deadline = time.monotonic() + 30
        while not receiver.at("/hook") and time.monotonic() < deadline:
            time.sleep(0.1)
    assert [m["metric"] for m in receiver.at("/hook")] == ["revenue"]


@pytest.fixture
def served(tmp_path: Path, receiver: Receiver, smtp: SmtpServer) -> Iterator[tuple[Server, AlertService, Clock, Path]]:
    root = build_shop(tmp_path / "shop", receiver.url("/hook"), receiver.url("/slack"))
    clock = Clock()
    app = create_app(root, warm=False, alerts=options(smtp, clock, interval=0))
    with Server(app) as server:
        yield server, app.state.alerts, clock, root


def test_feed_ack_and_signed_link(served: tuple[Server, AlertService, Clock, Path], receiver: Receiver) -> None:
    server, service, clock, root = served
    assert service.tick() == "evaluated"
    with httpx.Client(base_url=server.url) as client:
        feed = client.get("/api/v1/alerts").json()["alerts"]
        assert sorted(a["metric"] for a in feed) == ["revenue", "signups"]
        kpi = next(a for a in feed if a["metric"] == "revenue")
        driver = next(a for a in feed if a["metric"] == "signups")
        assert (kpi["state"], kpi["value"], kpi["expected"]) == ("firing", 400.0, 1010.0)

        forged = client.get(f"/api/v1/alerts/{driver['id']}/ack", params={"token": sign(b"other", driver["id"])})
        assert forged.status_code == 403 and forged.json()["code"] == "invalid_token"
        hostile = client.get(f"/api/v1/alerts/{driver['id']}/ack", params={"token": "ключ' OR 1=1 --"})
        assert hostile.status_code == 403
        link = client.get(f"/api/v1/alerts/{driver['id']}/ack", params={"token": sign(SECRET.encode(), driver["id"])})
        assert link.status_code == 200 and link.json()["acknowledged_by"] == "signed link"

        acked = client.post(f"/api/v1/alerts/{kpi['id']}/ack", json={"by": "cfo@shop.example"})
        assert acked.status_code == 200 and acked.json()["state"] == "acknowledged"
        detail = client.get(f"/api/v1/alerts/{kpi['id']}").json()
        assert [e["kind"] for e in detail["history"]][-1] == "acknowledged"

        missing = client.post("/api/v1/alerts/999/ack", json={"by": "x"})
        assert missing.status_code == 404 and missing.json()["code"] == "unknown_alert"
        empty = client.post(f"/api/v1/alerts/{kpi['id']}/ack", json={"by": ""})
        assert empty.status_code == 422 and empty.json()["ok"] is False

        clock.advance(days=1)
        assert service.tick() == "escalated"  # same data: only escalation, and both are acknowledged
        assert len(receiver.at("/hook")) == 1

        write_orders(root / "data" / "orders.parquet", drop_last=False)  # a data refresh
        assert service.tick() == "evaluated"
        assert {a["state"] for a in client.get("/api/v1/alerts").json()["alerts"]} == {"resolved"}
        resolved = client.post(f"/api/v1/alerts/{kpi['id']}/ack", json={"by": "x"})
        assert resolved.status_code == 409 and resolved.json()["code"] == "already_resolved"
        bad_state = client.get("/api/v1/alerts", params={"state": "exploded"})
        assert bad_state.status_code == 422
