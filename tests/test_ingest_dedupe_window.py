"""The duplicate window (`ingest.dedupe_window_days`): a messageId seen within it is dropped and
counted; once the first copy was received longer ago than the window, the id is accepted again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from fixtures.ingest import lake_ids, make_workspace

from headway.ingest.compactor import INGEST_DIR, Compactor, PassResult
from headway.ingest.log import EventLog
from headway.ingest.messages import Received
from headway.ingest.service import accept
from headway.spec import load_workspace

NOW = dt.datetime.now(dt.UTC)


def send(ws: Path, message: dict[str, Any], received: dt.datetime) -> PassResult:
    """One request received at `received`, logged and compacted."""
    settings = load_workspace(ws).config.ingest
    outcome = accept([message], Received("web", received), settings)
    assert not outcome.rejected, outcome.problems
    compactor = Compactor(ws, settings)
    try:
        log = EventLog(ws / INGEST_DIR / "log", compactor.db.next_segment)
        log.write(bytes(outcome.data))
        log.close()
        return compactor.run_pass()
    finally:
        compactor.close()


@pytest.mark.parametrize(("window", "copies"), [(7, 1), (2, 2)], ids=["within the window", "past the window"])
def test_a_message_id_is_a_duplicate_only_within_the_window(tmp_path: Path, window: int, copies: int) -> None:
    ws = make_workspace(tmp_path / "ws", {"dedupe_window_days": window})
    message = {"type": "track", "messageId": "m-1", "userId": "u", "event": "E"}
    first = send(ws, message, NOW - dt.timedelta(days=3))  # first copy received three days ago
    assert (first.accepted, first.duplicates) == (1, 0)
    again = send(ws, message, NOW)  # the same id today
    assert (again.accepted, again.duplicates) == (copies - 1, 2 - copies)
    assert lake_ids(ws) == ["m-1"] * copies
