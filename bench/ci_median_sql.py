"""Why `--ci` on a median costs ~2x the plain query: its SQL beside the other ways DuckDB can reach order statistics.

An exact interval for a median needs each period's values at ranks that depend on that period's n,
and DuckDB's quantiles take only constant fractions. The engine therefore sorts each period's values
(`LIST_SORT(ARRAY_AGG(x))`) and Python picks the exact binomial ranks from a short window
(`headway/engine/order_stats.py`). This script times, on DuckDB alone (no Python around the SQL),
the plain median's SQL and the `--ci` SQL the engine generates, beside hand-written alternatives:

- `list pad`: the unsorted list padded with `LIST_RESIZE` (n + 1 - 2k copies of -inf, or of +inf)
  so that rank k becomes the padded list's median, taken by `LIST_AGGREGATE(..., 'quantile_disc', 0.5)`:
  a selection, no sort. One order statistic per bound, at the normal approximation's rank k; an
  exact interval needs the exact rank, which SQL cannot take from a binomial quantile, so this is a
  lower bound on what the exact form would cost;
- `count pass + row pads`: the rows counted first, then padded per period with -inf / +inf rows so
  that the wanted rank is a padded median, `QUANTILE_DISC(x, 0.5)` (two passes over the rows);
- `floor`: the plain query with two more constant fractions in its one `QUANTILE_CONT`: the least
  any extra order statistic can cost. It gives no exact bound (the ranks are not n-dependent);
- `plain + exact rank in SQL`: the plain query and, per period, the exact lower binomial rank worked
  out in SQL (`LGAMMA` and list lambdas), which a selection would need: the rank alone, no values.

Each padded variant is checked against the sorted values at the same ranks, and the SQL rank against
`order_stats.ranks`, before anything is timed.
CPU seconds (DuckDB's threads included) of `execute` + `fetchall`, the variants interleaved run by
run, trimmed mean (middle 60%) of BENCH_CI_RUNS runs.

    python bench/ci_median_sql.py DEMO_DIR [SCALE]

SCALE > 1 times a copy of the tickets repeated SCALE times (values jittered), written to a
temporary folder.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from statistics import NormalDist

from ci_cost import SCALED, scale_views

from headway.engine import Actor, Engine, Query, order_stats
from headway.spec import load_workspace
from headway.spec.models import Grain

METRIC = "first_response_time"  # median of first_response_minutes over tickets
RUNS = int(os.environ.get("BENCH_CI_RUNS", "41"))
C = NormalDist().inv_cdf(0.975) * 0.5  # z·√(q(1-q)) at q = 0.5
PERIOD = {
    Grain.MONTH: "CAST(DATE_TRUNC('MONTH', t.created_at) AS DATE)",
    Grain.DAY: "CAST(t.created_at AS DATE)",
}
X = "t.first_response_minutes"
RANK = f"GREATEST(1, CAST(n0 * 0.5 - {C!r} * SQRT(n0) AS BIGINT))"  # k; the upper bound's rank is n + 1 - k


def padded_order_statistic(values: str, n: str, k: str, upper: bool) -> str:
    """The k-th smallest (upper: k-th largest) of the DOUBLE list `values` of length n (1 ≤ k ≤ (n + 1) / 2).

    n + 1 - 2k copies of -inf (upper: +inf) make the list's length 2n + 1 - 2k, odd, and put the wanted
    value in its middle, at rank n + 1 - k, which `quantile_disc` at 0.5 (rank ⌈N/2⌉) returns.
    """
    fill = "'inf'" if upper else "'-inf'"
    return f"LIST_AGGREGATE(LIST_RESIZE({values}, 2 * ({n}) + 1 - 2 * ({k}), {fill}::DOUBLE), 'quantile_disc', 0.5)"


def exact_low_rank(n: str) -> str:
    """The exact lower rank l of the median's 95% interval for a sample of `n`, in SQL (0: no interval).

    l = #{j ≥ 0 : F(j) ≤ 0.025}, F the Binomial(n, ½) CDF, tested at six j around the normal
    approximation (all below them pass, all above fail), each F summed from its pmf terms in log
    space (`LGAMMA`) over the 12·√n + 20 terms below j, beyond which they are negligible.
    """
    pmf = f"EXP(LGAMMA({n} + 1) - LGAMMA(i + 1) - LGAMMA({n} - i + 1) + {n} * LN(0.5))"
    below = f"GREATEST(0, j - CAST(12 * SQRT({n}) AS BIGINT) - 20)"
    cdf = f"LIST_SUM(LIST_TRANSFORM(RANGE({below}, j + 1), lambda i: {pmf}))"
    j0 = f"(CAST(FLOOR({n} * 0.5 - {C!r} * SQRT({n})) AS BIGINT) - 3)"
    return f"{j0} + LEN(LIST_FILTER(RANGE({j0}, {j0} + 6), lambda j: j < 0 OR {cdf} <= 0.025))"


def alternatives(grain: Grain) -> dict[str, str]:
    """Hand-written SQL over the engine's view `hw_tickets`: period, value, n, then the two bounds."""
    p, scan = PERIOD[grain], "FROM hw_tickets AS t GROUP BY 1"
    lists = (
        f"WITH l0 AS (SELECT {p} AS period, QUANTILE_CONT({X}, 0.5) AS v0, COUNT({X}) AS n0, "
        f"ARRAY_AGG({X}) FILTER (WHERE NOT {X} IS NULL) AS a0 {scan}), l1 AS (SELECT *, {RANK} AS k FROM l0) "
    )
    rows = (
        f"WITH r AS MATERIALIZED (SELECT {p} AS period, {X} AS x FROM hw_tickets AS t), "
        f"c AS (SELECT period, n0, {RANK} AS k FROM (SELECT period, COUNT(x) AS n0 FROM r GROUP BY 1)), "
        "p AS (SELECT period, x, 0 AS pad FROM r "
        "UNION ALL SELECT period, '-inf'::DOUBLE, 1 FROM c, RANGE(n0 + 1 - 2 * k) "
        "UNION ALL SELECT period, 'inf'::DOUBLE, 2 FROM c, RANGE(n0 + 1 - 2 * k)) "
        "SELECT period, QUANTILE_CONT(x, 0.5) FILTER (WHERE pad = 0), COUNT(x) FILTER (WHERE pad = 0), "
        "QUANTILE_DISC(x, 0.5) FILTER (WHERE pad < 2), QUANTILE_DISC(x, 0.5) FILTER (WHERE pad <> 1) FROM p GROUP BY 1"
    )
    return {
        "list pad (approx. rank)": lists
        + f"SELECT period, v0, n0, {padded_order_statistic('a0', 'n0', 'k', False)}, "
        + f"{padded_order_statistic('a0', 'n0', 'k', True)} FROM l1",
        "count pass + row pads": rows,
        "floor: +2 const fractions": f"SELECT {p} AS period, QUANTILE_CONT({X}, [0.5, 0.45, 0.55]), COUNT({X}) {scan}",
        "plain + exact rank in SQL": f"SELECT period, v0, n0, {exact_low_rank('n0')} FROM "
        + f"(SELECT {p} AS period, QUANTILE_CONT({X}, 0.5) AS v0, COUNT({X}) AS n0 {scan})",
    }


def reference(grain: Grain) -> str:
    """The sorted values at ranks k and n + 1 - k, to check the padded variants pick those."""
    p = PERIOD[grain]
    return (
        f"SELECT period, a0[k], a0[n0 + 1 - k] FROM (SELECT *, {RANK} AS k FROM (SELECT {p} AS period, "
        f"COUNT({X}) AS n0, LIST_SORT(ARRAY_AGG({X}) FILTER (WHERE NOT {X} IS NULL)) AS a0 "
        "FROM hw_tickets AS t GROUP BY 1))"
    )


def timed(cursor: object, variants: dict[str, str]) -> dict[str, float]:
    run = cursor.execute  # type: ignore[attr-defined]
    for sql in variants.values():
        run(sql).fetchall()
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(RUNS):
        for name, sql in variants.items():
            started = time.process_time()
            run(sql).fetchall()
            times[name].append(time.process_time() - started)
    cut = RUNS // 5
    return {name: statistics.mean(sorted(t)[cut : RUNS - cut]) * 1e3 for name, t in times.items()}


def main(path: str, scale: int = 1) -> None:
    engine = Engine(load_workspace(path), "duckdb")
    sql = {
        grain: [engine.query(Query(METRIC, grain, stats=s), actor=Actor.owner()).sql for s in (False, True)]
        for grain in PERIOD
    }
    with tempfile.TemporaryDirectory() as folder:
        if scale > 1:
            scale_views(engine, scale, folder, [SCALED[METRIC]])
        cursor = engine.backend._cursor()  # type: ignore[attr-defined]
        load = os.getloadavg()[0]
        print(f"\nmedian --ci SQL on DuckDB alone (x{scale} tickets; CPU, trimmed mean of {RUNS}; load {load:.1f})")
        for grain, (plain, ci) in sql.items():
            others = alternatives(grain)
            want = sorted(cursor.execute(reference(grain)).fetchall())
            for name in ("list pad (approx. rank)", "count pass + row pads"):
                got = sorted((r[0], r[3], r[4]) for r in cursor.execute(others[name]).fetchall())
                assert got == want, f"{name} does not pick the sorted values at ranks k and n + 1 - k"
            for _, _, n, low in cursor.execute(others["plain + exact rank in SQL"]).fetchall():
                assert low == ((order_stats.ranks(n, 0.5) or (0, 0))[0]), f"exact rank in SQL wrong at n = {n}"
            times = timed(cursor, {"plain (QUANTILE_CONT)": plain, "--ci today (LIST_SORT)": ci, **others})
            base = times["plain (QUANTILE_CONT)"]
            for name, ms in times.items():
                print(f"  {grain.value:<6} {name:<28} {ms:8.2f} ms  {ms / base:5.2f}x")
    engine.close()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1)
