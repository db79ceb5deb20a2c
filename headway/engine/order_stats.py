"""Order-statistic bounds for a median or a percentile, from the engine (`Query(stats=True)`).

A distribution-free 95% interval for the q-quantile of n values is [X(l), X(u)], the l-th and
u-th smallest values, where the ranks come from Binomial(n, q) (the count of values below the
true quantile). The ranks depend on each period's n, which SQL cannot turn into a binomial
quantile, so the SQL returns a short window of sorted values around each rank's normal
approximation (n·q ∓ z·√(n·q·(1-q))), with the window's first rank, and Python picks the exact
ranks from SciPy's binomial inside it. The normal approximation is within 2 ranks of the exact
one for every n and q checked (n up to 5·10⁶, q from 0.001 to 0.999); a rank outside the window
gives no bound rather than a wrong one. Eight numbers per bound leave the engine, never rows.

The sorted values of a group come from one SQLGlot definition (`ARRAY_SORT(ARRAY_AGG(x))` with
nulls filtered), which DuckDB renders as `LIST_SORT(ARRAY_AGG(...))` and Spark as
`ARRAY_SORT(COLLECT_LIST(...))`; the window is `ARRAY_SLICE` / `SLICE`. Only stats queries
compute them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist
from typing import Any

from sqlglot import exp

from headway.engine.dialects import Dialect
from headway.engine.sql import alias, as_double, col

LEVEL = 0.95
SPREAD = 3  # ranks kept below the approximate rank
WIDTH = 8  # ranks kept in all: approx - 3 … approx + 4 (the exact rank is within [approx, approx + 2])
WINDOWS = ("os_low_from", "os_low", "os_high_from", "os_high")


def scan_columns(
    value: exp.Expr, condition: exp.Expr | None, index: int, q: float, level: float = LEVEL
) -> list[exp.Expr]:
    """In the scan: a<i>, the group's non-null values in ascending order, and al<i>/ah<i>, the first
    rank of each bound's window (the window itself is cut in the result, from these columns).

    Written lean on purpose: on a millisecond query DuckDB spends ~0.05–0.1 ms planning each extra
    function, so the null test reads the raw column and the ranks are n·q ∓ c·√n, c = z·√(q·(1-q))
    worked out here (bench/ci_cost.py).
    """
    keep: exp.Expr = exp.Not(this=exp.Is(this=value.copy(), expression=exp.null()))
    if condition is not None:
        keep = exp.and_(condition.copy(), keep, copy=False)
    collected = exp.Filter(this=exp.ArrayAgg(this=as_double(value)), expression=exp.Where(this=keep))
    n: exp.Expr = exp.Count(this=value.copy())  # the leaf's n (COUNT skips nulls), filtered when the scan is shared
    if condition is not None:
        n = exp.Filter(this=n, expression=exp.Where(this=condition.copy()))
    return [
        alias(exp.ArraySort(this=collected), f"a{index}"),
        alias(_start(n, q, level, upper=False), f"al{index}"),
        alias(_start(n.copy(), q, level, upper=True), f"ah{index}"),
    ]


def _start(n: exp.Expr, q: float, level: float, upper: bool) -> exp.Expr:
    """First rank of the window around n·q ∓ z·√(n·q·(1-q)) (+1 for the upper rank), at least 1."""
    nq = exp.Mul(this=n, expression=exp.Literal.number(repr(q)))
    spread = exp.Mul(
        this=exp.Literal.number(repr(NormalDist().inv_cdf(0.5 + level / 2) * math.sqrt(q * (1 - q)))),
        expression=exp.Sqrt(this=n.copy()),
    )
    centre: exp.Expr = exp.Floor(this=(exp.Add if upper else exp.Sub)(this=nq, expression=spread))
    offset = SPREAD - 1 if upper else SPREAD
    first = exp.Sub(
        this=exp.Cast(this=centre, to=exp.DataType(this=exp.DataType.Type.INT)), expression=exp.Literal.number(offset)
    )
    return exp.Greatest(this=exp.Literal.number(1), expressions=[first], ignore_nulls=True)


def result_columns(index: int, home: str, dialect: Dialect) -> list[exp.Expr]:
    """`os_low_from`, `os_low`, `os_high_from`, `os_high`: each bound's first rank and its window of sorted values."""
    out: list[exp.Expr] = []
    for name, start in (("os_low", f"al{index}"), ("os_high", f"ah{index}")):
        window = dialect.window(col(f"a{index}", home), col(start, home), WIDTH)
        out += [alias(col(start, home), f"{name}_from"), alias(window, name)]
    return out


def ranks(n: int, q: float, level: float = LEVEL) -> tuple[int, int] | None:
    """1-based ranks (l, u) with P(X(l) ≤ ξq ≤ X(u)) ≥ level, each tail ≤ (1 - level) / 2.

    The number of values below the true quantile ξq is Binomial(n, q), so the coverage is
    F(u - 1) - F(l - 1) whatever the distribution: l is the largest rank with F(l - 1) ≤ α/2,
    u the smallest with F(u - 1) ≥ 1 - α/2. None when n is too small for `level`.
    """
    return ranks_many([n], q, level)[0]


OFFSETS = range(-6, 7)  # candidates around the normal approximation (the exact rank is within +2 of it)


_KNOWN: dict[tuple[float, float], dict[int, tuple[int, int] | None]] = {}  # (q, level) -> n -> ranks
_KNOWN_MAX = 1 << 16


def ranks_many(ns: list[int], q: float, level: float = LEVEL) -> list[tuple[int, int] | None]:
    """`ranks` for many sample sizes at once (a day-grain year is 365 of them, with a few dozen distinct sizes).

    SciPy's binomial `ppf` searches element by element (~0.1 ms each); here the CDF, one
    vectorised call over the distinct sizes, is read at a few candidates around the normal
    approximation, and the rare size whose rank is not among them falls back to `ppf`.
    Each size's ranks are kept (the same sizes recur query after query: a warm query looks them up).
    """
    known = _KNOWN.setdefault((q, level), {})
    missing = set(ns).difference(known)
    if not missing:
        return list(map(known.__getitem__, ns))
    import numpy as np

    sizes = sorted(missing)
    fresh = dict(zip(sizes, _ranks_of_sizes(np.asarray(sizes, dtype=np.int64), q, level), strict=True))
    if len(known) < _KNOWN_MAX:  # never cleared, so a size seen here is there for every thread
        known.update(fresh)
    return [fresh[n] if n in fresh else known[n] for n in ns]


def _ranks_of_sizes(n: Any, q: float, level: float) -> list[tuple[int, int] | None]:
    import numpy as np
    from scipy import stats  # imported on use: SciPy costs ~0.3 s at start-up

    tail = (1 - level) / 2
    z = NormalDist().inv_cdf(1 - tail)
    sd = np.sqrt(n * q * (1 - q))
    offsets = np.asarray(OFFSETS)[None, :]
    size = np.maximum(n, 1)[:, None]
    below = np.clip(np.floor(n * q - z * sd)[:, None] - 1 + offsets, -1, size)  # candidates for l - 1
    above = np.clip(np.floor(n * q + z * sd)[:, None] + offsets, -1, size)  # candidates for u - 1
    low_ok = stats.binom.cdf(below, size, q) <= tail  # True on a prefix
    high_ok = stats.binom.cdf(above, size, q) >= 1 - tail  # True on a suffix
    rows, width = np.arange(len(n)), len(OFFSETS)
    k_low, k_high = low_ok.sum(axis=1), high_ok.argmax(axis=1)
    low_sure = ((k_low > 0) & (k_low < width)) | ((k_low == width) & (below[:, -1] >= n))
    high_sure = high_ok[rows, k_high] & ((k_high > 0) | (above[:, 0] <= -1))
    lows = (below[rows, np.maximum(k_low - 1, 0)] + 1).astype(np.int64).tolist()
    highs = (above[rows, k_high] + 1).astype(np.int64).tolist()
    out: list[tuple[int, int] | None] = []
    for count, low, high, sure in zip(n.tolist(), lows, highs, (low_sure & high_sure).tolist(), strict=True):
        if not sure:
            low, high = _ranks_by_search(count, q, tail)
        out.append((low, high) if count >= 1 and low >= 1 and high <= count else None)
    return out


def _ranks_by_search(n: int, q: float, tail: float) -> tuple[int, int]:
    from scipy import stats

    dist = stats.binom(max(n, 1), q)
    low = int(dist.ppf(tail))  # smallest k with F(k) ≥ tail
    if dist.cdf(low) <= tail:  # F(l - 1) may equal tail exactly
        low += 1
    return low, int(dist.ppf(1 - tail)) + 1


def picked_columns(
    names: list[str], columns: list[Sequence[Any]], q: float, level: float = LEVEL
) -> tuple[list[str], list[Sequence[Any]]]:
    """The result's columns with each bound's window (and its compared period's) replaced by the value at
    its exact rank, `ci_low_value` and `ci_high_value` (None: no interval exists, or the rank fell outside).

    Column by column, before the rows are built: a day-grain year is 365 rows, and four window
    columns fewer in each row's dict cost less than picking row by row.
    """
    for prefix in ("", "compare_"):
        if prefix + "os_low" not in names:
            continue
        at = {name: i for i, name in enumerate(names)}
        found = ranks_many([int(n or 0) for n in columns[at[prefix + "n"]]], q, level)
        windows = zip(found, *(columns[at[prefix + w]] for w in WINDOWS), strict=True)
        lows: list[float | None] = []
        highs: list[float | None] = []
        for f, low_from, low, high_from, high in windows:  # inline: a call per value costs more than the rest
            if f is None or low_from is None or high_from is None or low is None or high is None:
                lows.append(None)
                highs.append(None)
                continue
            i, j = f[0] - int(low_from), f[1] - int(high_from)
            lows.append(float(low[i]) if 0 <= i < len(low) else None)  # outside the window: no bound, never a wrong one
            highs.append(float(high[j]) if 0 <= j < len(high) else None)
        drop = {prefix + w for w in WINDOWS}
        keep = [i for i, name in enumerate(names) if name not in drop]
        names = [*(names[i] for i in keep), f"{prefix}ci_low_value", f"{prefix}ci_high_value"]
        columns = [*(columns[i] for i in keep), lows, highs]
    return names, columns
