"""A cold `headway` command imports only what it uses (the cold-start budget is 0.3 s over bare DuckDB).

Each command runs in a fresh interpreter, as a user's shell would start it, and reports the modules
it loaded. `--help` needs the vocabulary (pydantic enums) but not the loader, the SQL library or an
engine; a query needs those but not the server, the state database, Arrow or the demo generator.
`make bench` measures the time itself; this test keeps the imports from creeping back.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures import build_workspace

REPORT = (
    "import json, sys\n"
    "from headway.cli.main import app\n"
    "try:\n"
    "    app(sys.argv[1:])\n"
    "except SystemExit as done:\n"
    "    code = done.code\n"
    "print(json.dumps({'code': code, 'modules': sorted(sys.modules)}), file=sys.stderr)\n"
)
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
