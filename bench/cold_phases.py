"""Instructions a cold `headway query` executes, phase by phase (bench/COLD.md's first table).

Each phase is a small script that stops after it; valgrind counts the instructions of the whole
process (DuckDB's threads included), which other jobs on a shared machine do not change, unlike
its time. A phase's cost is its script's count minus the one before. Needs valgrind and the
bench's peer workspace (`python bench/cold.py` or `make bench` makes it). Run from the repository:

    python bench/cold_phases.py   # ~12 valgrind runs, a few minutes
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from cold import BARE, command, statements
from hand_sql import CASES

HERE = Path(__file__).resolve().parent
PEER = HERE.parent / ".bench" / "peer-workspace"

CLI = "import headway.cli.main, headway.cli.query_cmd\n"
SHELL = CLI + "from headway.cli.startup import started_from_shell, loading\nstarted_from_shell()\n"
SPEC = (
    SHELL + "from pathlib import Path\nwith loading():\n    from headway.engine import Engine\n"
    "    from headway.cli.common import open_workspace\n    ws = open_workspace(Path({ws!r}))\n"
)
PHASES = [  # (label, script that stops after the phase)
    ("Python starts", "pass\n"),
    ("import Typer", "import typer\n"),
    ("import Pydantic, first BaseModel", "import typer\nfrom pydantic import BaseModel\n"),
    ("import the spec models", "import typer\nfrom pydantic import BaseModel\nimport headway.spec.models\n"),
    ("the rest of the CLI", CLI),
    ("import SQLGlot", SHELL + "with loading():\n    import sqlglot\n"),
    ("import the engine", SHELL + "with loading():\n    from headway.engine import Engine\n"),
    ("load the spec from .headway/spec-cache/", SPEC),
    ("import duckdb, connect", SPEC + "e = Engine(ws)\ne.backend\ne.close()\n"),
    (
        "SQLGlot's DuckDB dialect",
        SPEC + "e = Engine(ws)\ne.backend\nfrom sqlglot import exp\nexp.Literal.string('x').sql('duckdb')\ne.close()\n",
    ),
    ("data facts: DESCRIBE, view, bounds", SPEC + "e = Engine(ws)\ne.facts.for_metric('signups')\ne.close()\n"),
]


def instructions(args: list[str]) -> int:
    """Instructions the process executes (valgrind's cachegrind, no cache simulation)."""
    subprocess.run(args, check=True, capture_output=True, cwd="/")  # warm the page cache and the spec cache
    done = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", *args],
        check=True,
        capture_output=True,
        text=True,
        cwd="/",
    )
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> int:
    if not (PEER / "headway.yml").exists():
        raise SystemExit(f"no bench workspace at {PEER}: run `python bench/cold.py` first")
    headway = Path(sys.executable).parent / "headway"
    rows, before = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, (label, script) in enumerate(PHASES):
            path = Path(tmp) / f"phase{i}.py"
            path.write_text(script.format(ws=str(PEER)), encoding="utf-8")
            count = instructions([sys.executable, str(path)])
            rows.append((label, count - before))
            before = count
        total = instructions(command(headway, PEER, CASES[0]))  # signups by week, as cold.py runs it
        rows.append(("plan, compile, run, print", total - before))
        generated = Path(tmp) / "generated.json"
        sql, memory = _statements()
        generated.write_text(json.dumps(sql), encoding="utf-8")
        bare = instructions([sys.executable, "-c", BARE, str(generated), memory])
    for label, count in rows:
        print(f"{label:42s} {count / 1e6:8.0f} M")
    print(f"{'total':42s} {total / 1e6:8.0f} M")
    print(f"{'bare duckdb, same SQL':42s} {bare / 1e6:8.0f} M   (over bare: {(total - bare) / 1e6:.0f} M)")
    return 0


def _statements() -> tuple[list[str], str]:
    """The views and the query Headway runs for the case (what the bare process runs), and DuckDB's memory limit."""
    from headway.engine import Engine
    from headway.spec import load_workspace

    engine = Engine(load_workspace(PEER))
    try:
        return statements(engine, CASES[0]), engine.workspace.config.duckdb.memory_limit
    finally:
        engine.close()


if __name__ == "__main__":
    sys.exit(main())
