"""`ingest:` in headway.yml: how the tracking API validates, de-duplicates and publishes events."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class SkewPolicy(StrEnum):
    """What to do with a client clock that disagrees with the server's."""

    CORRECT = "correct"  # timestamp = receivedAt - (sentAt - originalTimestamp), as Segment and PostHog do
    KEEP = "keep"  # trust the client's timestamp


class IngestSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    dedupe_window_days: Annotated[int, Field(ge=1, le=3650)] = 7
    clock_skew: SkewPolicy = SkewPolicy.CORRECT
    future_limit_hours: Annotated[float, Field(ge=0, le=8760)] = 24
    past_limit_days: Annotated[float, Field(ge=1, le=36500)] = 365
    visible_within_s: Annotated[float, Field(ge=0.1, le=3600)] = 2.0
    merge_files: Annotated[int, Field(ge=2, le=10000)] = 16
    merge_identified: bool = False
