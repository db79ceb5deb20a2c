"""The people mapping is resolved again only when a compaction pass brings a new identity key or
link: returning people's events leave it as it is (a full resolution costs ~1.5 s per 300k ids), a
new visitor or a late identify rewrites it, and a compactor that starts resolves once (a crash may
have come between a pass's commit and its resolution)."""

from __future__ import annotations

from pathlib import Path

from fixtures.ingest import make_workspace
from test_ingest_identity import DAY, identify, page, send

from headway.engine import Actor, Engine, Query
from headway.ingest.compactor import Compactor
from headway.spec import Grain, load_workspace
from headway.spec.layout import PEOPLE_FILE


def stamp(ws: Path) -> tuple[int, int]:
    found = (ws / PEOPLE_FILE).stat()
    return found.st_ino, found.st_mtime_ns


def people(ws: Path) -> float:
    engine = Engine(load_workspace(ws), "duckdb")
    try:
        rows = engine.query(Query("people", Grain.DAY, start=DAY, end=DAY), actor=Actor.owner()).rows
        return float(sum(r["value"] or 0 for r in rows))
    finally:
        engine.close()


def test_only_new_keys_and_links_resolve_people_again(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    send(ws, page("anon-a", hour=8), page(user="u1", hour=9))
    first = stamp(ws)
    send(ws, page("anon-a", hour=10), page(user="u1", hour=11))  # the same two people again
    assert stamp(ws) == first
    send(ws, page("anon-b", hour=12))  # a new visitor
    second = stamp(ws)
    assert second != first and people(ws) == 3
    send(ws, identify("anon-a", "u1", hour=13))  # a link between known keys
    assert stamp(ws) != second and people(ws) == 2


def test_a_starting_compactor_resolves_people(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    send(ws, page("anon-a", hour=8), identify("anon-a", "u1", hour=9))
    (ws / PEOPLE_FILE).unlink()  # as if a crash came between the pass's commit and its resolution
    compactor = Compactor(ws, load_workspace(ws).config.ingest)
    try:
        compactor.recover()
    finally:
        compactor.close()
    assert people(ws) == 1
