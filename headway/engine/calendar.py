"""Period arithmetic on dates, done once in Python so every engine gets the same calendar.

The spine (the list of periods a query covers) is computed here and sent to
the engine as literal rows. Only calendar facts live here, never metric values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from headway.spec.models import Grain, WeekStart

WEEK_OFFSET = {WeekStart.MONDAY: 0, WeekStart.SUNDAY: 6, WeekStart.SATURDAY: 5}


@dataclass(frozen=True)
class Calendar:
    week_start: WeekStart = WeekStart.MONDAY

    @property
    def week_offset(self) -> int:
        """Days from Monday back to the week's first day (Sunday: 6)."""
        return WEEK_OFFSET[self.week_start]

    def start(self, day: dt.date, grain: Grain) -> dt.date:
        match grain:
            case Grain.DAY:
                return day
            case Grain.WEEK:
                shifted = day - dt.timedelta(days=self.week_offset)
                return shifted - dt.timedelta(days=shifted.weekday()) + dt.timedelta(days=self.week_offset)
            case Grain.MONTH:
                return day.replace(day=1)
            case Grain.QUARTER:
                return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
            case Grain.YEAR:
                return dt.date(day.year, 1, 1)

    def shift(self, start: dt.date, grain: Grain, count: int) -> dt.date:
        """The period `count` periods after the one starting at `start` (negative: before)."""
        match grain:
            case Grain.DAY:
                return start + dt.timedelta(days=count)
            case Grain.WEEK:
                return start + dt.timedelta(weeks=count)
            case Grain.MONTH:
                return _add_months(start, count)
            case Grain.QUARTER:
                return _add_months(start, 3 * count)
            case Grain.YEAR:
                return _add_months(start, 12 * count)

    def end(self, start: dt.date, grain: Grain) -> dt.date:
        """Exclusive end: the next period's start."""
        return self.shift(start, grain, 1)

    def periods(self, first: dt.date, last: dt.date, grain: Grain) -> list[dt.date]:
        """Every period start from the period holding `first` to the one holding `last`."""
        current, stop = self.start(first, grain), self.start(last, grain)
        out = []
        while current <= stop:
            out.append(current)
            current = self.shift(current, grain, 1)
        return out

    def year_ago(self, start: dt.date, grain: Grain) -> dt.date:
        """Same period a year earlier: 52 weeks for weeks (same weekday), the calendar year otherwise."""
        if grain is Grain.WEEK:
            return start - dt.timedelta(weeks=52)
        if grain is Grain.DAY:
            return _minus_year(start)
        return _add_months(start, -12)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, 1) if day.day == 1 else _clamp(year, month + 1, day.day)


def _clamp(year: int, month: int, day: int) -> dt.date:
    while True:
        try:
            return dt.date(year, month, day)
        except ValueError:
            day -= 1


def _minus_year(day: dt.date) -> dt.date:
    return _clamp(day.year - 1, day.month, day.day)
