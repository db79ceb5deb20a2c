"""Query parameters read strictly: a date is an ISO date, never a number read as a Unix time."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BeforeValidator

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: Any) -> Any:
    """`2026-01-31` only: pydantic alone reads `0` or `86400` as seconds since 1970."""
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError(f"'{str(value)[:40]}' is not an ISO date; write YYYY-MM-DD, e.g. 2026-01-31")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
