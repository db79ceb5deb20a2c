"""Engine v2 and the hardening of its surfaces, each on the tiny workspace with values worked out by hand.

Restricted metrics refused on every surface; actors never sharing a cache entry; several metrics
in one call, each failing alone; one broken source never taking the overview (or health) down;
no stale numbers after files change; reads that see one version of the files or fail; a byte-bound
cache; one rule for how current the data is; all-time metrics on the overview; engine capabilities.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fixtures import SUBSCRIPTIONS, Server, build_workspace, write_subscriptions

from headway.engine import Actor, DataChanged, Engine, Failure, Query, QueryError
from headway.engine.registry import ENGINES, EngineSpec, register
from headway.errors import AccessDenied
from headway.serve.app import create_app
from headway.spec import load_workspace
from headway.spec.models import Agg, Grain

OWNER = Actor.owner()
VIEWER = Actor.viewer()
HEADWAY = Path(sys.executable).parent / "headway"


def cli(*args: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(HEADWAY), *map(str, args)], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny workspace plus: new_mrr restricted, and an all-time metric on the time-less accounts source."""
    ws = build_workspace(tmp_path_factory.mktemp("v2") / "tiny")
    revenue = ws / "metrics" / "revenue.yml"
    text = revenue.read_text(encoding="utf-8")
    text = text.replace(
        "  - id: new_mrr\n    name: New MRR\n", "  - id: new_mrr\n    name: New MRR\n    sensitivity: restricted\n"
    )
    text += (
        "\n  - id: accounts_total\n    kind: input\n    unit: accounts\n    source: accounts\n"
        "    measure: {agg: count}\n"
    )
    revenue.write_text(text, encoding="utf-8")
    return ws


@pytest.fixture
def ws(template: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(template, tmp_path / "tiny"))


@pytest.fixture
def engine(ws: Path) -> Iterator[Engine]:
    runner = Engine(load_workspace(ws))
    yield runner
    runner.close()


@pytest.fixture
def server(ws: Path) -> Iterator[Server]:
    with Server(create_app(ws, warm=False)) as running:
        yield running


@pytest.fixture
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=60) as http:
        yield http


# -- restricted metrics, on every surface ------------------------------------------------------------


def test_engine_refuses_restricted_metric_and_what_is_computed_from_it(engine: Engine) -> None:
    with pytest.raises(AccessDenied, match="metric 'new_mrr' is restricted"):
        engine.query(Query("new_mrr", Grain.MONTH), actor=VIEWER)
    # avg_new_mrr = new_mrr / (signups - trials): refused too, naming the restricted part
    with pytest.raises(AccessDenied, match="computed from restricted metric 'new_mrr'"):
        engine.query(Query("avg_new_mrr", Grain.MONTH), actor=VIEWER)
    with pytest.raises(AccessDenied):
        engine.sql(Query("new_mrr", Grain.MONTH), actor=VIEWER)
    owner_rows = engine.query(Query("new_mrr", Grain.MONTH), actor=OWNER).rows
    assert [r["value"] for r in owner_rows] == [370, 170, 565]  # Jan 100+20+250, Feb 20+150, Mar (fixtures)


def test_cli_refuses_restricted_metric_to_a_viewer(ws: Path) -> None:
    refused = cli("query", "new_mrr", "--as", "viewer", "-w", ws)
    assert refused.returncode == 1
    assert "metric 'new_mrr' is restricted" in refused.stderr
    assert cli("sql", "new_mrr", "--as", "viewer", "-w", ws).returncode == 1
    owner = cli("query", "new_mrr", "--format", "json", "-w", ws)
    assert owner.returncode == 0, owner.stderr


def test_api_page_and_overview_refuse_restricted_metric(client: httpx.Client) -> None:
    for path in ("/api/v1/metrics/new_mrr/query", "/api/v1/metrics/new_mrr/sql", "/api/v1/metrics/avg_new_mrr/query"):
        answer = client.get(path)
        assert answer.status_code == 403, path
        body = answer.json()
        assert body["ok"] is False and body["code"] == "forbidden" and "restricted" in body["error"]
    overview = {m["id"]: m for m in client.get("/api/v1/overview").json()["metrics"]}
    assert overview["new_mrr"]["reason"] == "forbidden" and overview["new_mrr"]["latest"] is None
    assert overview["signups"]["latest"]["value"] == 3  # the rest still answers: Feb signups #5 #6 #7
    page = client.get("/")
    assert page.status_code == 200
    assert "370" not in page.text and "170" not in page.text  # new_mrr's values never reach the page
    many = client.get("/api/v1/query", params=[("metric", "signups"), ("metric", "new_mrr"), ("grain", "month")])
    assert many.status_code == 200
    first, second = many.json()["results"]
    assert first["ok"] is True and [r["value"] for r in first["rows"]] == [4, 3, 5]
    assert second == {**second, "ok": False, "metric": "new_mrr", "status": 403, "code": "forbidden"}


def test_two_actors_never_share_a_cache_entry(engine: Engine) -> None:
    query = Query("signups", Grain.MONTH)
    assert engine.query(query, actor=OWNER).cached is False
    assert engine.query(query, actor=VIEWER).cached is False
    assert engine.query(query, actor=VIEWER).cached is True
    assert engine.query(query, actor=Actor("someone-else")).cached is True  # the same policy as a viewer


# -- several metrics in one call ----------------------------------------------------------------------


def test_cli_several_metrics_in_one_call(ws: Path) -> None:
    done = cli("query", "signups", "trials", "--grain", "month", "--format", "json", "-w", ws)
    assert done.returncode == 0, done.stderr
    signups, trials = __import__("json").loads(done.stdout)["results"]
    assert [r["value"] for r in signups["rows"]] == [4, 3, 5]
    assert [r["value"] for r in trials["rows"]] == [1, 1, 0]  # #3 Jan, #7 Feb trials


def test_one_failing_metric_in_a_batch_fails_alone(ws: Path) -> None:
    done = cli("query", "signups", "new_mrr", "--as", "viewer", "--grain", "month", "--format", "csv", "-w", ws)
    assert done.returncode == 1  # the worst failure was a refusal
    assert "new_mrr: metric 'new_mrr' is restricted" in done.stderr
    assert done.stdout.splitlines()[:2] == ["metric,period,value,n,complete,reason", "signups,2026-01-01,4,4,true,"]


# -- one broken source never takes the overview down ------------------------------------------------------


def test_a_broken_source_fails_its_metrics_alone(ws: Path, client: httpx.Client) -> None:
    (ws / "data" / "accounts.csv").write_text("account_id,segment,country\n", encoding="utf-8")
    events = pq.read_table(ws / "data" / "events.parquet")
    broken = events.set_column(
        events.schema.get_field_index("ts"), "ts", pa.array(["not a time"] * events.num_rows, pa.string())
    )
    pq.write_table(broken, ws / "data" / "events.parquet")
    overview = client.get("/api/v1/overview")
    assert overview.status_code == 200
    metrics = {m["id"]: m for m in overview.json()["metrics"]}
    assert metrics["active_users"]["reason"] in {"data_error", "engine_error"}
    assert "not a time" in metrics["active_users"]["detail"]  # the engine's complaint names the bad value
    assert str(ws) not in metrics["active_users"]["detail"]  # never a server path
    assert metrics["mrr"]["latest"]["value"] == 520  # subscriptions are fine: end of Feb (fixtures)
    health = client.get("/api/v1/health").json()
    assert health["ok"] is False and health["status"] == "degraded"
    assert {d["metric"] for d in health["degraded"]} >= {"active_users", "avg_duration"}
    assert client.get("/").status_code == 200
    answer = client.get("/api/v1/metrics/active_users/query")
    assert answer.status_code == 500 and answer.json()["code"] in {"data_error", "engine_error"}
    assert client.get("/api/v1/metrics/signups/query").status_code == 200  # the connection and server live on


def test_all_time_metric_shows_its_value_on_the_overview(client: httpx.Client) -> None:
    metrics = {m["id"]: m for m in client.get("/api/v1/overview").json()["metrics"]}
    assert metrics["accounts_total"]["reason"] is None
    assert metrics["accounts_total"]["latest"]["value"] == 10  # ten accounts in the fixture


# -- files that change ------------------------------------------------------------------------------------


def _month(rows: list[tuple[Any, ...]], month: str) -> list[tuple[Any, ...]]:
    return [r for r in rows if r[6].startswith(month)]


def test_no_stale_numbers_after_a_file_is_added_with_a_fixed_range(ws: Path, engine: Engine) -> None:
    data = ws / "data"
    data.joinpath("subscriptions.parquet").unlink()
    write_subscriptions(data / "jan.parquet", _month(SUBSCRIPTIONS, "2026-01"))
    source = ws / "sources" / "billing.yml"
    source.write_text(
        source.read_text(encoding="utf-8").replace("data/subscriptions.parquet", "data/*.parquet"), encoding="utf-8"
    )
    engine = Engine(load_workspace(ws))
    query = Query("signups", Grain.MONTH, start=dt.date(2026, 1, 1), end=dt.date(2026, 2, 28))
    before = engine.query(query, actor=OWNER).rows
    assert [r["value"] for r in before] == [4, None]  # no February data yet: unknown, not 0
    assert before[1]["reason"] == "no_data"
    write_subscriptions(data / "feb.parquet", _month(SUBSCRIPTIONS, "2026-02"))
    after = engine.query(query, actor=OWNER).rows
    assert [r["value"] for r in after] == [4, 3]  # February's three signups, picked up on the next query
    engine.close()


def test_overview_over_http_is_never_answered_from_a_cache_older_than_the_files(ws: Path, client: httpx.Client) -> None:
    """The overview is served from a cache on the event loop; a rewritten file must show on the next request."""
    first = {m["id"]: m for m in client.get("/api/v1/overview").json()["metrics"]}["signups"]["latest"]
    start = dt.date.fromisoformat(first["period"])
    in_period = [r for r in SUBSCRIPTIONS if dt.date.fromisoformat(r[6][:10]).replace(day=1) == start]
    assert first["value"] == len(in_period) > 0  # signups count every subscription started in the month
    extra = (13, "a3", "basic", "EU", 20, False, f"{start.isoformat()} 12:00", None)
    write_subscriptions(ws / "data" / "subscriptions.parquet", [*SUBSCRIPTIONS, extra])
    again = {m["id"]: m for m in client.get("/api/v1/overview").json()["metrics"]}["signups"]["latest"]
    assert (again["period"], again["value"]) == (first["period"], len(in_period) + 1)


def test_cards_over_http_follow_a_rewritten_file(ws: Path, client: httpx.Client) -> None:
    """Cached cards are served on the event loop too; a rewritten file must show on the next request."""

    def mrr() -> dict[str, Any]:
        rows = client.get("/api/v1/cards").json()["rows"]
        return next(c for c in rows["kpi"] if c["id"] == "mrr")

    first = mrr()
    # a paid subscription started in the card's month and never ended: its month-end MRR grows by 1,000
    extra = (13, "a3", "basic", "EU", 1000, False, f"{first['period']} 12:00", None)
    write_subscriptions(ws / "data" / "subscriptions.parquet", [*SUBSCRIPTIONS, extra])
    again = mrr()
    assert (again["period"], again["value"]) == (first["period"], first["value"] + 1000)


def test_overview_lists_files_on_the_loop_only_while_listing_is_quick(ws: Path) -> None:
    """A slow listing (thousands of files, a slow file system) must not hold up the server's event loop."""
    import time as clock

    app = create_app(ws, warm=False)
    state = app.state.headway
    listed = state.engine.data_versions
    threads: list[str] = []
    delay = {"seconds": 0.0}

    def recording() -> tuple[tuple[str, str], ...]:
        threads.append(threading.current_thread().name)
        clock.sleep(delay["seconds"])
        return listed()

    state.engine.data_versions = recording
    with Server(app) as server, httpx.Client(base_url=server.url, timeout=60) as http:
        for _ in range(3):
            assert http.get("/api/v1/overview").status_code == 200
        loop = threads[-1]
        assert threads[0] != loop and threads[1:] == [loop, loop]  # first on a worker; quick ones on the loop
        delay["seconds"] = 0.02  # now slow: once eight slow ones are all it remembers, it lists on workers
        for _ in range(10):
            assert http.get("/api/v1/overview").status_code == 200
        assert threads[3:11] == [loop] * 8 and loop not in threads[11:]
        delay["seconds"] = 0.0
        http.get("/api/v1/overview")  # quick again, measured on a worker
        assert http.get("/api/v1/overview").status_code == 200
        assert threads[-1] == loop


def test_reads_see_one_version_of_the_files_or_fail(ws: Path) -> None:
    """Rewrite the file while queries run: every answer equals the one before or after, never a mix."""
    engine = Engine(load_workspace(ws))
    path = ws / "data" / "subscriptions.parquet"
    query = Query("signups", Grain.MONTH)
    before = [r["value"] for r in engine.query(query, actor=OWNER).rows]  # [4, 3, 5]
    smaller = [r for r in SUBSCRIPTIONS if not r[6].startswith("2026-02")]
    after_values = [4, 0, 5]
    stop = threading.Event()
    answers: list[list[Any]] = []
    retries: list[str] = []

    def ask() -> None:
        while not stop.is_set():
            try:
                answers.append([r["value"] for r in engine.query(query, actor=OWNER, use_cache=False).rows])
            except DataChanged as error:  # a failure is allowed (503, retry); a wrong number is not
                retries.append(error.code)

    workers = [threading.Thread(target=ask) for _ in range(3)]
    for w in workers:
        w.start()
    for i in range(30):
        write_subscriptions(path, smaller if i % 2 == 0 else SUBSCRIPTIONS)
        stop.wait(0.05)  # let queries run between rewrites, and across them
    stop.set()
    for w in workers:
        w.join()
    engine.close()
    assert answers, "no query answered"
    wrong = [a for a in answers if a not in (before, after_values)]
    assert not wrong, f"{len(wrong)} answers mixed two versions of the file: {wrong[:3]}"


def test_the_result_cache_is_bounded_in_bytes(ws: Path) -> None:
    engine = Engine(load_workspace(ws), cache_bytes=64 * 1024)
    for day in range(1, 60):
        engine.query(
            Query("signups", Grain.DAY, by=("plan", "region"), start=dt.date(2026, 1, day % 28 + 1)), actor=OWNER
        )
        assert engine.cache_bytes <= 64 * 1024
    engine.close()


def test_too_large_an_answer_is_refused_with_a_clear_code(ws: Path) -> None:
    config = ws / "headway.yml"
    config.write_text(config.read_text(encoding="utf-8") + "cache: {max_rows: 10}\n", encoding="utf-8")
    engine = Engine(load_workspace(ws))
    with pytest.raises(QueryError, match="the answer has 65 rows; the limit is 10") as caught:
        engine.query(Query("signups", Grain.DAY), actor=OWNER)  # 2026-01-05 .. 2026-03-10: 65 days
    assert caught.value.code == "too_large" and caught.value.status == 400
    engine.close()


# -- how current the data is ----------------------------------------------------------------------------


def test_a_sparse_source_is_current_through_the_workspace(ws: Path) -> None:
    source = ws / "sources" / "billing.yml"
    text = source.read_text(encoding="utf-8")
    engine = Engine(load_workspace(ws))
    assert engine.data_through("signups") == dt.date(2026, 3, 10)  # its own last row (#12, Mar 10)
    engine.close()
    source.write_text(
        text.replace("    time: started_at\n", "    time: started_at\n    current_through: workspace\n", 1),
        encoding="utf-8",
    )
    engine = Engine(load_workspace(ws))
    assert engine.data_through("signups") == dt.date(2026, 3, 12)  # the events source's last day (#12, Mar 12)
    engine.close()


def test_compare_flags_a_partial_period_against_a_full_one(engine: Engine) -> None:
    rows = engine.query(
        Query("signups", Grain.MONTH, compare=__import__("headway").engine.Compare.PREVIOUS), actor=OWNER
    ).rows
    march = rows[-1]
    assert (march["complete"], march["compare_complete"]) == (False, True)  # Mar not over; Feb is
    assert (rows[1]["complete"], rows[1]["compare_complete"]) == (True, True)


# -- engines declare what they can compute ------------------------------------------------------------------


def test_an_engine_refuses_what_it_cannot_compute_at_plan_time(engine: Engine) -> None:
    duck = ENGINES["duckdb"]
    limited = EngineSpec("nomedian", duck.dialect, duck.make, aggs=frozenset(set(Agg) - {Agg.SUM}))
    register(limited)
    try:
        runner = Engine(engine.workspace, "nomedian")
        with pytest.raises(QueryError, match="metric 'new_mrr' needs the sum aggregate, which the nomedian engine"):
            runner.query(Query("new_mrr", Grain.MONTH), actor=OWNER)
        assert [r["value"] for r in runner.query(Query("signups", Grain.MONTH), actor=OWNER).rows] == [4, 3, 5]
        runner.close()
    finally:
        ENGINES.pop("nomedian")


# -- data errors keep the useful part --------------------------------------------------------------------


def _with_first_orders(ws: Path, accounts_csv: str) -> None:
    """accounts.csv gains a date column, and a metric counts first orders by it."""
    billing = ws / "sources" / "billing.yml"
    billing.write_text(
        billing.read_text(encoding="utf-8").replace(
            "      country: {type: string}\n", "      country: {type: string}\n      first_order_date: {type: date}\n"
        ),
        encoding="utf-8",
    )
    metrics = ws / "metrics" / "revenue.yml"
    metrics.write_text(
        metrics.read_text(encoding="utf-8")
        + "\n  - id: first_orders\n    kind: input\n    source: accounts\n    time: first_order_date\n"
        "    measure: {agg: count}\n",
        encoding="utf-8",
    )
    (ws / "data" / "accounts.csv").write_bytes(accounts_csv.encode())


def test_a_bad_value_in_a_csv_is_named_on_every_surface(ws: Path) -> None:
    rows = [f"a{i},smb,FR,2026-01-0{i}" for i in range(1, 4)] + ["a4,smb,FR,1997-13-45"]
    _with_first_orders(ws, "account_id,segment,country,first_order_date\n" + "\n".join(rows) + "\n")
    done = cli("query", "first_orders", "-w", ws)
    assert done.returncode == 3
    assert "1997-13-45" in done.stderr and "--where" not in done.stderr  # no --where was given
    assert str(ws) not in done.stderr
    with Server(create_app(ws, warm=False)) as running, httpx.Client(base_url=running.url, timeout=60) as http:
        answer = http.get("/api/v1/metrics/first_orders/query")
        assert answer.status_code == 500 and answer.json()["code"] in {"data_error", "engine_error"}
        assert "1997-13-45" in answer.json()["error"] and str(ws) not in answer.json()["error"]
        assert http.get("/api/v1/metrics/signups/query").status_code == 200


def test_mixed_line_ends_are_the_same_failure_in_the_cli_and_the_api(ws: Path) -> None:
    body = "account_id,segment,country,first_order_date\r\na1,smb,FR,2026-01-01\na2,smb,US,2026-01-02\r\n"
    _with_first_orders(ws, body + "".join(f"a{i},smb,FR,2026-01-0{i % 9 + 1}\n" for i in range(3, 40)))
    done = cli("query", "first_orders", "--format", "json", "-w", ws)
    with Server(create_app(ws, warm=False)) as running, httpx.Client(base_url=running.url, timeout=60) as http:
        answer = http.get("/api/v1/metrics/first_orders/query")
    if done.returncode == 0:  # the engine read it: both surfaces answer the same numbers
        assert answer.status_code == 200 and answer.json()["rows"] == __import__("json").loads(done.stdout)["rows"]
    else:
        assert done.returncode == 3 and answer.status_code == 500
        assert answer.json()["code"] in {"data_error", "engine_error"}  # a named data failure, never internal_error


# -- a resolved spec, built once ----------------------------------------------------------------------


def test_planning_reads_the_resolved_spec_and_parses_nothing(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    import headway.spec.expressions as expressions

    assert engine.workspace.resolved["avg_new_mrr"].parts == ("new_mrr", "signups", "trials")
    calls: list[str] = []
    original = expressions._parse_one
    monkeypatch.setattr(expressions, "_parse_one", lambda text, purpose: calls.append(text) or original(text, purpose))
    for metric in ("avg_new_mrr", "trial_share", "mrr", "active_users_7d"):
        engine.plan(Query(metric, Grain.MONTH, by=("plan",) if metric != "active_users_7d" else ()))
    assert calls == []  # filters, measures and formulas were parsed once, when the spec was resolved
    engine.plan(Query("signups", Grain.MONTH, where="region = 'EU'"))
    assert calls == ["region = 'EU'"]  # only the query's own --where is parsed per query


def test_several_metrics_share_one_query_and_agree_with_each_alone(ws: Path) -> None:
    from headway.engine import Compare

    metrics = ("signups", "trials", "trial_share", "mrr", "new_mrr", "active_users", "avg_duration", "avg_new_mrr")
    start, end = dt.date(2026, 1, 1), dt.date(2026, 3, 31)
    queries = [Query(m, Grain.MONTH, start=start, end=end, compare=Compare.PREVIOUS) for m in metrics]
    together = Engine(load_workspace(ws))
    executed: list[str] = []
    original = together.backend.execute
    together.backend.execute = lambda sql: executed.append(sql) or original(sql)  # type: ignore[method-assign]
    answers = together.query_many(queries, actor=OWNER)
    assert len([sql for sql in executed if "-- headway: metric" in sql]) == 1  # one query for all eight
    alone = Engine(load_workspace(ws))
    for query, answer in zip(queries, answers, strict=True):
        assert not isinstance(answer, Failure), answer
        expected = alone.query(query, actor=OWNER, use_cache=False).rows
        assert _same(answer.rows, expected), (query.metric, answer.rows, expected)
    # cached one by one: a single query afterwards is served from the cache
    assert together.query(queries[3], actor=OWNER).cached is True
    # a viewer gets every metric but the restricted one and what is computed from it
    viewed = together.query_many(queries, actor=VIEWER)
    failed = {a.metric for a in viewed if isinstance(a, Failure)}
    assert failed == {"new_mrr", "avg_new_mrr"}
    together.close()
    alone.close()


def _same(got: list[dict[str, Any]], want: list[dict[str, Any]]) -> bool:
    if [list(r) for r in got] != [list(r) for r in want]:
        return False
    for a, b in zip(got, want, strict=True):
        for key in a:
            x, y = a[key], b[key]
            if isinstance(x, float) or isinstance(y, float):
                if x is None or y is None or abs(x - y) > 1e-9 * max(1.0, abs(y)):
                    return False
            elif x != y:
                return False
    return True


def test_a_large_answer_can_be_paged(client: httpx.Client) -> None:
    full = client.get("/api/v1/metrics/signups/query", params={"grain": "month"}).json()
    first = client.get("/api/v1/metrics/signups/query", params={"grain": "month", "limit": 2}).json()
    rest = client.get("/api/v1/metrics/signups/query", params={"grain": "month", "limit": 2, "offset": 2}).json()
    assert (first["total_rows"], first["offset"], first["next_offset"]) == (3, 0, 2)
    assert (rest["total_rows"], rest["offset"], rest["next_offset"]) == (3, 2, None)
    assert first["rows"] + rest["rows"] == full["rows"]  # Jan 4, Feb 3, Mar 5 signups, in pages of two
    refused = client.get("/api/v1/metrics/signups/query", params={"limit": 10_001})
    assert refused.status_code == 422 and refused.json()["code"] == "invalid_request"
