"""Why an interval or a test has no number: a closed set of codes a machine can read."""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    OK = "ok"
    NO_DATA = "no_data"  # the value itself is null
    INSUFFICIENT_SAMPLE = "insufficient_sample"  # below min_sample, or too few rows for the method
    FULLY_OBSERVED = "fully_observed"  # a total of the whole population: it has no sampling error
    NO_STATISTICS = "no_statistics"  # the row lacks the sufficient statistics the method needs
    NOT_ESTIMABLE = "not_estimable"  # no interval exists for this aggregate (min, max, formula)
    ZERO_DENOMINATOR = "zero_denominator"
