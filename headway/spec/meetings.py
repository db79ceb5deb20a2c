"""The alignment meeting, as code: stakeholder rankings, decisions, action items and change records per quarter.

`meetings/*.yml` holds what was agreed in git (the demo ships two quarters); the UI and the API add
to it at runtime (kept in the state database). A KPI whose priority changed mid-quarter, a delivery
metric added late, or a disagreement over whether something is a KPI or a delivery metric each leave
a change record: who, when, and why (`reason` is required).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from headway.spec.annotations import Day, Text
from headway.spec.issues import Issue, choices_hint
from headway.spec.models import Ident, Metric, Model

FOLDER = "meetings"
QUARTER = re.compile(r"^([1-9]\d{3}|0[1-9]\d{2}|00[1-9]\d|000[1-9])Q([1-4])$")  # years 0001 to 9999
Quarter = Annotated[str, StringConstraints(pattern=QUARTER.pattern)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Ids = Annotated[list[Ident], Field(max_length=50)]


def quarter_bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of `2026Q4`."""
    found = QUARTER.match(period)
    if found is None:
        raise ValueError(f"expected a quarter such as 2026Q4, got {period!r}")
    year, q = int(found[1]), int(found[2])
    start = dt.date(year, 3 * q - 2, 1)
    end = dt.date(year, 12, 31) if q == 4 else dt.date(year, 3 * q + 1, 1) - dt.timedelta(days=1)
    return start, end


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


class ChangeKind(StrEnum):
    PRIORITY_CHANGE = "priority_change"  # a KPI's rank moved mid-quarter
    METRIC_ADDED = "metric_added"  # e.g. a delivery metric added late
    KIND_DISPUTE = "kind_dispute"  # KPI or delivery metric?
    OTHER = "other"


class Ranking(Model):
    """One stakeholder's KPI priorities for the quarter, most important first."""

    stakeholder: Text  # marketing, product, engineering…
    person: Text | None = None
    kpis: Annotated[list[Ident], Field(min_length=2, max_length=30)]

    @field_validator("kpis")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("a metric is ranked twice; list each once, most important first")
        return value


class Decision(Model):
    title: Text
    decided_by: Text
    day: Day
    metrics: Ids = Field(default_factory=list)
    objectives: Ids = Field(default_factory=list)
    rationale: LongText | None = None


class ActionItem(Model):
    title: Text
    owner: Text
    due: Day
    status: ActionStatus = ActionStatus.OPEN
    metrics: Ids = Field(default_factory=list)
    objectives: Ids = Field(default_factory=list)
    done_on: Day | None = None


class ChangeRecord(Model):
    kind: ChangeKind
    who: Text
    day: Day
    reason: LongText
    metrics: Ids = Field(default_factory=list)
    detail: LongText | None = None


class Meeting(Model):
    """One quarter's alignment: who ranked what, what was decided, who does what by when, what changed."""

    period: Quarter
    held_on: Day | None = None
    rankings: Annotated[list[Ranking], Field(max_length=50)] = Field(default_factory=list)
    decisions: Annotated[list[Decision], Field(max_length=500)] = Field(default_factory=list)
    actions: Annotated[list[ActionItem], Field(max_length=500)] = Field(default_factory=list)
    changes: Annotated[list[ChangeRecord], Field(max_length=500)] = Field(default_factory=list)


class MeetingsFile(Model):
    meetings: list[Meeting] = Field(default_factory=list)


Located = list[tuple[Meeting, str, int, dict[str, list[int]]]]  # meeting, file, its line, each item's line


def _named_objectives(meeting: Meeting) -> list[tuple[tuple[str | int, ...], str]]:
    out: list[tuple[tuple[str | int, ...], str]] = []
    for key in ("decisions", "actions"):
        for i, item in enumerate(getattr(meeting, key)):
            out += [((key, i, "objectives", k), o) for k, o in enumerate(item.objectives)]
    return out


def _named_metrics(meeting: Meeting) -> list[tuple[tuple[str | int, ...], str]]:
    out: list[tuple[tuple[str | int, ...], str]] = []
    for i, r in enumerate(meeting.rankings):
        out += [(("rankings", i, "kpis", k), m) for k, m in enumerate(r.kpis)]
    for key in ("decisions", "actions", "changes"):
        for i, item in enumerate(getattr(meeting, key)):
            out += [((key, i, "metrics", k), m) for k, m in enumerate(item.metrics)]
    return out


def objective_hint(objective_id: str, objectives: Collection[str]) -> str:
    """What to write instead of an unknown objective id: the closest ids, or where objectives are declared."""
    if not objectives:
        return "No objective is declared yet: objectives live in objectives/*.yml (see docs/spec.md)."
    return choices_hint(objective_id, objectives, "an objective id from objectives/*.yml")


def load_meetings(root: Path, metrics: Mapping[str, Metric]) -> tuple[Located, list[Issue]]:
    """Every valid meeting in `meetings/*.yml` with its file and line (and its items' lines), and every problem."""
    from headway.spec.loader import _items, _read_folder
    from headway.spec.objectives import read_objectives

    issues: list[Issue] = []
    found: Located = []
    objectives: set[str] | None = None  # read only once a meeting names an objective
    for doc in _read_folder(Path(root), FOLDER, issues):
        for meeting, origin in _items(doc, "meetings", Meeting, issues):
            bad = False
            for path, metric_id in _named_metrics(meeting):
                if metric_id not in metrics:
                    hint = choices_hint(metric_id, metrics, "a metric id")
                    issues.append(origin.issue(path, f"unknown metric '{metric_id}'", hint, code="unknown_metric"))
                    bad = True
            for path, objective_id in _named_objectives(meeting):
                if objectives is None:
                    objectives = set(read_objectives(Path(root))[0].objectives)
                if objective_id not in objectives:
                    hint = objective_hint(objective_id, objectives)
                    message = f"unknown objective '{objective_id}'"
                    issues.append(origin.issue(path, message, hint, code="unknown_objective"))
                    bad = True
            stakeholders = [r.stakeholder for r in meeting.rankings]
            for i, name in enumerate(stakeholders):
                if name in stakeholders[:i]:
                    hint = "One ranking per stakeholder and quarter; a later change is a priority_change record."
                    issues.append(origin.issue(("rankings", i, "stakeholder"), f"'{name}' ranks twice", hint))
                    bad = True
            if not origin.salvaged and not bad:
                lines = {
                    key: [origin.line_of(key, i) for i in range(len(getattr(meeting, key)))]
                    for key in ("rankings", "decisions", "actions", "changes")
                }
                found.append((meeting, origin.file, origin.line, lines))
    return found, issues
