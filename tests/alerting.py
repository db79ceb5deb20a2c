"""Real things for alert tests: a small daily workspace, an HTTP receiver, an SMTP server, a clock.

The workspace holds 60 days of orders: revenue 1000 a day (+10 on weekdays 0-4) and 50 signups
a day, both flat, so every baseline expects exactly those numbers. `drop_last` makes the last
day's revenue 400 and signups 20 (none from the Zürich shop): a clear drop that any rule below must catch.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from aiosmtpd.controller import Controller
from fixtures import free_port

FIRST_DAY = dt.date(2026, 1, 1)
DAYS = 60
LAST_DAY = FIRST_DAY + dt.timedelta(days=DAYS - 1)  # 2026-03-01

HEADWAY_YML = "name: shop\ntimezone: UTC\ndefault_grain: day\n"
SOURCES_YML = """sources:
  - name: orders
    path: data/orders.parquet
    time: ts
    columns:
      ts: {type: timestamp}
      amount: {type: double}
      kind: {type: string}
      shop: {type: string}
"""
METRICS_YML = """metrics:
  - id: revenue
    name: Revenue
    kind: kpi
    owner: cfo@shop.example
    steward: data@shop.example
    direction: increase
    unit: EUR
    source: orders
    measure: {agg: sum, expr: amount}
    filter: "kind = 'order'"
    counter_metrics: [refunds]
  - id: signups
    name: Sign-ups
    kind: input
    owner: growth@shop.example
    direction: increase
    source: orders
    measure: {agg: count}
    filter: "kind = 'signup'"
    dimensions: [shop]
    contributes_to: [{metric: revenue, sign: positive, lag: 7d}]
  - id: refunds
    name: Refunds
    kind: counter
    owner: cfo@shop.example
    direction: decrease
    source: orders
    measure: {agg: count}
    filter: "kind = 'refund'"
"""


def alerts_yml(webhook: str, slack: str, extra: str = "") -> str:
    return f"""alerts:
  - id: revenue_drop
    metric: revenue
    baseline: rolling
    window: 14
    k: 3
    min_rel_change: 0.1
    channels: [hook, slack]
    escalation: standard
  - id: signups_drop
    metric: signups
    baseline: rolling
    window: 14
    channels: [hook, slack]
    escalation: standard
{extra}
channels:
  - {{name: hook, type: webhook, url: "{webhook}", owner: ops@shop.example}}
  - {{name: slack, type: slack, url: "{slack}", owner: ops@shop.example}}
  - {{name: mail, type: email, to: [alerts@shop.example]}}
escalations:
  - name: standard
    levels:
      - {{notify: owner}}
      - {{notify: steward, after: 4h}}
      - {{notify: leads, after: 1d}}
    repeat: 2h
groups:
  - {{name: leads, members: [ceo@shop.example], channels: [mail]}}
"""


def write_orders(path: Path, drop_last: bool, revenue_drops: bool = True) -> None:
    """Sign-ups come from two shops, 30 and 20 a day; on the dropped day all 20 are from Ōsaka."""
    rows: list[tuple[dt.datetime, float, str, str]] = []
    for i in range(DAYS):
        day = FIRST_DAY + dt.timedelta(days=i)
        noon = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
        last = drop_last and i == DAYS - 1
        revenue = 400.0 if last and revenue_drops else 1000.0 + (10.0 if day.weekday() < 5 else 0.0)
        rows.append((noon, revenue, "order", "Zürich"))
        rows += [(noon, 0.0, "signup", "Zürich")] * (0 if last else 30)
        rows += [(noon, 0.0, "signup", "Ōsaka")] * 20
        rows.append((noon, 0.0, "refund", "Zürich"))
    columns = list(zip(*rows, strict=True))
    table = pa.table(
        {
            "ts": pa.array(columns[0], pa.timestamp("us", tz="UTC")),
            "amount": pa.array(columns[1], pa.float64()),
            "kind": pa.array(columns[2], pa.string()),
            "shop": pa.array(columns[3], pa.string()),
        }
    )
    pq.write_table(table, path)


def build_shop(dest: Path, webhook: str, slack: str, *, drop_last: bool = True, extra_rules: str = "") -> Path:
    for name, text in {
        "headway.yml": HEADWAY_YML,
        "sources/orders.yml": SOURCES_YML,
        "metrics/shop.yml": METRICS_YML,
        "alerts/shop.yml": alerts_yml(webhook, slack, extra_rules),
    }.items():
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        (dest / name).write_text(text, encoding="utf-8")
    (dest / "data").mkdir(exist_ok=True)
    write_orders(dest / "data" / "orders.parquet", drop_last)
    return dest


@dataclass
class Clock:
    now: dt.datetime = field(default_factory=lambda: dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@dataclass
class Received:
    path: str
    body: Any


class Receiver:
    """A threaded HTTP server that records every POST and answers from a per-path script.

    `script[path]` is a list of (status, body, headers) answers used in turn; the last repeats.
    """

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.script: dict[str, list[tuple[int, str, dict[str, str]]]] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                receiver.requests.append(Received(self.path, json.loads(self.rfile.read(length) or b"null")))
                answers = receiver.script.get(self.path) or [(200, "ok", {})]
                status, body, headers = answers.pop(0) if len(answers) > 1 else answers[0]
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(body.encode())))
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def at(self, path: str) -> list[Any]:
        return [r.body for r in self.requests if r.path == path]

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Sink:
    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            {"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "data": envelope.content.decode("utf-8")}
        )
        return "250 OK"


class SmtpServer:
    """A real SMTP server (aiosmtpd) on a free local port, keeping every message it receives."""

    def __init__(self) -> None:
        self.sink = _Sink()
        self.port = free_port()
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self) -> list[dict[str, Any]]:
        return self.sink.messages

    @property
    def env(self) -> dict[str, str]:
        return {
            "HEADWAY_SMTP_HOST": "127.0.0.1",
            "HEADWAY_SMTP_PORT": str(self.port),
            "HEADWAY_SMTP_FROM": "headway@shop.example",
        }

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()
