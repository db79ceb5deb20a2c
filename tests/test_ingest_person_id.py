"""`person_id` is a plain column of the built-in `events` source, on DuckDB and on Spark.

It is a lookup (`lookups: {person_id: person.person_id}`): each event's identity key joined to the
identity mapping when the query runs. So `count_distinct person_id`, `--where person_id = …` and
`--by person_id` count people, anonymous visits made before a login belong to the person who
logged in, and a late identify re-attributes earlier events without rewriting a single event file.
`person.person_id`, the older spelling, gives the same numbers.

The oracle is hand-written DuckDB SQL over the lake's Parquet files: an event's person is its
userId, else the userId its anonymousId was identified to (identify events in the lake) or aliased
to (the lake keeps no previousId, so the one alias sent is written in the SQL), else the
anonymousId. The scenario links each anonymous id to at most one user, so one join suffices.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from fixtures.ingest import make_workspace
from test_ingest_identity import DAY, at, identify, page, send

from headway.engine import Actor, Engine, Query
from headway.spec import Grain, load_workspace

OWNER = Actor.owner()
ENGINES = [pytest.param("duckdb"), pytest.param("spark", marks=pytest.mark.spark)]

HAND_SQL = """
WITH e AS (SELECT * FROM read_parquet($files, union_by_name = true)),
links AS (
    SELECT anonymous_id AS other, user_id FROM e
    WHERE type = 'identify' AND anonymous_id IS NOT NULL AND user_id IS NOT NULL
    UNION
    SELECT * FROM (VALUES ('anon-b', 'u2')) AS aliased(other, user_id)  -- the alias FIRST sends
),
who AS (
    SELECT coalesce(e.user_id, l.user_id, e.anonymous_id) AS person
    FROM e LEFT JOIN links l ON e.user_id IS NULL AND l.other = e.anonymous_id
    WHERE e.timestamp >= $day AND e.timestamp < $day + INTERVAL 1 DAY
)
SELECT person, count(*) FROM who GROUP BY person
"""


def hand_counts(ws: Path) -> dict[str, int]:
    """Events per person on DAY, by the hand-written SQL above."""
    files = [str(p) for p in sorted((ws / ".headway" / "lake" / "events").glob("*/*.parquet"))]
    with duckdb.connect() as con:
        con.execute("SET TimeZone = 'UTC'")
        rows = con.execute(HAND_SQL, {"files": files, "day": dt.datetime(2026, 11, 2)}).fetchall()
    return dict(rows)


def lake_hashes(ws: Path) -> dict[str, str]:
    files = sorted((ws / ".headway" / "lake" / "events").glob("*/*.parquet"))
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


FIRST = [
    page("anon-a", hour=8),
    page("anon-a", hour=9),
    identify("anon-a", "u1"),
    page(user="u1", hour=11),
    {"type": "track", "anonymousId": "appareil-ü", "userId": "Zoë-名前", "event": "Ouvert", "timestamp": at(12)},
    page("anon-late", hour=13),
    page("anon-late", hour=14),
    page(user="u7", hour=15),
    page("anon-b", hour=8),
    {"type": "alias", "previousId": "anon-b", "userId": "u2", "timestamp": at(10)},
    {"type": "screen", "anonymousId": "anon-lonely", "name": "Accueil", "timestamp": at(16)},
]


@pytest.fixture(params=ENGINES)
def engine_of(request: pytest.FixtureRequest) -> Iterator[Any]:
    engines: list[Engine] = []

    def make(ws: Path) -> Engine:
        kwargs: dict[str, Any] = {}
        if request.param == "spark":
            kwargs["spark_session"] = request.getfixturevalue("spark")
        engine = Engine(load_workspace(ws), request.param, **kwargs)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.close()


def value(engine: Engine, metric: str, **kwargs: Any) -> float:
    rows = engine.query(Query(metric, Grain.DAY, start=DAY, end=DAY, **kwargs), actor=OWNER).rows
    return float(sum(r["value"] or 0 for r in rows))


def per_person(engine: Engine, metric: str, dimension: str = "person_id") -> dict[str, float]:
    rows = engine.query(Query(metric, Grain.DAY, by=(dimension,), start=DAY, end=DAY), actor=OWNER).rows
    return {r[dimension]: r["value"] for r in rows if r["value"]}


def test_person_id_counts_people_as_the_hand_sql_does(tmp_path: Path, engine_of: Any) -> None:
    ws = make_workspace(tmp_path / "ws")
    send(ws, *FIRST)
    expected = hand_counts(ws)
    # written out by hand too, so the oracle itself is checked: anon-a -> u1, anon-b -> u2 (alias)
    assert expected == {"u1": 4, "Zoë-名前": 1, "anon-late": 2, "u7": 1, "u2": 2, "anon-lonely": 1}
    engine = engine_of(ws)
    assert value(engine, "people") == len(expected)
    assert per_person(engine, "calls") == expected
    assert per_person(engine, "people") == dict.fromkeys(expected, 1)
    assert value(engine, "calls", where="person_id = 'u1'") == expected["u1"]
    assert value(engine, "calls", where="person_id = 'Zoë-名前'") == 1
    # the older spelling, kept working: the same people
    assert value(engine, "people_dotted") == len(expected)
    assert per_person(engine, "people_dotted", "person.person_id") == dict.fromkeys(expected, 1)


def test_a_late_identify_moves_earlier_events_to_the_person(tmp_path: Path, engine_of: Any) -> None:
    ws = make_workspace(tmp_path / "ws")
    send(ws, *FIRST)
    before = lake_hashes(ws)
    assert value(engine_of(ws), "people") == 6
    send(ws, identify("anon-late", "u7", hour=17))  # its own request, after the events it explains
    assert {k: v for k, v in lake_hashes(ws).items() if k in before} == before  # no event file rewritten
    expected = hand_counts(ws)
    assert expected == {"u1": 4, "Zoë-名前": 1, "u7": 4, "u2": 2, "anon-lonely": 1}
    engine = engine_of(ws)  # a new engine, as the next `headway query` would be
    assert value(engine, "people") == len(expected)
    assert per_person(engine, "calls") == expected
    assert value(engine, "calls", where="person_id = 'u7'") == 4
    assert value(engine, "calls", where="person_id = 'anon-late'") == 0


def test_a_declared_person_id_column_replaces_the_lookup(tmp_path: Path) -> None:
    """An extension that declares its own `person_id` column keeps it: the lookup steps aside, no clash."""
    ws = make_workspace(tmp_path / "ws")
    (ws / "sources" / "events.yml").write_text(
        "sources:\n  - name: events\n    path: .headway/lake/events/*/*.parquet\n"
        "    columns:\n      person_id: {type: string}\n      properties: {type: struct, fields: {feature: string}}\n",
        encoding="utf-8",
    )
    events = load_workspace(ws).sources["events"]
    assert "person_id" in events.columns and "person_id" not in events.lookups
