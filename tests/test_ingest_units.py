"""The ingestion building blocks, with values worked out by hand: clock-skew correction, junk ids,
flattening, the log's torn tail, the lake's merge, and the MAP-as-struct view on both engines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from fixtures.ingest import make_workspace

from headway.ingest.compactor import INGEST_DIR, Compactor
from headway.ingest.identity import People, person_key
from headway.ingest.log import EventLog, encode, read_segment
from headway.ingest.messages import Received, Rejected, flatten, is_junk, message_id, normalise
from headway.spec.ingest_settings import IngestSettings, SkewPolicy

RECEIVED = dt.datetime(2026, 11, 2, 12, 0, 0, tzinfo=dt.UTC)
GOT = Received("web", RECEIVED, None)


def test_clock_skew_is_corrected_from_sent_at() -> None:
    # the client's clock runs 1 h fast: it stamped the event 10 s before sending, by its own clock
    message = {"type": "track", "userId": "u", "event": "E", "timestamp": "2026-11-02T13:00:00+00:00"}
    row = normalise({**message, "sentAt": "2026-11-02T13:00:10Z"}, GOT, IngestSettings())
    assert row["timestamp"] == RECEIVED - dt.timedelta(seconds=10)  # 11:59:50: receivedAt - (sentAt - timestamp)
    assert row["original_timestamp"] == dt.datetime(2026, 11, 2, 13, 0, tzinfo=dt.UTC)
    assert "skewed" in row["flags"]
    kept = normalise({**message, "sentAt": "2026-11-02T13:00:10Z"}, GOT, IngestSettings(clock_skew=SkewPolicy.KEEP))
    assert kept["timestamp"] == dt.datetime(2026, 11, 2, 13, 0, tzinfo=dt.UTC)


def test_a_timestamp_with_an_offset_and_one_without() -> None:
    settings = IngestSettings()
    paris = normalise({"type": "page", "anonymousId": "a", "timestamp": "2026-11-02T09:30:00+01:00"}, GOT, settings)
    assert paris["timestamp"] == dt.datetime(2026, 11, 2, 8, 30, tzinfo=dt.UTC)
    naive = normalise({"type": "page", "anonymousId": "a", "timestamp": "2026-11-02T09:30:00"}, GOT, settings)
    assert naive["timestamp"] == dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)  # no zone: UTC, as Segment


def test_late_and_future_limits() -> None:
    settings = IngestSettings(future_limit_hours=1)
    late = normalise({"type": "page", "anonymousId": "a", "timestamp": "2026-10-30T00:00:00Z"}, GOT, settings)
    assert late["flags"] == ["late"]
    with pytest.raises(Rejected) as refused:
        normalise({"type": "page", "anonymousId": "a", "timestamp": "2026-11-02T13:30:00Z"}, GOT, settings)
    assert refused.value.reason == "future_timestamp"


def test_numbers_as_ids_and_flattened_properties() -> None:
    row = normalise(
        {"type": "track", "userId": 42, "event": "Ünïcode ✓", "properties": {"a": {"b": 1.5, "c": [1]}, "ok": True}},
        GOT,
        IngestSettings(),
    )
    assert row["user_id"] == "42" and row["event"] == "Ünïcode ✓"
    assert row["properties"] == {"a_b": "1.5", "a_c": "[1]", "ok": "true"}
    assert row["properties_types"] == {"a_b": "double", "a_c": "string", "ok": "boolean"}
    types: dict[str, str] = {}
    assert flatten({"x": None, "y": "é"}, types) == {"y": "é"} and types == {"y": "string"}


def test_context_fields_get_their_short_names() -> None:
    context = {
        "device": {"type": "mobile"},
        "os": {"name": "iOS", "version": "18"},
        "library": {"name": "analytics-ios"},
    }
    row = normalise({"type": "screen", "userId": "u", "context": context}, GOT, IngestSettings())
    assert row["context"]["os"] == "iOS" and row["context"]["os_version"] == "18"
    assert row["context"]["device_type"] == "mobile" and row["context"]["library"] == "analytics-ios"


def test_a_message_without_id_gets_a_stable_one() -> None:
    message = {"type": "track", "userId": "u", "event": "E", "timestamp": "2026-11-02T10:00:00Z"}
    assert message_id(message) == message_id(dict(reversed(message.items())))
    assert message_id(message) != message_id({**message, "event": "F"})


@pytest.mark.parametrize("junk", ["", "null", "NULL", "0", "anonymous", "undefined", "guest", " none "])
def test_junk_ids(junk: str) -> None:
    assert is_junk(junk)
    assert person_key({"user_id": junk, "anonymous_id": "dev", "message_id": "m"}) == "anon:dev"
    assert person_key({"user_id": junk, "anonymous_id": junk, "message_id": "m"}) == "msg:m"


def test_people_refuse_a_second_user_and_pick_the_smallest_user_id() -> None:
    people = People(merge_identified=False)
    people.link("anon:d", "user:b")
    people.link("anon:d", "user:a")
    assert (people.person_of("anon:d"), people.person_of("user:a"), people.refused) == ("b", "a", 1)
    opted = People(merge_identified=True)
    opted.link("anon:d", "user:b")
    opted.link("anon:d", "user:a")
    assert {opted.person_of(k) for k in ("anon:d", "user:a", "user:b")} == {"a"}


def test_a_torn_last_line_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "seg-00000001.log"
    path.write_bytes(encode({"k": "e", "n": 1}) + b"garbage\n" + encode({"k": "e", "n": 2})[:-4])
    assert [record for _, record in read_segment(path)] == [{"k": "e", "n": 1}]


def test_segment_numbers_are_never_reused(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    compactor = Compactor(ws, IngestSettings())
    numbers = []
    for _ in range(3):
        log = EventLog(ws / INGEST_DIR / "log", compactor.db.next_segment)
        log.write(encode({"k": "x"}))
        numbers.append(log.current())
        log.close()
        compactor.run_pass()  # compacts and deletes the segment file
    compactor.close()
    assert numbers == sorted(set(numbers))


def test_small_files_are_merged_into_one_per_day(tmp_path: Path) -> None:
    from headway.ingest.messages import Received as Got
    from headway.ingest.service import accept

    ws = make_workspace(tmp_path / "ws", {"merge_files": 4})
    settings = IngestSettings(merge_files=4)
    compactor = Compactor(ws, settings)
    for i in range(10):
        message = {
            "type": "track",
            "messageId": f"m{i}",
            "userId": "u",
            "event": "E",
            "timestamp": "2026-11-02T10:00:00Z",
        }
        log = EventLog(ws / INGEST_DIR / "log", compactor.db.next_segment)
        log.write(bytes(accept([message], Got("web", RECEIVED), settings).data))
        log.close()
        compactor.run_pass()
    compactor.close()
    files = sorted((ws / ".headway" / "lake" / "events" / "2026-11-02").glob("*.parquet"))
    assert len(files) < 4
    ids = [m for f in files for m in pq.read_table(f, columns=["message_id"]).column(0).to_pylist()]
    assert sorted(ids) == sorted(f"m{i}" for i in range(10))
    # old versions are gone: one version folder per day is live
    assert len(list((ws / ".headway" / "lake" / ".versions" / "2026-11-02").iterdir())) == 1
