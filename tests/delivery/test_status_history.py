"""work_items.status_history: each issue delivery adds its state; an export gives its dates.

GitHub issue #1 of Codertocat/Hello-World (the corpus's issues.opened.json), delivered opened at
10-02 10:00Z and closed at 10-08 10:00Z (updated_at), in either order -> [open 10-02, done 10-08].
A Jira row created 10-01 09:00Z, started 10-05 09:00Z, resolved 10-06 09:00Z -> those three moves.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from headway.delivery import Inbox, Processor, github
from headway.delivery.exports import tracker_csv
from tests.delivery.helpers import CORPUS, make_workspace

OPENED, CLOSED = "2026-10-02T10:00:00+00:00", "2026-10-08T10:00:00+00:00"
JIRA = """\
Issue key,Issue Type,Summary,Status,Created,Start date,Resolved
SHOP-1,Story,Panier — café,Done,2026-10-01T09:00:00Z,2026-10-05T09:00:00Z,2026-10-06T09:00:00Z
"""


def issue(state: str, updated: str) -> dict[str, object]:
    payload = json.loads((CORPUS / "github" / "issues.opened.json").read_text(encoding="utf-8"))
    payload["issue"] |= {"state": state, "created_at": OPENED, "updated_at": updated}
    payload["issue"]["closed_at"] = CLOSED if state == "closed" else None
    return payload


@pytest.mark.parametrize("order", ["in order", "closed first"])
def test_issue_deliveries_and_an_export_build_the_history(tmp_path: Path, order: str) -> None:
    root = make_workspace(tmp_path / "ws")
    deliveries = [issue("open", OPENED), issue("closed", CLOSED)]
    if order == "closed first":
        deliveries.reverse()
    inbox = Inbox.for_workspace(root)
    for n, payload in enumerate(deliveries):
        inbox.put_records([(f"github:{n}", r) for r in github.records("issues", payload, ["incident"])])
    export = tmp_path / "jira.csv"
    export.write_text(JIRA, encoding="utf-8")
    inbox.put_records(tracker_csv(export, "jira"))
    Processor(root, None, inbox).rebuild()
    inbox.close()
    rows = pq.read_table(root / ".headway/lake/delivery/work_items/data.parquet").to_pylist()
    history = {r["item_id"]: json.loads(r["status_history"]) for r in rows}
    assert history["github:Codertocat/Hello-World#1"] == [["open", OPENED], ["done", CLOSED]]
    assert history["jira:SHOP-1"] == [
        ["created", "2026-10-01T09:00:00+00:00"],
        ["started", "2026-10-05T09:00:00+00:00"],
        ["done", "2026-10-06T09:00:00+00:00"],
    ]


def test_jira_repeats_a_header_per_value(tmp_path: Path) -> None:
    """Jira's CSV repeats `Labels`, `Component/s` and `Sprint` once per value; a blank line is skipped.

    SHOP-9: labels "tech-debt" and "production" (joined), components "shop" then "" (the first),
    sprints "S1" then "S2" (carried over: the last). Its type comes from Issue Type "Bug".
    """
    export = tmp_path / "jira.csv"
    export.write_text(
        "Issue key,Issue Type,Summary,Status,Component/s,Component/s,Labels,Labels,Sprint,Sprint,Created,Resolved\n"
        "SHOP-9,Bug,Fix,Done,shop,,tech-debt,production,S1,S2,2026-10-01T09:00:00Z,2026-10-06T09:00:00Z\n"
        "\n",
        encoding="utf-8",
    )
    (record,) = [r for _, r in tracker_csv(export, "jira") if r.table == "work_items"]
    assert (record.data["service"], record.data["sprint_id"], record.data["type"]) == ("shop", "jira:None:S2", "bug")
    assert record.data["found_in_production"] is True  # the second Labels column is read too
