"""The demo's fixed calendar: which days a scale covers and how busy each day is.

Every date is fixed (the timeline always ends on 2026-10-31), so the same seed
and scale give the same files whatever day they are generated on. Days are
counted as integers from the first day of the timeline; timestamps are
microseconds since the Unix epoch, always UTC.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass
from functools import cached_property

import numpy as np

END = dt.date(2026, 10, 31)
PRICE_CHANGE = dt.date(2026, 8, 1)
OUTAGE = dt.date(2026, 8, 14)
EPOCH = dt.date(1970, 1, 1)
US_PER_S = 1_000_000
S_PER_DAY = 86_400
US_PER_DAY = S_PER_DAY * US_PER_S
GROWTH_PER_YEAR = 0.35  # log growth of new sign-ups per year; 1.0 on the last day


@dataclass(frozen=True)
class Scale:
    """How much data a scale produces; the world behind it is the same."""

    name: str
    start: dt.date
    accounts: int  # paying accounts when the timeline opens
    trials_per_day: float  # self-serve sign-ups on a weekday at the end of the timeline
    activity: float  # multiplier on each user's chance to be active on a day
    visitors_per_day: float  # anonymous visitors who never sign up
    csat_per_day: float  # CSAT responses per day (NPS gets a third of that)


SCALES: dict[str, Scale] = {
    "small": Scale("small", dt.date(2026, 5, 1), 700, 7.0, 0.17, 60.0, 16.0),
    "medium": Scale("medium", dt.date(2025, 11, 1), 1500, 9.0, 0.95, 450.0, 40.0),
    "large": Scale("large", dt.date(2024, 11, 1), 2200, 15.0, 1.25, 800.0, 60.0),
}


def epoch_day(day: dt.date) -> int:
    return (day - EPOCH).days


def stream(seed: int, name: str) -> np.random.Generator:
    """An independent random stream per component, so editing one table leaves the others unchanged."""
    return np.random.Generator(np.random.PCG64([seed, zlib.crc32(name.encode())]))


@dataclass(frozen=True)
class Timeline:
    start: dt.date
    end: dt.date = END

    @property
    def first(self) -> int:
        """Epoch day of the first day."""
        return epoch_day(self.start)

    @property
    def n_days(self) -> int:
        return (self.end - self.start).days + 1

    def index(self, day: dt.date) -> int:
        """Day number of a date on this timeline (may be outside 0..n_days-1)."""
        return (day - self.start).days

    def date(self, index: int) -> dt.date:
        return self.start + dt.timedelta(days=int(index))

    @property
    def end_us(self) -> int:
        """The first microsecond after the timeline."""
        return (self.first + self.n_days) * US_PER_DAY

    def us(self, day: np.ndarray | int, second: np.ndarray | int = 0) -> np.ndarray:
        """Microseconds since the epoch for a day number and a second of that day."""
        return (self.first + np.asarray(day, dtype=np.int64)) * US_PER_DAY + np.asarray(
            second, dtype=np.int64
        ) * US_PER_S

    @cached_property
    def weekday(self) -> np.ndarray:
        """0 = Monday for each day."""
        return (np.arange(self.n_days) + self.start.weekday()) % 7

    @cached_property
    def day_of_month(self) -> np.ndarray:
        return np.array([self.date(i).day for i in range(self.n_days)], dtype=np.int64)

    @cached_property
    def busy(self) -> np.ndarray:
        """Relative activity per day: weekends are quiet and late December is a holiday."""
        factor = np.where(self.weekday >= 5, 0.35, 1.0)
        for i in range(self.n_days):
            day = self.date(i)
            if (day.month == 12 and day.day >= 22) or (day.month == 1 and day.day == 1):
                factor[i] *= 0.8 if day.day in (22, 23) else 0.45
        return factor

    @cached_property
    def growth(self) -> np.ndarray:
        """Sign-up growth: 1.0 on the last day, lower before."""
        years = (np.arange(self.n_days) - (self.n_days - 1)) / 365.25
        return np.exp(GROWTH_PER_YEAR * years)

    def months(self) -> list[tuple[str, int, int]]:
        """(YYYY-MM, first day number, stop day number) for each calendar month."""
        out: list[tuple[str, int, int]] = []
        day = self.start
        while day <= self.end:
            following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
            stop = min(following, self.end + dt.timedelta(days=1))
            out.append((f"{day:%Y-%m}", self.index(day), self.index(stop)))
            day = following
        return out

    @property
    def first_monday(self) -> int:
        """Day number (possibly negative) of the Monday on or before the start."""
        return -self.start.weekday()

    def week_of(self, day: np.ndarray) -> np.ndarray:
        """Week number counted from `first_monday` (weeks start on Monday)."""
        return (np.asarray(day) - self.first_monday) // 7

    @property
    def n_weeks(self) -> int:
        return int(self.week_of(np.array(self.n_days - 1))) + 1
