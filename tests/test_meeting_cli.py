"""Errors in `initiatives/*.yml` and `meetings/*.yml` with file and line; the CLI run as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures import build_workspace

from headway.spec import check_workspace

HEADWAY = Path(sys.executable).parent / "headway"
ENV = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}

BROKEN_INITIATIVES = """initiatives:
  - id: onboarding
    name: Onboarding checklist
    owner: ana@example.com
    effort: 2
    expects:
      - {metric: active_userz, low: 0.1, high: 0.2}
  - id: pricing
    name: Pricing page
    owner: ana@example.com
    effort: 3
    expects:
      - {metric: mrr, low: 0.2, high: 0.1}
    status: shipped
  - id: segments
    name: Segment pricing
    owner: ana@example.com
    effort: 3
    control: {segmnt: smb}
    expects: [{metric: new_mrr, low: 0.1, high: 0.2}]
"""
BROKEN_MEETINGS = """meetings:
  - period: 2026Q5
    rankings:
      - {stakeholder: sales, kpis: [mrr, mrr]}
  - period: 2026Q1
    rankings:
      - {stakeholder: sales, kpis: [mrr, new_mr]}
      - {stakeholder: sales, kpis: [mrr, new_mrr]}
    actions:
      - {title: Call Zoë, owner: José, due: 15.03.2026}
    changes:
      - {kind: priority_change, who: ana, day: 2026-02-01}
"""


def headway(*args: str | Path, check: int | None = 0) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([HEADWAY, *map(str, args)], capture_output=True, text=True, env=ENV, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    if check is not None:
        assert done.returncode == check, f"exit {done.returncode}\nstdout: {done.stdout}\nstderr: {done.stderr}"
    return done


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return build_workspace(tmp_path / "tiny")


def test_spec_errors_name_file_line_and_what_to_write(ws: Path) -> None:
    (ws / "initiatives").mkdir()
    (ws / "initiatives" / "roadmap.yml").write_text(BROKEN_INITIATIVES, encoding="utf-8")
    (ws / "meetings").mkdir()
    (ws / "meetings" / "q1.yml").write_text(BROKEN_MEETINGS, encoding="utf-8")
    _, issues = check_workspace(ws)
    found = {(i.file, i.line): i.render() for i in issues}
    assert "unknown metric 'active_userz'. Did you mean 'active_users'?" in found[("initiatives/roadmap.yml", 7)]
    assert "low (0.2) is above high (0.1)" in found[("initiatives/roadmap.yml", 13)]
    assert (
        "'shipped'" in found[("initiatives/roadmap.yml", 14)]
        and "in_progress" in found[("initiatives/roadmap.yml", 14)]
    )
    assert "metric 'new_mrr' (expects[0]) has no dimension 'segmnt'" in found[("initiatives/roadmap.yml", 19)]
    assert "plan, region, account.segment" in found[("initiatives/roadmap.yml", 19)]
    assert "2026Q5" in found[("meetings/q1.yml", 2)]
    assert "ranked twice" in found[("meetings/q1.yml", 4)]
    assert "unknown metric 'new_mr'. Did you mean 'new_mrr'?" in found[("meetings/q1.yml", 7)]
    assert "'sales' ranks twice" in found[("meetings/q1.yml", 8)]
    assert "YYYY-MM-DD" in found[("meetings/q1.yml", 10)]
    assert "missing required field 'reason'" in found[("meetings/q1.yml", 12)]
    done = headway("validate", "-w", ws, check=1)
    assert "initiatives/roadmap.yml:7" in done.stdout + done.stderr


def test_actions_add_list_done(ws: Path) -> None:
    added = headway(
        "actions",
        "add",
        "Relancer les comptes résiliés",
        "--owner",
        "Zoë Ångström",
        "--due",
        "2026-01-15",
        "--metric",
        "mrr",
        "-w",
        ws,
    )
    assert "action item 1 added for 2026Q1, due 2026-01-15" in added.stdout
    listed = json.loads(headway("actions", "list", "--format", "json", "-w", ws).stdout)
    (item,) = listed["actions"]
    assert (item["owner"], item["status"], item["overdue"], item["source"]) == ("Zoë Ångström", "open", True, "cli")
    assert "2026-01-15" in headway("actions", "list", "-w", ws).stdout
    assert "action item 1 done on" in headway("actions", "done", "1", "-w", ws).stdout
    assert (
        json.loads(headway("actions", "list", "--status", "open", "--format", "json", "-w", ws).stdout)["actions"] == []
    )
    headway("actions", "done", "7", "-w", ws, check=1)  # no such item
    bad_day = headway("actions", "add", "x", "--owner", "a", "--due", "15.01.2026", "-w", ws, check=2)
    assert "15.01.2026" in bad_day.stderr
    unknown = headway(
        "actions", "add", "x", "--owner", "a", "--due", "2026-01-15", "--metric", "mrrr", "-w", ws, check=1
    )
    assert "unknown metric 'mrrr'" in unknown.stderr and "mrr" in unknown.stderr
    headway("actions", "list", "--status", "closed", "-w", ws, check=2)
    headway("meeting", "--period", "2026Q9", "-w", ws, check=2)


def test_initiatives_and_meeting_commands(ws: Path) -> None:
    (ws / "initiatives").mkdir()
    (ws / "initiatives" / "r.yml").write_text(
        "initiatives:\n  - {id: trial_nudge, name: Trial nudges, owner: ana, effort: 2, launched: 2026-02-01,\n"
        "     expects: [{metric: new_mrr, low: 0.1, high: 0.3}]}\n"
        "  - {id: logo_wall, name: Logo wall, owner: ana, effort: 1,\n"
        "     expects: [{metric: avg_duration, low: 1, high: 2}]}\n",
        encoding="utf-8",
    )
    (ws / "meetings").mkdir()
    (ws / "meetings" / "q1.yml").write_text(
        "meetings:\n  - period: 2026Q1\n    rankings:\n"
        "      - {stakeholder: sales, kpis: [mrr, new_mrr, active_users]}\n"
        "      - {stakeholder: product, kpis: [active_users, new_mrr, mrr]}\n",
        encoding="utf-8",
    )
    body = json.loads(headway("initiatives", "list", "--format", "json", "-w", ws).stdout)
    rows = {r["id"]: r for r in body["initiatives"]}
    assert rows["logo_wall"]["moves_no_kpi"] and rows["logo_wall"]["rank"] == 2
    # the tiny data is too short for a 7-day window either side of 2026-02-01 at day grain? it has days from January
    assert rows["trial_nudge"]["measured"]["launched"] == "2026-02-01"
    assert "moves no KPI" in headway("initiatives", "list", "-w", ws).stdout
    shown = headway("initiatives", "show", "trial_nudge", "-w", ws).stdout
    assert "expects new_mrr +10.0%..+30.0%" in shown
    headway("initiatives", "show", "trial_nudg", "-w", ws, check=1)
    meeting = json.loads(headway("meeting", "--period", "2026Q1", "--format", "json", "-w", ws).stdout)
    # two rankers, three items: rank sums mrr 1+3, new_mrr 2+2, active_users 3+1 -> all 4: W = 0
    assert meeting["agreement"]["w"] == pytest.approx(0.0, abs=1e-12)
    assert "Kendall's W 0.00" in headway("meeting", "--period", "2026Q1", "-w", ws).stdout
