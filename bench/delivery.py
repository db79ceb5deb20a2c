"""Delivery webhooks under load: deliveries/s through POST /webhooks/github, and 2xx -> visible delay.

A real `headway serve` process on a fresh workspace with the delivery library. N signed
deliveries (merged PRs and successful production deployments, alternating) are posted
from 4 client threads; "accepted/s" counts 2xx answers, "processed/s" the time until
/api/v1/delivery/status reports nothing pending. Then, one at a time, a new production
deployment is posted and `deployment_frequency` is polled until the query counts it:
the delay from the 2xx to the value (median of 5).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

SECRET = "bench-secret"
HEADWAY = Path(sys.executable).parent / "headway"
N = int(os.environ.get("BENCH_DELIVERIES", "2000"))
CONFIG = """name: bench
include: [delivery]
delivery:
  services: {"acme/shop": shop}
"""


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _payload(i: int, base: dt.datetime) -> tuple[str, bytes]:
    at = (base + dt.timedelta(minutes=10 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
    repo = {"full_name": "acme/shop"}
    if i % 2 == 0:
        pr = {"number": i, "title": f"PR {i}", "state": "closed", "merged": True, "merged_at": at, "closed_at": at,
              "created_at": at, "updated_at": at, "merge_commit_sha": f"{i:040x}", "user": {"login": "dev"},
              "additions": 3, "deletions": 1, "labels": []}  # fmt: skip
        return "pull_request", json.dumps({"action": "closed", "pull_request": pr, "repository": repo}).encode()
    deployment = {"id": i, "environment": "production", "sha": f"{i - 1:040x}", "created_at": at}
    status = {"state": "success", "created_at": at, "updated_at": at}
    return "deployment_status", json.dumps(
        {"deployment": deployment, "deployment_status": status, "repository": repo}
    ).encode()


def _post(client: httpx.Client, url: str, event: str, body: bytes, delivery: str) -> int:
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    headers = {"X-GitHub-Event": event, "X-GitHub-Delivery": delivery, "X-Hub-Signature-256": signature}
    return client.post(f"{url}/webhooks/github", content=body, headers=headers).status_code


def _wait_idle(client: httpx.Client, url: str) -> dict[str, Any]:
    while True:
        status: dict[str, Any] = client.get(f"{url}/api/v1/delivery/status").json()
        if status["pending"] == 0:
            return status
        time.sleep(0.02)


def run() -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="headway-bench-delivery-"))
    (work / "headway.yml").write_text(CONFIG, encoding="utf-8")
    port = _port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "HEADWAY_GITHUB_WEBHOOK_SECRET": SECRET}
    server = subprocess.Popen(
        [str(HEADWAY), "serve", "-w", str(work), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with httpx.Client(timeout=30) as client:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if client.get(f"{url}/api/v1/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            base = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
            payloads = [_payload(i, base) for i in range(N)]
            started = time.perf_counter()
            with ThreadPoolExecutor(4) as pool, httpx.Client(timeout=30) as poster:
                codes = list(pool.map(lambda i: _post(poster, url, *payloads[i], f"bench-{i}"), range(N)))
            accepted = time.perf_counter() - started
            status = _wait_idle(client, url)
            processed = time.perf_counter() - started
            delays = [_visible_delay(client, url, N + k, base) for k in range(5)]
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "deliveries": N,
        "accepted_2xx": sum(1 for c in codes if 200 <= c < 300),
        "accepted_per_s": N / accepted,
        "processed_per_s": N / processed,
        "processed": status["processed"],
        "delay_2xx_to_query_ms_median": statistics.median(delays) * 1000,
        "delay_2xx_to_query_ms_max": max(delays) * 1000,
    }


def _visible_delay(client: httpx.Client, url: str, i: int, base: dt.datetime) -> float:
    """Post one production deployment on a day of its own; seconds until deployment_frequency counts it."""
    day = (base + dt.timedelta(minutes=10 * N, days=i - N + 1)).date()  # a day after the bulk, of its own
    at = f"{day.isoformat()}T12:00:00Z"
    body = json.dumps(
        {
            "deployment": {"id": i, "environment": "production", "sha": f"{i:040x}", "created_at": at},
            "deployment_status": {"state": "success", "created_at": at, "updated_at": at},
            "repository": {"full_name": "acme/shop"},
        }
    ).encode()
    query = f"{url}/api/v1/metrics/deployment_frequency/query"
    params = {"grain": "day", "from": day.isoformat(), "to": day.isoformat()}
    assert _post(client, url, "deployment_status", body, f"visible-{i}") == 202
    sent = time.perf_counter()
    while time.perf_counter() - sent < 30:
        rows = client.get(query, params=params).json().get("rows", [])
        if any(r["period"] == day.isoformat() and r["value"] == 1 for r in rows):
            return time.perf_counter() - sent
        time.sleep(0.02)
    raise TimeoutError("the deployment never became visible")


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
