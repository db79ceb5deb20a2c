"""A review period: one calendar quarter, written `2026Q4` (or `2026-Q4`, any case)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from headway.errors import HeadwayError

_PATTERN = re.compile(r"^([0-9]{4})-?[Qq]([1-4])$", re.ASCII)


class ReviewError(HeadwayError):
    """The review pack cannot be made as asked (a bad period, no browser for the PDF)."""

    code = "bad_period"
    status = 400


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        """The first day after the quarter."""
        return dt.date(self.year + 1, 1, 1) if self.number == 4 else dt.date(self.year, 3 * self.number + 1, 1)

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    def shift(self, quarters: int) -> Quarter:
        index = self.year * 4 + self.number - 1 + quarters
        return Quarter(index // 4, index % 4 + 1)

    def months(self) -> list[dt.date]:
        return [dt.date(self.year, 3 * self.number - 2 + i, 1) for i in range(3)]


def parse_quarter(text: str) -> Quarter:
    """`2026Q4` -> Quarter(2026, 4); anything else is a ReviewError saying what to write."""
    found = _PATTERN.match(text.strip())
    if found is None or not 1900 <= int(found.group(1)) <= 2999:
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise ReviewError(
            f"'{shown}' is not a quarter",
            "Write the year and the quarter number, e.g. 2026Q4 (quarters 1 to 4, years 1900 to 2999).",
        )
    return Quarter(int(found.group(1)), int(found.group(2)))
