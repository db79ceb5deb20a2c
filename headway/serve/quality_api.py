"""GET /api/v1/quality: the event pipeline's data quality per source and day (as `headway quality`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from headway.ingest.quality import report
from headway.serve.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERROR_RESPONSES)


@router.get("/quality")
async def quality(request: Request, days: Annotated[int, Query(ge=1, le=36500)] = 14) -> Any:
    """Per source and day: accepted, duplicates, quarantined by reason, late, skewed, resolved share, lag."""
    ingestor = request.app.state.ingestor
    if ingestor is None:
        from headway.serve.tracking import unavailable

        return unavailable()
    since = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=days)
    rows = await run_in_threadpool(report, ingestor.root, ingestor.reader, since)
    return {"rows": rows}
