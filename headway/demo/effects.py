"""Measure the planted effects in the written files, for the README and the summary.

These read only the Parquet files, with plain DuckDB SQL, the way an analyst
would; they never look at the generator's hidden variables.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np

from headway.demo.output import TABLES

DELIVERY_TABLES = ("changes", "deployments", "incidents", "work_items")

PAYING_AT = """
    select sum(mrr), count(distinct account_id) from subscriptions
    where not is_trial and started_at < ?::timestamptz and (ended_at is null or ended_at >= ?::timestamptz)
"""
MONTHLY_CHURN = """
    with months as (select unnest(generate_series(?::date, ?::date, interval 1 month))::date as m)
    select avg(churned / paying) from (
        select m,
            (select count(*) from subscriptions where end_reason = 'churn'
                and ended_at >= m and ended_at < m + interval 1 month) as churned,
            (select count(distinct account_id) from subscriptions where not is_trial
                and started_at < m and (ended_at is null or ended_at >= m)) as paying
        from months)
"""
REPORTS_CHURN = """
    with cohort as (
        select distinct account_id from subscriptions where not is_trial
        and started_at < '2026-06-01' and (ended_at is null or ended_at >= '2026-06-01')),
    users as (
        select distinct account_id from events where event = 'Feature Used' and properties.feature = 'reports'
        and timestamp >= '2026-05-01' and timestamp < '2026-06-01'),
    churned as (select distinct account_id from subscriptions where end_reason = 'churn' and ended_at >= '2026-06-01')
    select c.account_id in (select account_id from users) as uses_reports,
        avg((c.account_id in (select account_id from churned))::int) as churn
    from cohort c group by 1 order by 1
"""
WEEKLY = """
    with cycle as (
        select date_trunc('week', done_at)::date as w, median(cycle_time_days) as v
        from work_items where done_at is not null group by 1),
    csat as (
        select date_trunc('week', responded_at)::date as w, avg(score) as v
        from surveys where survey = 'csat' group by 1),
    size as (
        select date_trunc('week', merged_at)::date as w, avg(size) as v
        from changes where merged_at is not null group by 1),
    nps as (
        select date_trunc('week', responded_at)::date as w,
            100.0 * avg((score >= 9)::int) - 100.0 * avg((score <= 6)::int) as v
        from surveys where survey = 'nps' group by 1)
    select cycle.v, csat.v, size.v, nps.v from cycle join csat using (w) join size using (w) join nps using (w)
    where w >= ?::date and w + 7 <= ?::date order by w
"""


def measure(root: Path, start: str, end: str) -> dict[str, float]:
    """Headline numbers for each planted effect; `start`/`end` are the timeline's first and last day."""
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    for name in TABLES:
        path = str(root / "data" / f"{name}.parquet").replace("'", "''")
        con.execute(f"create view {name} as select * from read_parquet('{path}')")
    for name in DELIVERY_TABLES:  # the canonical tables the webhooks and the Jira import produced
        path = str(root / ".headway" / "lake" / "delivery" / name / "data.parquet").replace("'", "''")
        con.execute(f"create view {name} as select * from read_parquet('{path}')")
    events = str(root / "data" / "events" / "*.parquet").replace("'", "''")
    con.execute(f"create view events as select * from read_parquet('{events}')")
    out: dict[str, float] = {}
    mrr_before, paying_before = _one(con, PAYING_AT, ["2026-08-01", "2026-08-01"])
    mrr_end, paying_end = _one(con, PAYING_AT, ["2026-11-01", "2026-11-01"])
    out.update(
        arpa_before=mrr_before / paying_before,
        arpa_after=mrr_end / paying_end,
        paid_mrr_end=mrr_end,
        paying_accounts_end=paying_end,
    )
    first_month = start[:8] + "01" if start[8:] == "01" else _next_month(start)
    out["churn_before"] = _one(con, MONTHLY_CHURN, [first_month, "2026-07-01"])[0]
    out["churn_after"] = _one(con, MONTHLY_CHURN, ["2026-08-01", "2026-10-01"])[0]
    by_group = dict(con.execute(REPORTS_CHURN).fetchall())
    out.update(
        churn_without_reports=by_group.get(False, float("nan")), churn_with_reports=by_group.get(True, float("nan"))
    )
    out.update(_weekly(con, start, end))
    out.update(_simple(con, end))
    return {key: float(value) for key, value in out.items()}


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list[str]) -> tuple[float, ...]:
    row = con.execute(sql, params).fetchone()
    assert row is not None
    return tuple(float(v) if v is not None else float("nan") for v in row)


def _next_month(day: str) -> str:
    year, month = int(day[:4]), int(day[5:7])
    return f"{year + month // 12}-{month % 12 + 1:02d}-01"


def _weekly(con: duckdb.DuckDBPyConnection, start: str, end: str) -> dict[str, float]:
    rows = np.array(con.execute(WEEKLY, [start, end]).fetchall(), dtype=np.float64)
    cycle, csat, _, _ = np.diff(rows, axis=0).T
    _, _, size, nps = rows.T  # stationary: compare levels (differencing white noise only adds noise)

    def lagged(x: np.ndarray, y: np.ndarray, lag: int) -> float:
        return float(np.corrcoef(x[: len(x) - lag], y[lag:])[0, 1])

    return {
        "weeks": float(len(rows)),
        "cycle_csat_lag0": lagged(cycle, csat, 0),
        "cycle_csat_lag2": lagged(cycle, csat, 2),
        "pr_size_nps_max_abs": max(abs(lagged(size, nps, lag)) for lag in range(5)),
    }


def _simple(con: duckdb.DuckDBPyConnection, end: str) -> dict[str, float]:
    queries = {
        "incidents_caused_share": "select avg((deployment_id is not null)::int) from incidents",
        "failed_deploys_with_incident": """
            select avg((deployment_id in (select deployment_id from incidents
                where deployment_id is not null))::int)
            from deployments where is_production and failed""",
        "outage_mobile_events": """select count(*) from events where source in ('ios', 'android')
            and timestamp >= '2026-08-14' and timestamp < '2026-08-15'""",
        "usual_mobile_events": """select count(*) / 4 from events where source in ('ios', 'android')
            and cast(timestamp as date) in ('2026-07-17', '2026-07-24', '2026-07-31', '2026-08-07')""",
        "crunch_workload": """select avg(score) from pulse where team = 'billing' and question = 'workload'
            and answered_at >= '2026-07-06' and answered_at < '2026-08-10'""",
        "usual_workload": """select avg(score) from pulse where team = 'billing' and question = 'workload'
            and (answered_at < '2026-07-06' or answered_at >= '2026-08-10')""",
        "billing_tickets_july": """select count(*) from tickets where category = 'billing'
            and created_at >= '2026-07-01' and created_at < '2026-08-01'""",
        "billing_tickets_august": """select count(*) from tickets where category = 'billing'
            and created_at >= '2026-08-01' and created_at < '2026-09-01'""",
    }
    out = {key: _one(con, sql, [])[0] for key, sql in queries.items()}
    last_week = "select count(distinct user_id) from events where timestamp >= ?::date - 6 and timestamp < ?::date + 1"
    out["weekly_active_users_end"] = _one(con, last_week, [end, end])[0]
    return out
