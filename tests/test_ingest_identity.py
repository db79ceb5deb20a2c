"""Identity resolution on DuckDB and on Spark: `person.person_id` stitches anonymous events to the
person who later logged in, follows aliases, refuses to merge two logged-in people unless opted
in, ignores junk ids, and follows a late identify without rewriting any event file.

Every expected count is worked out by hand from the calls listed in each test.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fixtures.ingest import make_workspace

from headway.engine import Actor, Engine, Query
from headway.ingest.compactor import INGEST_DIR, Compactor
from headway.ingest.log import EventLog
from headway.ingest.messages import Received
from headway.ingest.service import accept
from headway.spec import Grain, load_workspace

OWNER = Actor.owner()
DAY = dt.date(2026, 11, 2)
ENGINES = [pytest.param("duckdb"), pytest.param("spark", marks=pytest.mark.spark)]


def send(ws: Path, *messages: dict[str, Any], merge: bool = False) -> None:
    """Validate, log and compact `messages` as the tracking API would (one request)."""
    settings = load_workspace(ws).config.ingest
    got = Received("web", dt.datetime(2026, 11, 2, 23, 0, tzinfo=dt.UTC))
    outcome = accept(list(messages), got, settings)
    assert not outcome.rejected, outcome.problems
    compactor = Compactor(ws, settings)
    log = EventLog(ws / INGEST_DIR / "log", compactor.db.next_segment)
    log.write(bytes(outcome.data))
    log.close()
    compactor.run_pass()
    compactor.close()


def at(hour: int) -> str:
    return f"2026-11-02T{hour:02d}:00:00Z"


def page(anonymous: str | None = None, user: str | None = None, hour: int = 9) -> dict[str, Any]:
    return {"type": "page", "anonymousId": anonymous, "userId": user, "name": "Home", "timestamp": at(hour)}


def identify(anonymous: str, user: str, hour: int = 10) -> dict[str, Any]:
    return {"type": "identify", "anonymousId": anonymous, "userId": user, "timestamp": at(hour)}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "ws")


@pytest.fixture(params=ENGINES)
def run(request: pytest.FixtureRequest) -> Iterator[Any]:
    engines: list[Engine] = []

    def people(ws: Path, where: str | None = None) -> float:
        kwargs: dict[str, Any] = {}
        if request.param == "spark":
            kwargs["spark_session"] = request.getfixturevalue("spark")
        engine = Engine(load_workspace(ws), request.param, **kwargs)
        engines.append(engine)
        query = Query("people", Grain.DAY, start=DAY, end=DAY, where=where)
        return float(sum(r["value"] or 0 for r in engine.query(query, actor=OWNER).rows))

    yield people
    for engine in engines:
        engine.close()


def test_anonymous_visits_before_login_belong_to_the_person(workspace: Path, run: Any) -> None:
    send(workspace, page("anon-a", hour=8), page("anon-a", hour=9), identify("anon-a", "u1"), page(user="u1", hour=11))
    assert run(workspace) == 1  # anon-a's visits, the identify and u1's visit are one person
    assert run(workspace, "person.person_id = 'u1'") == 1


def test_alias_joins_a_previous_id(workspace: Path, run: Any) -> None:
    alias = {"type": "alias", "previousId": "anon-b", "userId": "u2", "timestamp": at(10)}
    send(workspace, page("anon-b"), alias, page(user="u2", hour=12))
    assert run(workspace) == 1


@pytest.mark.parametrize(("merge", "expected"), [(False, 2), (True, 1)], ids=["refused", "opted-in"])
def test_two_logged_in_people_merge_only_when_opted_in(tmp_path: Path, run: Any, merge: bool, expected: int) -> None:
    ws = make_workspace(tmp_path / "ws", {"merge_identified": merge})
    # anon-c logs in as u3, then the same device logs in as u4: without the opt-in u3 and u4 stay two people
    send(ws, page("anon-c"), identify("anon-c", "u3"), identify("anon-c", "u4", hour=11), page(user="u4", hour=12))
    assert run(ws) == expected


def test_junk_ids_never_merge_people(workspace: Path, run: Any) -> None:
    send(
        workspace,
        identify("guest", "u5"),
        identify("guest", "u6", hour=11),  # the junk anonymous id "guest" must not make u5 and u6 one person
        page("dev-1", "0", hour=12),  # userId "0" is junk: the two devices stay two people
        page("dev-2", "null", hour=13),
        page("undefined", "u5", hour=14),
    )
    assert run(workspace) == 4  # u5, u6, dev-1, dev-2


def test_a_late_identify_reresolves_without_rewriting_events(workspace: Path, run: Any) -> None:
    send(workspace, page("anon-d", hour=8), page("anon-d", hour=9), page(user="u7", hour=12))
    assert run(workspace) == 2  # not known yet: anon-d and u7
    files = sorted((workspace / ".headway" / "lake" / "events").glob("*/*.parquet"))
    before = {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
    send(workspace, identify("anon-d", "u7", hour=13))  # arrives later, in its own request
    after = sorted((workspace / ".headway" / "lake" / "events").glob("*/*.parquet"))
    assert {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in after if f.name in before} == before
    assert run(workspace) == 1


@pytest.mark.parametrize("engine_name", ENGINES)
def test_properties_and_context_read_the_same_on_both_engines(
    workspace: Path, engine_name: str, request: pytest.FixtureRequest
) -> None:
    def track(user: str, feature: str, n: Any, os_name: str, hour: int) -> dict[str, Any]:
        context = {"os": {"name": os_name}, "device": {"type": "mobile"}}
        return {"type": "track", "userId": user, "event": "Feature Used", "timestamp": at(hour),
                "properties": {"feature": feature, "n": n}, "context": context}  # fmt: skip

    send(
        workspace,
        track("u1", "rapports", 2, "iOS", 8),
        track("u2", "rapports", 3.5, "Android", 9),
        track("u2", "export", "not a number", "iOS", 10),  # n is declared double: this one reads as null
        {"type": "track", "userId": "u3", "event": "Feature Used", "timestamp": at(11)},  # no properties at all
    )
    kwargs: dict[str, Any] = {}
    if engine_name == "spark":
        kwargs["spark_session"] = request.getfixturevalue("spark")
    engine = Engine(load_workspace(workspace), engine_name, **kwargs)
    try:
        rows = engine.query(
            Query("tracks", Grain.DAY, by=("properties.feature",), start=DAY, end=DAY), actor=OWNER
        ).rows
        assert {r["properties.feature"]: r["value"] for r in rows} == {"rapports": 2, "export": 1, None: 1}
        rows = engine.query(
            Query("tracks", Grain.DAY, by=("context.device_type",), start=DAY, end=DAY), actor=OWNER
        ).rows
        assert {r["context.device_type"]: r["value"] for r in rows} == {"mobile": 3, None: 1}
        where = engine.query(
            Query("tracks", Grain.DAY, start=DAY, end=DAY, where="properties.n > 2.5"), actor=OWNER
        ).rows
        assert [r["value"] for r in where] == [1]  # 3.5 only; "not a number" is null, not an error
    finally:
        engine.close()
