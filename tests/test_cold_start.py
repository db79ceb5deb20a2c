"""A cold `headway` command imports only what it uses (the cold-start budget is 0.3 s over bare DuckDB).

Each command runs in a fresh interpreter, as a user's shell would start it, and reports the modules
it loaded. `--help` needs the vocabulary (pydantic enums) but not the loader, the SQL library or an
engine; a query needs those but not the server, the state database, Arrow or the demo generator.
`make bench` measures the time itself; this test keeps the imports from creeping back.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures import EXPECTED, build_workspace

REPORT = (
    "import json, sys\n"
    "from headway.cli.main import app\n"
    "try:\n"
    "    app(sys.argv[1:])\n"
    "except SystemExit as done:\n"
    "    code = done.code\n"
    "print(json.dumps({'code': code, 'modules': sorted(sys.modules)}), file=sys.stderr)\n"
)
HEADWAY = Path(sys.executable).parent / "headway"
SERVER_AND_STATE = ["fastapi", "starlette", "uvicorn", "sqlalchemy", "alembic", "jinja2"]
DATA_LIBRARIES = ["pyarrow", "numpy", "pandas", "scipy", "statsmodels", "pyspark"]


def loaded(*args: str | Path) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", REPORT, *map(str, args)], capture_output=True, text=True, timeout=120, check=True
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] in (0, None), done.stderr
    return {name.split(".")[0] for name in report["modules"]} | set(report["modules"])


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_workspace(tmp_path_factory.mktemp("cold") / "tiny")


def test_help_loads_no_parser_engine_or_server() -> None:
    modules = loaded("--help")
    heavy = ["sqlglot", "duckdb", "yaml", "headway.spec.loader", "headway.engine.engine", "headway.demo"]
    assert not modules & {*heavy, *SERVER_AND_STATE, *DATA_LIBRARIES}, sorted(
        modules & {*heavy, *SERVER_AND_STATE, *DATA_LIBRARIES}
    )


def test_query_loads_no_server_state_or_arrow(ws: Path) -> None:
    modules = loaded("query", "new_mrr", "--grain", "month", "--format", "json", "-w", ws)
    assert {"duckdb", "sqlglot", "headway.engine.engine"} <= modules, "the query should have run"
    unused = {*SERVER_AND_STATE, *DATA_LIBRARIES, "rich.tree", "rich.progress", "headway.demo", "headway.serve"}
    assert not modules & unused, sorted(modules & unused)


def test_a_query_on_a_cached_spec_loads_no_yaml_loader_or_rich(ws: Path) -> None:
    args = ("query", "new_mrr", "--grain", "month", "--format", "json", "-w", ws)
    loaded(*args)  # writes .headway/spec-cache/spec.pickle if no earlier query did
    assert (ws / ".headway" / "spec-cache" / "spec.pickle").is_file()
    modules = loaded(*args)
    assert {"duckdb", "sqlglot", "headway.engine.engine", "headway.spec.cache"} <= modules
    unused = {"yaml", "rich", "headway.spec.loader", "headway.spec.rules", "headway.spec.alerts"}
    unused |= {"headway.spec.yamlpos"}
    assert not modules & unused, sorted(modules & unused)


@pytest.mark.parametrize("format", ["json", "csv", "table"])
def test_a_cached_spec_answers_exactly_as_a_fresh_load(tmp_path: Path, format: str) -> None:
    """The same bytes and exit code with no cache (a miss that writes it), from the cache, and with it deleted."""
    ws = build_workspace(tmp_path / "tiny")
    cache = ws / ".headway" / "spec-cache" / "spec.pickle"
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    runs = []
    for step in ("miss", "hit", "deleted"):
        if step == "deleted":
            cache.unlink()
        done = subprocess.run(
            [HEADWAY, "query", "new_mrr", "trials", "--grain", "month", "--format", format, "-w", ws],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        assert cache.is_file(), step
        runs.append((done.returncode, done.stdout, done.stderr))
    assert runs[0] == runs[1] == runs[2]
    assert runs[0][0] == 0
    if format == "json":  # and the numbers are the hand-worked ones (tests/fixtures/__init__.py)
        body = json.loads(runs[0][1])["results"][0]
        assert [r["value"] for r in body["rows"]][:3] == list(EXPECTED["new_mrr"]["values"])


def test_a_query_after_a_spec_edit_in_the_same_second_sees_the_edit(tmp_path: Path) -> None:
    ws = build_workspace(tmp_path / "tiny")
    path = next(p for p in sorted((ws / "metrics").glob("*.yml")) if "id: new_mrr" in p.read_text("utf-8"))
    args = [HEADWAY, "query", "new_mrr", "--grain", "month", "--format", "json", "-w", ws]
    subprocess.run(args, capture_output=True, text=True, timeout=120, check=True)
    before = path.stat()
    text = path.read_text("utf-8")
    edited = text.replace("id: new_mrr", "id: new_mrX")  # same size; the old id no longer exists
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1, done.stdout
    assert "new_mrr" in done.stderr and "Traceback" not in done.stderr


SAME_ANSWERS = [
    ("query", "--help"),
    ("query",),
    ("query", "new_mrr", "--grain", "fortnight"),
    ("query", "no_such_metric", "--grain", "month"),
    ("query", "new_mrr", "--grain", "month", "--format", "csv"),
    ("query", "new_mrr", "trials", "--grain", "month", "--by", "nowhere"),
    ("query", "new_mrr", "--grain", "month", "--where", "plan = 'pro' OR 1=1; DROP TABLE x"),
    ("sql", "new_mrr", "--grain", "month"),
    ("validate",),
]


@pytest.mark.parametrize("args", SAME_ANSWERS, ids=[" ".join(a) for a in SAME_ANSWERS])
def test_one_command_from_a_shell_answers_as_the_whole_app(ws: Path, args: tuple[str, ...]) -> None:
    """`headway query …` builds only its own parser (cli/lazy_app.py): same output, errors and exit code."""
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    full_args = [*args, "-w", str(ws)] if args[-1] != "--help" and len(args) > 1 else list(args)
    shell = subprocess.run([HEADWAY, *full_args], capture_output=True, text=True, env=env, timeout=120, check=False)
    whole = "import sys\nfrom headway.cli.main import app\nsys.argv[0] = 'headway'\napp(sys.argv[1:])\n"
    python = subprocess.run(
        [sys.executable, "-c", whole, *full_args], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert (shell.returncode, shell.stdout, shell.stderr) == (python.returncode, python.stdout, python.stderr)
    assert "Traceback" not in shell.stderr


def test_the_short_way_knows_every_plain_command_of_the_whole_app() -> None:
    """cli/main.py's PLAIN names, for each plain command `wire` registers, the module defining it, and no other."""
    from headway.cli.main import PLAIN, app

    registered = {(c.name or c.callback.__name__.replace("_", "-")): c.callback for c in app.registered_commands}
    assert set(PLAIN) == set(registered)
    for name, callback in registered.items():
        assert (PLAIN[name], name.replace("-", "_")) == (callback.__module__, callback.__name__), name
        alone = app.alone(name)
        assert alone is not None and [c.callback for c in alone.registered_commands] == [callback]


def test_a_shell_query_imports_no_other_command_module(ws: Path) -> None:
    args = ["query", "new_mrr", "--grain", "month", "--format", "json", "-w", str(ws)]
    shell = subprocess.run([sys.executable, "-c", MODULES_AT_EXIT, *args], capture_output=True, text=True, timeout=120)
    assert shell.returncode == 0, shell.stderr
    commands = {m for m in json.loads(shell.stderr.strip().splitlines()[-1]) if m.startswith("headway.cli.")}
    assert commands == {f"headway.cli.{m}" for m in ("main", "lazy_app", "startup", "common", "tables", "query_cmd")}


MODULES_AT_EXIT = (
    "import atexit, json, sys\n"
    "atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr))\n"
    "from headway.cli.main import app\n"
    "sys.argv = ['headway', *sys.argv[1:]]\n"
    "app()\n"  # no arguments: as the console script calls it
)


def test_only_plain_commands_take_the_short_way() -> None:
    from headway.cli.main import app

    alone = app.alone("query")
    assert alone is not None and [c.callback.__name__ for c in alone.registered_commands if c.callback] == ["query"]
    assert app.alone("okr") is None  # a sub-group: the whole app
    assert app.alone("--help") is None and app.alone("") is None and app.alone("quer") is None


GC_REPORT = (
    "import atexit, gc, json, sys\n"
    "atexit.register(lambda: print(json.dumps({'frozen': gc.get_freeze_count(), 'enabled': gc.isenabled(),\n"
    "    'duckdb': 'duckdb' in sys.modules}), file=sys.stderr))\n"
    "from headway.cli.main import app\n"
    "sys.argv = ['headway', *sys.argv[1:]]\n"
    "app()\n"  # no arguments: as the console script calls it
)


def test_a_shell_query_freezes_what_it_loaded_and_collects_after(ws: Path) -> None:
    """cli/startup.py: the console script's run freezes the modules and spec it loaded, and the
    collector is running again for the query; an in-process call leaves the collector alone."""
    args = ["query", "new_mrr", "--grain", "month", "--format", "json", "-w", str(ws)]
    shell = subprocess.run([sys.executable, "-c", GC_REPORT, *args], capture_output=True, text=True, timeout=120)
    assert shell.returncode == 0, shell.stderr
    report = json.loads(shell.stderr.strip().splitlines()[-1])
    assert report["enabled"] and report["duckdb"]
    assert report["frozen"] > 20_000, report  # the CLI, the engine's modules, SQLGlot, Pydantic, the spec
    assert len(shell.stderr.strip().splitlines()) == 1, shell.stderr  # no leak warnings from DuckDB's bindings
    assert [r["value"] for r in json.loads(shell.stdout)["rows"]][:3] == list(EXPECTED["new_mrr"]["values"])

    from typer.testing import CliRunner

    from headway.cli.main import app

    frozen = gc.get_freeze_count()
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert gc.get_freeze_count() == frozen and gc.isenabled()
