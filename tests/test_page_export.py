"""The overview and the metric tree as offline HTML files (`/export/*.html`, `headway export`), demo seed 42 small.

An export must fetch nothing (no http(s) script, stylesheet, image or link), carry exactly the
numbers `/api/v1/cards` and `/api/v1/tree` answer for the same actor, and keep hostile text inert.
The browser half of these checks (the files opened from disk with the network refused) is in
test_browser_exports.py.
"""

from __future__ import annotations

import json
import re
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

HEADWAY = Path(sys.executable).parent / "headway"
HOSTILE = "Acme </script><script>alert(1)</script> ünïcödé"
REMOTE = re.compile(r"""(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


def with_hostile_description(root: Path) -> Path:
    config = root / "headway.yml"
    text = config.read_text(encoding="utf-8")
    line = f"description: {json.dumps(HOSTILE, ensure_ascii=False)}\n"
    config.write_text(re.sub(r"description: >-\n(  .*\n)+", lambda _: line, text), "utf-8")
    return root


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return with_hostile_description(generate(tmp_path_factory.mktemp("export") / "acme", seed=42, scale="small").path)


@pytest.fixture(scope="module")
def server(demo: Path) -> Iterator[Server]:
    with Server(create_app(demo, warm=False)) as running:
        yield running


def inlined(html: str, element_id: str) -> Any:
    found = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', html, re.DOTALL)
    assert found, f"no inlined {element_id}"
    return json.loads(found.group(1))


def assert_offline(html: str) -> None:
    assert not REMOTE.search(html), REMOTE.search(html)
    assert "<script src" not in html and 'rel="stylesheet"' not in html and "@import" not in html
    assert len(re.findall(r"<script[ >]", html)) == html.count("</script>")  # nothing inlined closes early


def numbers(cards: dict[str, Any]) -> dict[str, Any]:
    """The cards without the refusal's wording, which names the actor (`viewer` on the CLI, `anonymous` on the web)."""
    return {k: [{f: v for f, v in c.items() if f != "error"} for c in row] for k, row in cards["rows"].items()}


def get(server: Server, path: str) -> httpx.Response:
    return httpx.get(f"{server.url}{path}", timeout=180)


def test_the_overview_export_carries_the_cards_api_numbers(server: Server) -> None:
    resp = get(server, "/export/overview.html")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/html")
    assert resp.headers["content-disposition"] == 'attachment; filename="acme-overview.html"'
    assert_offline(resp.text)
    cards = get(server, "/api/v1/cards").json()
    data = inlined(resp.text, "cards-data")
    assert data == cards
    shown = {c["id"]: c.get("value") for row in data["rows"].values() for c in row}
    assert shown["paid_mrr"] is not None and shown["paid_mrr"] == next(
        c["value"] for c in cards["rows"]["kpi"] if c["id"] == "paid_mrr"
    )
    # the hostile description is text, escaped once, never markup
    assert "<script>alert(1)</script>" not in resp.text
    assert "Acme &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; ünïcödé" in resp.text


def test_the_overview_export_is_the_viewers(server: Server) -> None:
    data = inlined(get(server, "/export/overview.html").text, "cards-data")
    health = {c["id"]: c for c in data["rows"]["health"]}
    assert health["team_pulse"]["reason"] == "forbidden" and "value" not in health["team_pulse"]


@pytest.mark.parametrize("query", ["", "?dimension=plan&value=pro"], ids=["whole", "filtered"])
def test_the_tree_export_carries_the_tree_api_numbers(server: Server, query: str) -> None:
    resp = get(server, f"/export/tree.html{query}")
    assert resp.status_code == 200 and resp.headers["content-disposition"] == 'attachment; filename="acme-tree.html"'
    assert_offline(resp.text)
    tree = get(server, f"/api/v1/tree{query}").json()
    data = inlined(resp.text, "tree-data")
    assert data == tree
    assert (data["filter"] is None) == (query == "")
    grades = {(e["from"], e["to"]): (e["evidence"]["grade"], e["evidence"]["verdict"]) for e in data["edges"]}
    if not query:
        assert grades[("cycle_time", "csat")] == ("association", "supports")  # the planted relationship


def test_a_half_tree_filter_is_a_400_in_the_one_error_shape(server: Server) -> None:
    resp = get(server, "/export/tree.html?dimension=plan")
    assert resp.status_code == 400
    body = resp.json()
    assert body["ok"] is False and body["error"] == "dimension and value go together" and "value=" in body["hint"]


def test_the_cli_writes_the_same_files_for_the_same_actor(server: Server, demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "overview.html"
    args = [str(HEADWAY), "export", "overview", "--out", str(out), "--as", "viewer", "-w", str(demo)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert " ".join(done.stdout.split()).startswith(f"wrote the overview as offline HTML to {out}")  # Rich wraps
    html = out.read_text(encoding="utf-8")
    assert_offline(html)
    assert numbers(inlined(html, "cards-data")) == numbers(get(server, "/api/v1/cards").json())
    tree = tmp_path / "tree.html"
    args = [str(HEADWAY), "export", "tree", "-o", str(tree), "--dimension", "plan", "--value", "pro", "-w", str(demo)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (
        inlined(tree.read_text(encoding="utf-8"), "tree-data")
        == get(server, "/api/v1/tree?dimension=plan&value=pro").json()
    )


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["tree", "--out", "{tmp}/t.html", "--dimension", "plan"], 2, "--dimension and --value go together"),
        (["overview", "--out", "{tmp}/missing/dir/o.html"], 3, "cannot write"),
        (["tree", "--out", "{tmp}/t.html", "--dimension", "plan", "--value", "nope"], 0, "wrote the metric tree"),
    ],
    ids=["half-filter", "unwritable", "unknown-value-is-not-an-error"],
)
def test_cli_mistakes_exit_with_their_codes(demo: Path, tmp_path: Path, args: list[str], code: int, words: str) -> None:
    argv = [str(HEADWAY), "export", *(a.replace("{tmp}", str(tmp_path)) for a in args), "-w", str(demo)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert done.returncode == code, done.stdout + done.stderr
    assert words in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
