"""Your own data in ten minutes: from an empty folder to a query, on a real-world CSV and a PostgreSQL table.

The CSV is what a store exports: `;` between fields, yyyymmdd dates, amounts with a decimal comma
and a thousands point, non-ASCII names and a few rows whose amount is not a number. The customers
live in a PostgreSQL table that the test creates on a real server. Every expected value is
computed here, independently: the CSV with Python's csv and Decimal, the customers with SQL run
on PostgreSQL itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml
from typer.testing import CliRunner

from headway.cli.main import app
from headway.engine import Actor, Engine, Query
from headway.engine.results import json_row
from headway.spec import load_workspace
from headway.spec.models import Grain

ZONE = "Europe/Berlin"
CUSTOMERS = [  # customer_id, name, region, signed_up (UTC)
    ("c1", "Zoë Müller", "DACH", "2024-01-01 00:30:00+00"),  # 01:30 in Berlin
    ("c2", "Łukasz", "EU", "2024-01-31 23:30:00+00"),  # 00:30 on 1 February in Berlin
    ("c3", "Ana", "EU", "2024-02-10 12:00:00+00"),
    ("c4", "Bjørn", "NORDICS", "2024-03-05 08:00:00+00"),
]
BAD_AMOUNTS = {"A7": "n/a", "A19": "tbd", "A33": ""}  # the last is empty: a null, not a bad row


def _orders() -> list[list[str]]:
    rows = []
    for i in range(1, 61):
        order_id = f"A{i}"
        day = dt.date(2024, 1, 1) + dt.timedelta(days=(i * 7) % 75)
        amount = BAD_AMOUNTS.get(order_id, f"{(i * 37) % 900},{(i * 13) % 100:02d}")
        if i == 42:
            amount = "1.234,10"  # a thousands point
        if i in (5, 6, 8, 9, 11):
            amount = "0,10"  # ten cents, which a double sum would not keep exact
        rows.append([order_id, f"c{i % 4 + 1}", day.strftime("%Y%m%d"), amount, "bezahlt" if i % 3 else "offen"])
    return rows


def _run(*args: Any, env: dict[str, str] | None = None) -> Any:
    result = CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200", **(env or {})})
    return result


def _amount(text: str) -> Decimal | None:
    if text == "":
        return None
    try:
        return Decimal(text.replace(".", "").replace(",", "."))
    except ArithmeticError:
        return None


@dataclass(frozen=True)
class Shop:
    ws: Path
    revenue: dict[tuple[str, str], tuple[Decimal, int]]  # (month, region) -> (sum, n), from Decimal over the file
    signups: list[tuple[str, int]]  # (month, count), from PostgreSQL's own SQL


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory, postgres_server: Any) -> Iterator[Shop]:
    """init, source add (a CSV and a PostgreSQL table), a hand-written metric file, validate: all through the CLI."""
    ws = tmp_path_factory.mktemp("owndata") / "shop"
    assert _run("init", ws, "--timezone", ZONE).exit_code == 0
    assert yaml.safe_load((ws / "headway.yml").read_text())["timezone"] == ZONE
    assert (ws / ".gitignore").read_text() == ".headway/\n"

    orders = _orders()
    with (ws / "data" / "orders.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["order_id", "customer_id", "order_day", "amount", "status"])
        writer.writerows(orders)

    admin = postgres_server.create_database("owndata").replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE customers (customer_id text PRIMARY KEY, name text, region text, signed_up timestamptz)"
        )
        for row in CUSTOMERS:
            conn.execute("INSERT INTO customers VALUES (%s, %s, %s, %s)", row)
    url = admin.replace("postgres@", "")  # no user in the URL: it comes from the environment
    env = {"PGUSER": "postgres"}

    added = _run("source", "add", "data/orders.csv", "--metrics", "-w", ws)
    assert added.exit_code == 0, added.output
    assert "2 value(s) of amount are not numbers" in added.output
    added = _run("source", "add", url, "--table", "customers", "-w", ws, env=env)
    assert added.exit_code == 0, added.output
    written = (ws / "sources" / "customers.yml").read_text()
    assert "postgres@" not in written and "PGPASSWORD" not in written
    again = _run("source", "add", "data/orders.csv", "-w", ws)
    assert again.exit_code == 1 and "--force" in again.output  # never overwrites without --force

    spec = yaml.safe_load((ws / "sources" / "orders.yml").read_text())["sources"][0]
    assert spec["csv"] == {"delimiter": ";", "date_format": "%Y%m%d", "decimal": ",", "bad_rows": "skip"}
    assert spec["time"] == "order_day" and spec["primary_key"] == "order_id"
    assert spec["columns"]["amount"] == {"type": "decimal", "precision": 18, "scale": 2}
    assert spec["columns"]["customer_id"]["entity"] == "customer"

    (ws / "metrics" / "by_region.yml").write_text(
        "metrics:\n"
        "  - {id: revenue, kind: kpi, source: orders, measure: {agg: sum, expr: amount},"
        " dimensions: [customer.region]}\n"
        "  - {id: signups, kind: input, source: customers, measure: {agg: count}}\n",
        encoding="utf-8",
    )
    validated = _run("validate", "-w", ws)
    assert validated.exit_code == 0, validated.output

    region = {c[0]: c[2] for c in CUSTOMERS}
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    counts: Counter[tuple[str, str]] = Counter()
    for _id, customer, day, amount, _ in orders:
        value = _amount(amount)
        if value is None:
            continue
        key = (dt.datetime.strptime(day, "%Y%m%d").strftime("%Y-%m-01"), region[customer])
        sums[key] += value
        counts[key] += 1
    with psycopg.connect(admin) as conn:
        oracle = conn.execute(
            "SELECT to_char(date_trunc('month', signed_up AT TIME ZONE 'Europe/Berlin'), 'YYYY-MM-DD'), count(*) "
            "FROM customers GROUP BY 1 ORDER BY 1"
        ).fetchall()
    yield Shop(ws, {key: (sums[key], counts[key]) for key in sums}, [tuple(r) for r in oracle])
    postgres_server.drop_database(admin)


def _revenue(rows: list[dict[str, Any]]) -> dict[tuple[str, str], tuple[Decimal, int]]:
    return {(str(r["period"]), r["customer.region"]): (Decimal(str(r["value"])), r["n"]) for r in rows if r["n"]}


@pytest.mark.postgres
def test_empty_folder_to_first_query(shop: Shop) -> None:
    result = _run("query", "revenue", "--grain", "month", "--by", "customer.region", "--format", "json", "-w", shop.ws)
    assert result.exit_code == 0, result.output
    assert _revenue(json.loads(result.output)["rows"]) == shop.revenue

    result = _run("query", "signups", "--grain", "month", "--format", "json", "-w", shop.ws)
    assert result.exit_code == 0, result.output
    assert [(r["period"], r["value"]) for r in json.loads(result.output)["rows"]] == shop.signups

    checked = _run("source", "check", "orders", "-w", shop.ws)
    assert checked.exit_code == 0, checked.output
    assert "2 bad row(s) left out (skip)" in checked.output


@pytest.mark.postgres
@pytest.mark.spark
def test_the_same_workspace_on_spark(shop: Shop, spark: Any) -> None:
    """The CSV options and the PostgreSQL snapshot read the same on Spark: the same exact sums."""
    engine = Engine(load_workspace(shop.ws), "spark", spark_session=spark)
    try:
        revenue = engine.query(Query("revenue", Grain.MONTH, by=("customer.region",)), actor=Actor.owner())
        signups = engine.query(Query("signups", Grain.MONTH), actor=Actor.owner())
    finally:
        engine.close()
    assert _revenue([json_row(r) for r in revenue.rows]) == shop.revenue
    assert [(str(r["period"]), r["value"]) for r in signups.rows] == shop.signups
