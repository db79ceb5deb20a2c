"""The demo KPIs written by hand in DuckDB SQL: the baseline Headway is timed against.

Each case is the query Headway answers and the SQL a data engineer would write for
the same numbers on the same files. The benchmark checks the numbers agree.
`{data}` is the demo's data folder. Events' zoned timestamps are read as UTC wall-clock with
`make_timestamp(epoch_us(...))`, the fastest form we know, so the floor is a real floor.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from headway.engine import Query
from headway.spec import Grain

FIRST, LAST = dt.date(2025, 11, 1), dt.date(2026, 10, 31)


@dataclass(frozen=True)
class Case:
    label: str
    query: Query
    sql: str
    dims: int = 0  # leading dimension columns in the SQL's output, after the period


CASES = [
    Case(
        "signups by week",
        Query("signups", Grain.WEEK, start=FIRST, end=LAST),
        """SELECT date_trunc('week', make_timestamp(epoch_us(timestamp)))::DATE AS period, count(*) AS value
           FROM read_parquet('{data}/events/*.parquet')
           WHERE event = 'Signed Up' GROUP BY 1""",
    ),
    Case(
        "signups by week x plan",
        Query("signups", Grain.WEEK, by=("properties.plan",), start=FIRST, end=LAST),
        """SELECT date_trunc('week', make_timestamp(epoch_us(timestamp)))::DATE AS period, properties.plan AS plan,
                  count(*) AS value
           FROM read_parquet('{data}/events/*.parquet')
           WHERE event = 'Signed Up' GROUP BY 1, 2""",
        dims=1,
    ),
    Case(
        "weekly active users (7d rolling) by day",
        Query("weekly_active_users", Grain.DAY, start=FIRST, end=LAST),
        """WITH seen AS (
             SELECT DISTINCT make_timestamp(epoch_us(timestamp))::DATE AS day, user_id
             FROM read_parquet('{data}/events/*.parquet')
             WHERE user_id IS NOT NULL),
           days AS (SELECT range::DATE AS day FROM range(DATE '2025-11-01', DATE '2026-11-01', INTERVAL 1 DAY))
           SELECT days.day AS period, count(DISTINCT seen.user_id) AS value
           FROM days JOIN seen ON seen.day > days.day - 7 AND seen.day <= days.day
           GROUP BY 1""",
    ),
    Case(
        "paid MRR at month end",
        Query("paid_mrr", Grain.MONTH, start=FIRST, end=LAST),
        """WITH months AS (SELECT range::DATE AS m FROM range(DATE '2025-11-01', DATE '2026-11-01', INTERVAL 1 MONTH))
           SELECT m AS period, sum(mrr) AS value
           FROM months JOIN read_parquet('{data}/subscriptions.parquet') s
             ON s.started_at < m + INTERVAL 1 MONTH AND (s.ended_at IS NULL OR s.ended_at >= m + INTERVAL 1 MONTH)
           WHERE NOT s.is_trial GROUP BY 1""",
    ),
    Case(
        "ARPA by month x plan",
        Query("arpa", Grain.MONTH, by=("plan",), start=FIRST, end=LAST),
        """WITH months AS (SELECT range::DATE AS m FROM range(DATE '2025-11-01', DATE '2026-11-01', INTERVAL 1 MONTH))
           SELECT m AS period, plan, sum(mrr) / count(DISTINCT account_id) AS value
           FROM months JOIN read_parquet('{data}/subscriptions.parquet') s
             ON s.started_at < m + INTERVAL 1 MONTH AND (s.ended_at IS NULL OR s.ended_at >= m + INTERVAL 1 MONTH)
           WHERE NOT s.is_trial GROUP BY 1, 2""",
        dims=1,
    ),
    Case(
        "NPS by week",
        Query("nps", Grain.WEEK, start=FIRST, end=LAST),
        """SELECT date_trunc('week', responded_at)::DATE AS period,
                  100.0 * (count(*) FILTER (score >= 9) - count(*) FILTER (score <= 6)) / count(*) AS value
           FROM read_parquet('{data}/surveys.parquet') WHERE survey = 'nps' GROUP BY 1""",
    ),
    Case(
        "CSAT by week x segment",
        Query("csat", Grain.WEEK, by=("account.segment",), start=FIRST, end=LAST),
        """SELECT date_trunc('week', s.responded_at)::DATE AS period, a.segment, avg(s.score) AS value
           FROM read_parquet('{data}/surveys.parquet') s
           LEFT JOIN read_parquet('{data}/accounts.parquet') a USING (account_id)
           WHERE s.survey = 'csat' GROUP BY 1, 2""",
        dims=1,
    ),
    Case(
        "change lead time (median) by month",
        Query("change_lead_time", Grain.MONTH, start=FIRST, end=LAST),
        """SELECT date_trunc('month', deployed_at)::DATE AS period, median(lead_time_hours) AS value
           FROM read_parquet('{data}/../.headway/lake/delivery/changes/data.parquet')
           WHERE deployed_at IS NOT NULL GROUP BY 1""",
    ),
]
