"""Annotations from annotations/*.yml and from the API, on the demo (seed 42, small), in a real server.

The demo ships annotations/timeline.yml: the price change (a window, scoped to arpa and others) and
the mobile tracking outage (a day, scoped by the tag `engagement`). What the API stores is read back
with plain sqlite3, not through Headway.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fixtures import Server

from headway.demo import generate
from headway.serve import create_app
from headway.spec import check_workspace

HEADWAY = Path(sys.executable).parent / "headway"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("notes") / "acme", seed=42, scale="small").path


@pytest.fixture(scope="module")
def server(demo: Path) -> Iterator[Server]:
    with Server(create_app(demo, warm=False)) as running:
        yield running


def notes(server: Server, **params: str) -> list[dict[str, Any]]:
    body = httpx.get(f"{server.url}/api/v1/annotations", params=params, timeout=30).json()
    found: list[dict[str, Any]] = body["annotations"]
    return found


def post(server: Server, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(f"{server.url}/api/v1/annotations", json=body, timeout=30)


def test_yaml_annotations_are_scoped_by_metric_and_by_tag(server: Server) -> None:
    price = {"Price change (starter 49 to 59 USD, pro 199 to 239 USD)"}
    outage = {"Mobile tracking outage"}
    assert {n["title"] for n in notes(server, metric="arpa")} >= price
    assert not {n["title"] for n in notes(server, metric="arpa")} & outage  # arpa is not tagged engagement
    assert {n["title"] for n in notes(server, metric="sessions")} >= outage  # sessions is
    window = next(n for n in notes(server) if n["title"] in price)
    assert (window["at"], window["until"], window["source"]) == ("2026-08-01", "2026-08-28", "yaml")
    assert window["id"] == "yaml:annotations/timeline.yml:3"


def test_posted_annotations_are_stored_and_listed(server: Server, demo: Path) -> None:
    made = post(
        server,
        {"title": "EU mobile app broke — Zürich users", "kind": "incident", "at": "2026-09-10", "until": "2026-09-12",
         "metrics": ["csat"], "author": "Zoë", "link": "https://status.acme.example/incidents/42"},
    )  # fmt: skip
    assert made.status_code == 201
    body = made.json()
    assert body["source"] == "api" and isinstance(body["id"], int)
    assert body in notes(server, metric="csat")
    assert body not in notes(server, metric="arpa")
    assert body in notes(server, **{"from": "2026-09-12", "to": "2026-12-31"})  # the window overlaps
    assert body not in notes(server, **{"from": "2026-09-13"})
    with sqlite3.connect(demo / ".headway" / "state.db") as con:
        row = con.execute("select title, at, until, author, via from annotations where id = ?", [body["id"]]).fetchone()
    assert row == ("EU mobile app broke — Zürich users", "2026-09-10", "2026-09-12", "Zoë", "api")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"title": "x", "at": "2026-09-10", "metrics": ["cast"]}, 400, "unknown_scope"),
        ({"title": "x", "at": "2026-09-10", "link": "javascript:alert(1)"}, 422, "invalid_request"),
        ({"title": "x", "at": "2026-09-10", "until": "2026-09-01"}, 422, "invalid_request"),
        ({"title": "", "at": "2026-09-10"}, 422, "invalid_request"),
        ({"title": "x" * 201, "at": "2026-09-10"}, 422, "invalid_request"),
        ({"title": "x", "at": "2026-02-30"}, 422, "invalid_request"),
        ({"title": "x", "at": "2026-09-10", "kind": "rumour"}, 422, "invalid_request"),
        ({"title": "x", "at": "2026-09-10", "sql": "drop table annotations"}, 422, "invalid_request"),
    ],
    ids=["unknown-metric", "script-link", "window-backwards", "empty", "too-long", "no-such-day", "kind", "extra"],
)
def test_bad_annotations_are_refused_with_the_one_error_shape(
    server: Server, body: dict[str, Any], status: int, code: str
) -> None:
    answer = post(server, body)
    assert (answer.status_code, answer.json()["code"]) == (status, code)
    assert set(answer.json()) == {"ok", "status", "error", "hint", "code", "errors"}


def test_unknown_metric_filter(server: Server) -> None:
    answer = httpx.get(f"{server.url}/api/v1/annotations", params={"metric": "arpaa"}, timeout=30)
    assert answer.status_code == 404 and answer.json()["hint"] == "Did you mean 'arpa'?"


def test_validate_points_at_the_annotation_line(demo: Path, tmp_path: Path) -> None:
    ws = Path(shutil.copytree(demo, tmp_path / "ws", ignore=shutil.ignore_patterns("data", ".headway")))
    with (ws / "annotations" / "timeline.yml").open("a", encoding="utf-8") as f:
        f.write("\n  - title: Typo\n    at: 2026-09-01\n    metrics: [cycle_tme]\n")
        f.write("  - title: Backwards\n    at: 2026-09-10\n    until: 2026-09-01\n")
    lines = (ws / "annotations" / "timeline.yml").read_text(encoding="utf-8").splitlines()
    typo_line = lines.index("    metrics: [cycle_tme]") + 1
    _, issues = check_workspace(ws)
    found = {(i.file, i.line, i.message, i.hint) for i in issues}
    assert (
        "annotations/timeline.yml",
        typo_line,
        "annotation 'Typo' names unknown metric 'cycle_tme'",
        "Did you mean 'cycle_time'?",
    ) in found
    assert any("until (2026-09-01) is before at (2026-09-10)" in i.message for i in issues)
    done = subprocess.run([HEADWAY, "validate", "-w", str(ws)], capture_output=True, text=True)
    assert done.returncode == 1 and f"annotations/timeline.yml:{typo_line}" in done.stdout + done.stderr
