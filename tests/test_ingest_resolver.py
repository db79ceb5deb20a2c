"""The pass-by-pass people mapping (`ingest/resolver.py`) equals the full replay
(`identity.resolve_people`) after every pass: random passes of keys and identify/alias links, with
junk ids, conflicting logins, ids that turn out to be user ids, links written by another process
and links that arrive out of receipt order, with and without `merge_identified`."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st

from headway.ingest.db import IngestDB
from headway.ingest.identity import resolve_people
from headway.ingest.lake import Lake
from headway.ingest.resolver import Resolver
from headway.spec.ingest_settings import IngestSettings

IDS = ["d1", "d2", "d3", "u1", "u2", "u3", "guest", "0"]  # d*: devices, u*: users; guest and 0 are junk
KEY = st.one_of(st.sampled_from(IDS).map(lambda i: f"user:{i}"), st.sampled_from(IDS).map(lambda i: f"anon:{i}"))
LINK = st.tuples(st.sampled_from(IDS), st.sampled_from(IDS), st.integers(0, 5))  # (a, b, received_at step back)
MARKS = "(?, ?, ?, ?, ?, ?)"
PASS = st.tuples(st.lists(KEY, max_size=4), st.lists(LINK, max_size=3), st.booleans())


def mapping(root: Path) -> dict[str, str]:
    table = pq.read_table(root / ".headway" / "lake" / "people" / "people.parquet")
    return dict(zip(table.column("person_key").to_pylist(), table.column("person_id").to_pylist(), strict=True))


Passes = list[tuple[list[str], list[tuple[str, str, int]], bool]]


def replay_both(passes: Passes, merge: bool) -> None:
    """Each pass's keys and links, then the mapping both ways: they must be equal after every pass."""
    with tempfile.TemporaryDirectory() as folder:
        incremental, reference = Path(folder) / "a", Path(folder) / "b"
        db = IngestDB(incremental / ".headway" / "ingest" / "ingest.db")
        resolver, config = Resolver(IngestSettings(merge_identified=merge)), IngestSettings(merge_identified=merge)
        clock, line = 100, 0
        try:
            for number, (keys, links, elsewhere) in enumerate(passes, start=1):
                with db.transaction() as con:
                    con.executemany("INSERT OR IGNORE INTO person_keys VALUES (?)", [(k,) for k in keys])
                    for a, b, back in links:
                        line += 1
                        clock += 1
                        row = (number, line, "identify", a, b, clock - back * 3)  # some arrive out of order
                        con.execute(
                            f"INSERT INTO identity_log (segment, line, kind, a, b, received_at) VALUES {MARKS}", row
                        )
                # `elsewhere`: another process wrote them, so this pass is not told its keys
                resolver.update(db, Lake(incremental), None if elsewhere else set(keys))
                resolve_people(db, Lake(reference), config)
                assert mapping(incremental) == mapping(reference)
        finally:
            db.close()


@settings(max_examples=150, deadline=None)
@given(passes=st.lists(PASS, min_size=1, max_size=6), merge=st.booleans())
def test_pass_by_pass_equals_the_full_replay(passes: Passes, merge: bool) -> None:
    replay_both(passes, merge)


def test_a_link_received_before_an_applied_one_replays() -> None:
    """d1 logs in as u1 (applied), then a link received earlier says d1 is u2: in receipt order u2
    came first, so d1 is u2 and the u1 link is the refused one."""
    keys = ["anon:d1", "user:u1", "user:u2"]
    replay_both([(keys, [("d1", "u1", 0)], False), ([], [("d1", "u2", 5)], False)], merge=False)


def test_an_id_read_as_anonymous_that_turns_out_to_be_a_user_replays() -> None:
    """An alias from `u3` read as an anonymous id, until an event of user u3 arrives."""
    keys = ["user:u1", "anon:u3"]
    replay_both([(keys, [("u3", "u1", 0)], False), (["user:u3", "user:u2"], [("u3", "u2", 0)], False)], merge=False)


def test_keys_written_by_another_process_are_found() -> None:
    replay_both([(["anon:d1"], [], False), (["anon:d2", "user:u1"], [("d2", "u1", 0)], True)], merge=False)
