"""The `headway` command line, run as users run it: the installed console script in a subprocess.

Exit codes are part of the contract (cli/common.py): 0 ok, 1 invalid spec or refused query,
2 usage, 3 data or engine failure. Expected values come from the hand-worked tables in
tests/fixtures/__init__.py, never from Headway itself.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import typer.main
import yaml
from fixtures import (
    EXPECTED,
    METRIC_IDS,
    MONTHS,
    SUBSCRIPTIONS,
    build_workspace,
    free_port,
    wait_for_port,
    write_subscriptions,
)
from typer.testing import CliRunner

from headway.cli.main import app

HEADWAY = Path(sys.executable).parent / "headway"
ENV = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}  # wide tables: ids are not cut with an ellipsis


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_workspace(tmp_path_factory.mktemp("cli") / "tiny")


@pytest.fixture
def ws_copy(ws: Path, tmp_path: Path) -> Path:
    """A private copy a test may break."""
    return Path(shutil.copytree(ws, tmp_path / "tiny"))


def headway(*args: str | Path, check: int | None = 0) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([HEADWAY, *map(str, args)], capture_output=True, text=True, env=ENV, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    if check is not None:
        assert done.returncode == check, f"exit {done.returncode}\nstdout: {done.stdout}\nstderr: {done.stderr}"
    return done


def cli(*args: str | Path, check: int | None = 0) -> subprocess.CompletedProcess[str]:
    """The same command in-process through Typer's runner: ~10x faster than a subprocess, same exit codes."""
    result = CliRunner().invoke(app, list(map(str, args)), env={"COLUMNS": "200"})
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    done = subprocess.CompletedProcess(list(map(str, args)), result.exit_code, result.stdout, result.stderr)
    if check is not None:
        assert done.returncode == check, f"exit {done.returncode}\nstdout: {done.stdout}\nstderr: {done.stderr}"
    return done


def query_json(ws: Path, *args: str, process: bool = False) -> dict[str, Any]:
    done = (headway if process else cli)("query", *args, "--format", "json", "-w", ws)
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1, f"expected exactly one JSON object, got:\n{done.stdout}"
    body = json.loads(lines[0])
    assert isinstance(body, dict) and set(body) == {"metric", "grain", "data_through", "rows"}
    flags = [{k: row.pop(k) for k in FLAGS if k in row} for row in body["rows"]]
    for row, flag in zip(body["rows"], flags, strict=True):  # every row says how to read it
        assert isinstance(flag["complete"], bool) and flag["reason"] in (None, "no_data", "no_rows"), (row, flag)
    body["flags"] = flags
    return body


FLAGS = ("complete", "reason", "compare_complete")


def rows(*items: tuple[Any, ...], keys: tuple[str, ...] = ("period", "value", "n")) -> list[dict[str, Any]]:
    return [dict(zip(keys, item, strict=True)) for item in items]


def approx_rows(expected: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: pytest.approx(v) if isinstance(v, float) else v for k, v in row.items()} for row in expected]


# -- help ------------------------------------------------------------------------------------------


def _commands(command: Any = None, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    command = command or typer.main.get_command(app)
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _commands(sub, (*path, name))


COMMANDS = dict(_commands())


@pytest.mark.parametrize("path", list(COMMANDS), ids=lambda p: " ".join(p) or "headway")
def test_every_command_and_parameter_has_help(path: tuple[str, ...]) -> None:
    command = COMMANDS[path]
    assert (command.help or "").strip(), f"`headway {' '.join(path)}` has no help text"
    undocumented = [p.name for p in command.params if not (getattr(p, "help", None) or "").strip()]
    assert not undocumented, f"`headway {' '.join(path)}` parameters without help: {undocumented}"
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    first_sentence = command.help.strip().splitlines()[0].split(". ")[0]
    assert " ".join(first_sentence.split()) in " ".join(result.output.split())


def test_console_script_help_lists_every_command() -> None:
    done = headway("--help")
    for name in COMMANDS[()].commands:
        assert name in done.stdout


def test_no_arguments_is_usage() -> None:
    assert headway("query", check=2).returncode == 2


# -- validate --------------------------------------------------------------------------------------


def test_validate_ok(ws: Path) -> None:
    done = headway("validate", "-w", ws)
    assert "ok tiny: 3 sources, 9 metrics" in done.stdout


def test_validate_json_ok(ws: Path) -> None:
    body = json.loads(cli("validate", "-w", ws, "--format", "json").stdout)
    assert body["ok"] is True
    assert [i for i in body["issues"] if i["severity"] == "error"] == []


def test_validate_broken_copy(ws_copy: Path) -> None:
    spec = ws_copy / "metrics" / "revenue.yml"
    text = spec.read_text()
    spec.write_text(text.replace("expr: mrr}", "expr: mrrr}", 1).replace("filter: is_trial", "filter: is_trail"))
    done = headway("validate", "-w", ws_copy, check=1)
    assert "metrics/revenue.yml:" in done.stderr and "Did you mean 'mrr'?" in done.stderr

    body = json.loads(headway("validate", "-w", ws_copy, "--format", "json", check=1).stdout)
    assert body["ok"] is False
    errors = [i for i in body["issues"] if i["severity"] == "error"]
    assert {i["file"] for i in errors} == {"metrics/revenue.yml"}
    lines = text.splitlines()
    mrr_expr = lines.index("    measure: {agg: sum, expr: mrr}") + 1  # first metric: mrr
    trial_filter = lines.index("    filter: is_trial") + 1
    by_line = {i["line"]: i for i in errors}
    assert {mrr_expr, trial_filter} <= set(by_line), errors
    assert "mrrr" in by_line[mrr_expr]["message"] and "Did you mean 'mrr'" in by_line[mrr_expr]["hint"]
    assert "is_trail" in by_line[trial_filter]["message"]
    assert all({"file", "line", "path", "message", "hint", "code", "severity"} <= set(i) for i in errors)


# -- query: values ---------------------------------------------------------------------------------


@pytest.mark.parametrize("metric", list(EXPECTED))
def test_query_json_monthly_values(ws: Path, metric: str) -> None:
    body = query_json(ws, metric, process=metric == "new_mrr")
    expected = EXPECTED[metric]
    assert body["metric"] == metric and body["grain"] == "month"
    assert body["rows"] == approx_rows(rows(*zip(MONTHS, expected["values"], expected["n"], strict=True)))


def test_query_by_plan(ws: Path) -> None:
    # non-trial mrr by started_at month and plan (#3 and #7, both pro, are trials):
    # Jan basic #2 20, pro #1 100, team #4 250; Feb basic #5 20, pro nothing (0, n 0), team #6 150;
    # Mar basic #8 20 + #11 25, pro #9 120 + #10 100, team #12 300
    body = query_json(ws, "new_mrr", "--by", "plan")
    assert body["rows"] == rows(
        ("2026-01-01", "basic", 20, 1),
        ("2026-01-01", "pro", 100, 1),
        ("2026-01-01", "team", 250, 1),
        ("2026-02-01", "basic", 20, 1),
        ("2026-02-01", "pro", 0, 0),
        ("2026-02-01", "team", 150, 1),
        ("2026-03-01", "basic", 45, 2),
        ("2026-03-01", "pro", 220, 2),
        ("2026-03-01", "team", 300, 1),
        keys=("period", "plan", "value", "n"),
    )


def test_query_by_related_source_column(ws: Path) -> None:
    # account.segment joins accounts (CSV) on account_id. smb: a1 a2 a5 a6 a7 a9; enterprise: a3 a4 a8 a10.
    # Jan smb #1 100 + #2 20, ent #4 250; Feb smb #5 20 + #6 150; Mar smb #8 20 + #10 100 + #11 25, ent #9 120 + #12 300
    body = query_json(ws, "new_mrr", "--by", "account.segment")
    assert body["rows"] == rows(
        ("2026-01-01", "enterprise", 250, 1),
        ("2026-01-01", "smb", 120, 2),
        ("2026-02-01", "enterprise", 0, 0),
        ("2026-02-01", "smb", 170, 2),
        ("2026-03-01", "enterprise", 420, 2),
        ("2026-03-01", "smb", 145, 3),
        keys=("period", "account.segment", "value", "n"),
    )


def test_query_by_struct_field(ws: Path) -> None:
    # distinct users per properties.feature: Jan search {u1,u3} report {u2}; Feb export {u2,u1} report {u1}
    # search {u4,u5}; Mar export {u3} report {u6} search {u3,u6}
    body = query_json(ws, "active_users", "--by", "properties.feature")
    assert body["rows"] == rows(
        ("2026-01-01", "export", 0, 0),
        ("2026-01-01", "report", 1, 1),
        ("2026-01-01", "search", 2, 2),
        ("2026-02-01", "export", 2, 2),
        ("2026-02-01", "report", 1, 1),
        ("2026-02-01", "search", 2, 2),
        ("2026-03-01", "export", 1, 1),
        ("2026-03-01", "report", 1, 1),
        ("2026-03-01", "search", 2, 2),
        keys=("period", "properties.feature", "value", "n"),
    )


def test_query_where(ws: Path) -> None:
    # EU, not trial: Jan #1 100 + #4 250; Feb #5 20 + #6 150; Mar #11 25
    body = query_json(ws, "new_mrr", "--where", "region = 'EU'")
    assert body["rows"] == rows(("2026-01-01", 350, 2), ("2026-02-01", 170, 2), ("2026-03-01", 25, 1))


def test_query_where_on_related_column(ws: Path) -> None:
    # accounts in the US: a2 a3 a7 a10 -> Jan #2 20; Feb none; Mar #8 20 + #10 100 + #12 300
    body = query_json(ws, "new_mrr", "--where", "account.country = 'US'")
    assert body["rows"] == rows(("2026-01-01", 20, 1), ("2026-02-01", 0, 0), ("2026-03-01", 420, 3))


def test_query_compare_previous_with_range(ws: Path) -> None:
    body = query_json(ws, "new_mrr", "--from", "2026-02-01", "--to", "2026-03-31", "--compare", "previous")
    keys = ("period", "value", "n", "compare_period", "compare_value", "change", "change_pct")
    assert body["rows"] == approx_rows(
        rows(
            ("2026-02-01", 170, 2, "2026-01-01", 370, -200, -200 / 370),
            ("2026-03-01", 565, 5, "2026-02-01", 170, 395, 395 / 170),
            keys=keys,
        )
    )


def test_query_rolling_window_by_day(ws: Path) -> None:
    # day D counts distinct users over [D-6, D]: events #6 Feb 22 u2, #7 Feb 24 u5, #8 Feb 27 u1
    body = query_json(ws, "active_users_7d", "--grain", "day", "--from", "2026-02-24", "--to", "2026-02-28")
    assert [(r["period"], r["value"]) for r in body["rows"]] == [
        ("2026-02-24", 2),
        ("2026-02-25", 2),
        ("2026-02-26", 2),
        ("2026-02-27", 3),
        ("2026-02-28", 3),
    ]


def test_query_csv(ws: Path) -> None:
    done = headway("query", "signups", "--by", "region", "--format", "csv", "-w", ws)
    # signups by started_at month and region: Jan EU #1 #4, US #2 #3; Feb APAC #7, EU #5 #6;
    # Mar APAC #9, EU #11, US #8 #10 #12
    # the data runs through 2026-03-10, so March is not over: complete=False on its rows
    assert done.stdout.splitlines() == [
        "period,region,value,n,complete,reason",
        "2026-01-01,APAC,0,0,true,",
        "2026-01-01,EU,2,2,true,",
        "2026-01-01,US,2,2,true,",
        "2026-02-01,APAC,1,1,true,",
        "2026-02-01,EU,2,2,true,",
        "2026-02-01,US,0,0,true,",
        "2026-03-01,APAC,1,1,false,",
        "2026-03-01,EU,1,1,false,",
        "2026-03-01,US,3,3,false,",
    ]


def test_query_table_shows_data_text_literally(ws_copy: Path) -> None:
    """A dimension value that looks like Rich markup is data: printed as written, no crash."""
    odd = [(*row[:3], "[/x] [bold]", *row[4:]) if row[0] == 1 else row for row in SUBSCRIPTIONS]
    write_subscriptions(ws_copy / "data" / "subscriptions.parquet", odd)
    done = headway("query", "signups", "--by", "region", "--from", "2026-01-01", "--to", "2026-01-31", "-w", ws_copy)
    assert "[/x] [bold]" in done.stdout


# -- query: refusals -------------------------------------------------------------------------------


def test_unknown_metric(ws: Path) -> None:
    done = headway("query", "new_mr", "-w", ws, check=1)
    assert "unknown metric 'new_mr'" in done.stderr and "Did you mean 'new_mrr'?" in done.stderr
    assert done.stdout == ""


def test_unknown_dimension(ws: Path) -> None:
    done = headway("query", "new_mrr", "--by", "plann", "-w", ws, check=1)
    assert "no dimension 'plann'" in done.stderr and "Did you mean 'plan'?" in done.stderr


def test_user_text_is_not_read_as_markup(ws: Path) -> None:
    done = cli("query", "[/x]", "-w", ws, check=1)
    assert "unknown metric '[/x]'" in done.stderr
    done = cli("query", "new_mrr", "--by", "[red]plan", "-w", ws, check=1)
    assert "no dimension '[red]plan'" in done.stderr


def test_bad_grain_is_usage(ws: Path) -> None:
    cli("query", "new_mrr", "--grain", "fortnight", "-w", ws, check=2)


HOSTILE_WHERE = {
    "subquery": ("plan in (select plan from accounts)", "subquer"),
    "second statement": ("1 = 1; drop table subscriptions", "statements"),
    "drop after quote": ("region = 'EU'; DROP TABLE hw_subscriptions --", "statements"),
    "unknown function": ("read_csv('/etc/passwd') is not null", "function 'read_csv' is not allowed"),
    "sleep": ("sleep(10) > 0", "function 'sleep' is not allowed"),
    "unknown column": ("plann = 'pro'", "Did you mean 'plan'?"),
    "star": ("* = 1", "'*' is not allowed"),
    "unterminated quote": ("region = 'EU", "cannot parse"),
    "not a condition": ("mrr + 1", "not a condition"),
    "bad cast type": ("cast(plan as blob) = 'x'", "cannot cast"),
}


@pytest.mark.parametrize("where", list(HOSTILE_WHERE))
def test_hostile_where_is_refused(ws: Path, where: str) -> None:
    text, says = HOSTILE_WHERE[where]
    done = cli("query", "new_mrr", "--where", text, "-w", ws, check=1)
    assert done.stderr.startswith("error: --where:"), done.stderr
    assert says in done.stderr
    assert done.stdout == ""


def test_where_with_a_mistyped_value_is_refused_before_the_engine_runs(ws: Path) -> None:
    done = headway("query", "new_mrr", "--where", "mrr > 'abc'", "-w", ws, check=1)
    assert "compares double column 'mrr' with 'abc'" in done.stderr and "Traceback" not in done.stderr


def test_missing_data_file(ws_copy: Path) -> None:
    (ws_copy / "data" / "events.parquet").unlink()
    spec = (ws_copy / "sources" / "product.yml").read_text().splitlines()
    line = spec.index("    path: data/events.parquet") + 1
    done = headway("query", "active_users", "-w", ws_copy, check=3)
    assert "source 'events'" in done.stderr and f"sources/product.yml:{line}" in done.stderr
    # metrics on other sources still work
    assert headway("query", "signups", "--format", "json", "-w", ws_copy).returncode == 0


def test_broken_spec_refuses_query(ws_copy: Path) -> None:
    (ws_copy / "metrics" / "extra.yml").write_text("metrics:\n  - id: x\n    kind: kpii\n")
    done = cli("query", "signups", "-w", ws_copy, check=1)
    assert "metrics/extra.yml:3" in done.stderr and "headway validate" in done.stderr


# -- sql -------------------------------------------------------------------------------------------


def _line_of(ws: Path, relative: str, text: str) -> int:
    return (ws / relative).read_text().splitlines().index(text) + 1


def test_sql_names_metric_and_spec_line(ws: Path) -> None:
    done = headway("sql", "new_mrr", "-w", ws)
    line = _line_of(ws, "metrics/revenue.yml", "  - id: new_mrr")
    first = done.stdout.splitlines()[0]
    assert first == f"-- headway: metric new_mrr (metrics/revenue.yml:{line})"
    assert '"t"."mrr"' in done.stdout and "`" not in done.stdout
    assert done.stdout.rstrip().endswith(";")


def test_sql_spark_dialect(ws: Path) -> None:
    done = headway("sql", "new_mrr", "--engine", "spark", "--by", "plan", "-w", ws)
    assert "engine=spark" in done.stdout.splitlines()[1]
    assert "`t`.`mrr`" in done.stdout and "`t`.`plan`" in done.stdout
    assert '"t"' not in done.stdout


def test_sql_with_views_and_quoted_where(ws: Path) -> None:
    done = cli(
        "sql",
        "new_mrr",
        "--views",
        "--where",
        "region = 'it''s'",
        "--from",
        "2026-01-01",
        "--to",
        "2026-01-31",
        "-w",
        ws,
    )
    assert 'CREATE OR REPLACE VIEW "hw_subscriptions"' in done.stdout
    assert "\"t\".\"region\" = 'it''s'" in done.stdout


def test_sql_refusals(ws: Path) -> None:
    assert "Did you mean 'new_mrr'?" in cli("sql", "new_mr", "-w", ws, check=1).stderr
    assert "subquer" in cli("sql", "new_mrr", "--where", "plan in (select 1)", "-w", ws, check=1).stderr


# -- catalog ---------------------------------------------------------------------------------------


def test_metrics_lists_every_metric(ws: Path) -> None:
    done = cli("metrics", "-w", ws)
    for metric in METRIC_IDS:
        assert f" {metric} " in done.stdout, metric
    body = json.loads(cli("metrics", "--json", "-w", ws).stdout)
    assert sorted(m["id"] for m in body) == sorted(METRIC_IDS)
    line = _line_of(ws, "metrics/product.yml", "  - id: avg_duration")
    assert {m["id"]: m["defined_at"] for m in body}["avg_duration"] == f"metrics/product.yml:{line}"
    kpis = json.loads(cli("metrics", "--json", "--kind", "kpi", "-w", ws).stdout)
    assert sorted(m["id"] for m in kpis) == ["active_users", "mrr", "new_mrr"]


def test_tree(ws: Path) -> None:
    lines = cli("tree", "-w", ws).stdout.splitlines()
    assert "tiny metric tree" in lines[0]
    assert "mrr (MRR)" in lines[1] and "north star" in lines[1]  # the north star comes first
    assert "new_mrr (positive)" in lines[2]  # new_mrr contributes_to mrr
    assert any("signups (positive)" in line for line in lines)


def _check_against_schema(value: Any, schema: dict[str, Any], root: dict[str, Any], where: str) -> None:
    """A small structural check (the `jsonschema` package is not a dependency): known keys, required keys."""
    if "$ref" in schema:
        schema = root["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in schema:
        objects = [s for s in schema["anyOf"] if "$ref" in s or s.get("type") == "object"]
        if isinstance(value, dict) and len(objects) == 1:
            _check_against_schema(value, objects[0], root, where)
        return
    if isinstance(value, dict) and "properties" in schema:
        unknown = set(value) - set(schema["properties"])
        assert not unknown, f"{where}: keys {unknown} not in the schema"
        assert set(schema.get("required", [])) <= set(value), f"{where}: missing {schema['required']}"
        for key, item in value.items():
            _check_against_schema(item, schema["properties"][key], root, f"{where}.{key}")
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            _check_against_schema(item, schema["items"], root, f"{where}[{i}]")
    if "enum" in schema:
        assert value in schema["enum"], f"{where}: {value!r} not in {schema['enum']}"


def test_schema_files_describe_the_spec(ws: Path, tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    headway("schema", "-o", out)
    names = sorted(p.name for p in out.iterdir())
    assert names == ["headway.schema.json", "metrics.schema.json", "sources.schema.json"]
    samples = {
        "headway.schema.json": [ws / "headway.yml"],
        "sources.schema.json": sorted((ws / "sources").glob("*.yml")),
        "metrics.schema.json": sorted((ws / "metrics").glob("*.yml")),
    }
    for name, files in samples.items():
        schema = json.loads((out / name).read_text())
        assert schema["type"] == "object" and schema["properties"]
        for path in files:
            _check_against_schema(yaml.safe_load(path.read_text()), schema, schema, path.name)
    metric = json.loads((out / "metrics.schema.json").read_text())["$defs"]["Metric"]
    assert {"id", "kind"} <= set(metric["required"])
    with pytest.raises(AssertionError, match="kindd"):  # the check does catch a misspelt key
        schema = json.loads((out / "metrics.schema.json").read_text())
        _check_against_schema({"metrics": [{"id": "x", "kindd": "kpi"}]}, schema, schema, "sample")


# -- serve -----------------------------------------------------------------------------------------


def test_serve_starts_and_answers(ws: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [HEADWAY, "serve", "--port", str(port), "-w", ws],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    try:
        wait_for_port(port)
        health = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=10).json()
        assert health["ok"] is True and health["workspace"] == "tiny" and health["metrics"] == len(METRIC_IDS)
    finally:
        process.terminate()
        out, err = process.communicate(timeout=15)
    assert f"http://127.0.0.1:{port}" in out
    assert "Traceback" not in err, err
