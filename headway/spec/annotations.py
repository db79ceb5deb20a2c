"""Annotations: launches, releases, campaigns, incidents, price changes and comments on the timeline.

Written in `annotations/*.yml` (reviewed in git like metrics) or created at runtime through the API
and the UI (kept in the state database). Either way an annotation has a day or a window, a scope
(metric ids and/or tags; none means every chart) and optionally an author and a link.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, model_validator

from headway.spec.issues import Issue, choices_hint
from headway.spec.models import Ident, Metric, Model

FOLDER = "annotations"
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


def _web_link(value: str) -> str:
    """Only web links: a `javascript:` link would run in the browser of whoever clicks it."""
    if not value.lower().startswith(("https://", "http://")):
        raise ValueError("a link must start with https:// or http://")
    return value


WebLink = Annotated[str, StringConstraints(max_length=2000), AfterValidator(_web_link)]

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_day(value: Any) -> Any:
    """A day written YYYY-MM-DD (or a date): pydantic alone would also take 1700000000 as a timestamp."""
    if isinstance(value, dt.date) or value is None:
        return value
    if isinstance(value, str) and ISO_DAY.fullmatch(value):
        return value
    raise ValueError(f"expected a day as YYYY-MM-DD, got {value!r}")


Day = Annotated[dt.date, BeforeValidator(iso_day)]


class AnnotationKind(StrEnum):
    LAUNCH = "launch"
    RELEASE = "release"
    CAMPAIGN = "campaign"
    INCIDENT = "incident"
    PRICE_CHANGE = "price_change"
    COMMENT = "comment"


class Annotation(Model):
    """One note on the timeline. `until` makes it a window (inclusive); without it, a single day."""

    title: Text
    kind: AnnotationKind = AnnotationKind.COMMENT
    at: Day
    until: Day | None = None
    metrics: Annotated[list[Ident], Field(max_length=100)] = Field(default_factory=list)
    tags: Annotated[list[Text], Field(max_length=50)] = Field(default_factory=list)
    author: Text | None = None
    link: WebLink | None = None
    description: Annotated[str, StringConstraints(max_length=4000)] | None = None

    @model_validator(mode="after")
    def _window(self) -> Annotation:
        if self.until is not None and self.until < self.at:
            raise ValueError(f"until ({self.until}) is before at ({self.at})")
        return self


class AnnotationsFile(Model):
    annotations: list[Annotation] = Field(default_factory=list)


def applies_to(note: Annotation, metric: Metric) -> bool:
    """A note scoped to nothing concerns every metric; otherwise its metric ids or a shared tag."""
    if not note.metrics and not note.tags:
        return True
    return metric.id in note.metrics or bool(set(note.tags) & set(metric.tags))


Located = list[tuple[Annotation, str, int]]  # each annotation with its file and line


def load_annotations(root: Path, metrics: Mapping[str, Metric]) -> tuple[Located, list[Issue]]:
    """Every valid annotation in `annotations/*.yml` with its file and line, and every problem found."""
    from headway.spec.loader import _items, _read_folder

    issues: list[Issue] = []
    notes: Located = []
    for doc in _read_folder(Path(root), FOLDER, issues):
        for note, origin in _items(doc, "annotations", Annotation, issues):
            for index, metric_id in enumerate(note.metrics):
                if metric_id not in metrics:
                    message = f"annotation '{note.title}' names unknown metric '{metric_id}'"
                    hint = choices_hint(metric_id, metrics, "a metric id")
                    issues.append(origin.issue(("metrics", index), message, hint, code="unknown_metric"))
            if not origin.salvaged:
                notes.append((note, origin.file, origin.line))
    return notes, issues
