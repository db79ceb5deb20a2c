"""Issue 10, spec and CLI items: each mistake a user or an attacker made, run through the installed
console script, with its exit code and the message it must print (never a traceback).

Expected values are worked out by hand from tests/fixtures/__init__.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures import build_workspace

from headway.spec.reading import MAX_SPEC_BYTES
from headway.spec.yamlpos import MAX_NODES

HEADWAY = Path(sys.executable).parent / "headway"
ENV = {**os.environ, "COLUMNS": "250", "NO_COLOR": "1"}


def headway(*args: str | Path, code: int, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [HEADWAY, *map(str, args)], capture_output=True, text=True, env=env or ENV, timeout=120, check=False
    )
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    assert done.returncode == code, f"exit {done.returncode}\nstdout: {done.stdout}\nstderr: {done.stderr}"
    return done


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_workspace(tmp_path_factory.mktemp("harden") / "tiny")


@pytest.fixture
def ws(shared: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(shared, tmp_path / "tiny"))


def add_file(ws: Path, name: str, text: str) -> Path:
    path = ws / name
    path.write_text(text, encoding="utf-8")
    return path


# -- 2. type mistakes in --where: refused before any engine runs, naming the operand and the type --------------

WHERE_MISTAKES = {
    "bare text column": ("new_mrr", "plan", "'plan' is a string, not a condition"),
    "not on text": ("new_mrr", "not plan", "'not' needs a boolean, but 'plan' is a string"),
    "minus on text": ("new_mrr", "-plan > 0", "'-' needs a number, but 'plan' is a string"),
    "like a number": ("new_mrr", "plan like 1", "'like' needs a string, but '1' is an integer"),
    "coalesce mixes types": ("new_mrr", "coalesce(plan, 1) = 1", "compares text column 'plan' with 1"),
    "upper of a number": ("new_mrr", "upper(length(plan)) = 'X'", "upper() needs a string, but 'LENGTH(plan)' is an"),
    "text cast to integer": ("new_mrr", "cast(plan as integer) = 1", "can fail on the data: 'plan' is text"),
    "modulo zero": ("new_mrr", "length(plan) % 0 = 1", "divides by the number 0"),
    "int64 overflow": ("new_mrr", "abs(-9223372036854775808) > 0", "beyond the 64-bit integer range"),
    "struct compared": ("active_users", "properties = 1", "compares struct column 'properties' with 1"),
    "time subtraction": ("new_mrr", "started_at - ended_at > 0", "'-' needs a number, but 'started_at' is a timestamp"),
    "time to double": ("new_mrr", "cast(started_at as double) > 1", "a timestamp cannot be converted to a double"),
    "arrow operator": ("new_mrr", "x -> x", "'x -> x' is not allowed in a filter"),
}


@pytest.mark.parametrize("case", list(WHERE_MISTAKES))
def test_where_type_mistake_is_exit_1_naming_operand_and_type(shared: Path, case: str) -> None:
    metric, where, says = WHERE_MISTAKES[case]
    done = headway("query", metric, "--where", where, "-w", shared, code=1)
    assert done.stderr.startswith("error: --where: "), done.stderr
    assert says in done.stderr
    assert "engine" not in done.stderr  # refused by the type check, not blamed on the data
    assert done.stdout == ""


def test_cast_to_timestamp_is_accepted_and_filters(shared: Path) -> None:
    # B: new_mrr (not trials) for rows started on or after Feb 1: Jan 0 (rows exist, none match), Feb 170, Mar 565
    done = headway(
        "query", "new_mrr", "--grain", "month", "--where", "cast(started_at as timestamp) >= '2026-02-01'",
        "-f", "csv", "-w", shared, code=0,
    )  # fmt: skip
    rows = [line.split(",") for line in done.stdout.splitlines()[1:]]
    assert [(r[0], float(r[1])) for r in rows] == [("2026-01-01", 0.0), ("2026-02-01", 170.0), ("2026-03-01", 565.0)]


# -- C. validate refuses what the engine could never run ---------------------------------------------------------

EXTRA = """metrics:
  - id: time_to_end
    kind: health
    source: subscriptions
    measure: {agg: sum, expr: ended_at - started_at}
  - id: start_as_number
    kind: health
    source: subscriptions
    measure: {agg: avg, expr: cast(started_at as double)}
  - id: recent_starts
    kind: health
    source: subscriptions
    measure: {agg: count}
    filter: cast(started_at as timestamp) >= '2026-02-01'
  - id: no_window
    kind: health
    source: subscriptions
    measure: {agg: count}
    window: 0d
"""


def test_validate_refuses_what_the_engine_cannot_run(ws: Path) -> None:
    add_file(ws, "metrics/extra.yml", EXTRA)
    done = headway("validate", "-w", ws, code=1)
    lines = done.stderr.splitlines()
    assert lines == [
        "error metrics/extra.yml:5 metrics[0].measure.expr: '-' needs a number, but 'ended_at' is a timestamp. "
        "Times cannot be added or subtracted in an expression; store the duration as a number column "
        "(e.g. hours_to_merge) in the source.",
        "error metrics/extra.yml:9 metrics[1].measure.expr: 'CAST(started_at AS DOUBLE)': a timestamp cannot be "
        "converted to a double. A time is not a number: compare it with an ISO date in quotes, "
        "e.g. ts >= '2026-01-31'.",
        "error metrics/extra.yml:19 metrics[3].window: '0d' is out of range; a duration is 1d to 36500d (100 years).",
        "3 error(s)",
    ]


def test_entity_key_types_must_agree(ws: Path) -> None:
    billing = ws / "sources" / "billing.yml"
    text = billing.read_text(encoding="utf-8")
    old, new = "{type: string, entity: account}\n      segment", "{type: integer, entity: account}\n      segment"
    billing.write_text(text.replace(old, new), encoding="utf-8")
    line = (
        billing.read_text(encoding="utf-8").splitlines().index("      account_id: {type: integer, entity: account}") + 1
    )
    done = headway("validate", "-w", ws, code=1)
    assert (
        f"error sources/billing.yml:{line} sources[1].columns.account_id.type: entity 'account' is integer here but "
        "string in subscriptions.account_id. Declare every key column of one entity with the same type"
    ) in done.stderr


def test_missing_data_file_is_a_labelled_warning_with_the_path_line(ws: Path) -> None:
    (ws / "data" / "accounts.csv").unlink()
    done = headway("validate", "-w", ws, code=0)
    line = (ws / "sources" / "billing.yml").read_text(encoding="utf-8").splitlines().index(
        "    path: data/accounts.csv"
    ) + 1
    assert done.stderr.startswith(
        f"warning sources/billing.yml:{line} sources[1].path: no data file matches 'data/accounts.csv'; "
        "queries on source 'accounts' fail until one exists."
    )
    assert "ok tiny: 3 sources, 9 metrics, 1 warning(s)" in done.stdout


# -- 10. reads outside the workspace -----------------------------------------------------------------------------


def _point_accounts_at(ws: Path, path: str) -> int:
    billing = ws / "sources" / "billing.yml"
    billing.write_text(billing.read_text(encoding="utf-8").replace("data/accounts.csv", path), encoding="utf-8")
    return billing.read_text(encoding="utf-8").splitlines().index(f"    path: {path}") + 1


@pytest.mark.parametrize("path", ["../secret.csv", "/etc/passwd", "data/../../secret.csv"])
def test_source_path_outside_the_workspace_is_refused(ws: Path, path: str) -> None:
    (ws.parent / "secret.csv").write_text("account_id,segment,country\na1,sk_live_123,US\n", encoding="utf-8")
    line = _point_accounts_at(ws, path)
    done = headway("validate", "-w", ws, code=1)
    assert done.stderr.splitlines()[0] == (
        f"error sources/billing.yml:{line} sources[1].path: source 'accounts' reads '{path}', which is outside the "
        "workspace. Keep data inside the workspace folder, or list the folder that holds it under `data_roots:` in "
        "headway.yml."
    )
    done = headway("query", "signups", "--by", "account.segment", "-w", ws, code=1)
    assert "sk_live" not in done.stdout + done.stderr


def test_symlink_out_of_the_workspace_is_refused_and_data_roots_allows_it(ws: Path) -> None:
    outside = ws.parent / "elsewhere"
    outside.mkdir()
    (outside / "accounts.csv").write_text(
        (ws / "data" / "accounts.csv").read_text(encoding="utf-8").replace("smb", "small"), encoding="utf-8"
    )
    (ws / "data" / "accounts.csv").unlink()
    (ws / "data" / "accounts.csv").symlink_to(outside / "accounts.csv")
    done = headway("validate", "-w", ws, code=1)
    assert "reads 'data/accounts.csv' (through a symlink), which is outside the workspace" in done.stderr
    with (ws / "headway.yml").open("a", encoding="utf-8") as config:
        config.write("data_roots: [../elsewhere]\n")
    headway("validate", "-w", ws, code=0)
    # signups by segment in Feb: #5 a5 smb->small, #6 a1 small, #7 a6 small -> small 3 (enterprise 0)
    done = headway("query", "signups", "--grain", "month", "--by", "account.segment", "--from", "2026-02-01",
                   "--to", "2026-02-28", "-f", "csv", "-w", ws, code=0)  # fmt: skip
    assert "2026-02-01,small,3,3,true," in done.stdout.splitlines()


# -- 6. YAML bombs and huge specs -------------------------------------------------------------------------------


def test_alias_bomb_is_refused_quickly_with_file_and_line(ws: Path) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefg", "bcdefgh", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    add_file(ws, "metrics/bomb.yml", "\n".join(lines) + "\n")
    done = headway("validate", "-w", ws, code=1)
    assert f"metrics/bomb.yml:1: the file expands to more than {MAX_NODES:,} values" in done.stderr


def test_self_referencing_alias_is_refused(ws: Path) -> None:
    add_file(ws, "metrics/loop.yml", "metrics: &a [*a]\n")
    done = headway("validate", "-w", ws, code=1)
    assert "metrics/loop.yml:1: nested more than 40 levels deep (or an alias refers to itself)" in done.stderr


def test_huge_spec_file_is_refused_by_size(ws: Path) -> None:
    add_file(ws, "metrics/huge.yml", "# " + "x" * MAX_SPEC_BYTES + "\nmetrics: []\n")
    done = headway("validate", "-w", ws, code=1)
    assert "metrics/huge.yml:1: the file is 4.2 MB; spec files are limited to 4 MB. Split it" in done.stderr


# -- 8. files that are not what they claim ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("metrics:\n  - id: caf\xe9\n".encode("latin-1"), "metrics/odd.yml:2: the file is not UTF-8: byte 0xE9"),
        ("metrics: []\n".encode("utf-16"), "metrics/odd.yml:1: the file is UTF-16 text, not UTF-8"),
        (b"metrics: []\n\x00\x01\x02", "metrics/odd.yml:2: the file holds binary data (a NUL byte), not YAML text"),
    ],
    ids=["latin-1", "utf-16", "binary"],
)
def test_non_utf8_spec_is_a_message(ws: Path, raw: bytes, says: str) -> None:
    (ws / "metrics" / "odd.yml").write_bytes(raw)
    done = headway("validate", "-w", ws, code=1)
    assert says in done.stderr


def test_non_ascii_utf8_spec_is_fine(ws: Path) -> None:
    add_file(
        ws,
        "metrics/accents.yml",
        "metrics:\n  - id: signups_fr\n    name: Inscriptions réussies ✓\n    kind: input\n"
        "    source: subscriptions\n    measure: {agg: count}\n    filter: region = 'É'\n",
    )
    headway("validate", "-w", ws, code=0)


def test_broken_symlinks_and_upper_case_spec_files_are_not_skipped(ws: Path) -> None:
    (ws / "metrics" / "gone.yml").symlink_to(ws / "nowhere.yml")
    (ws / "metrics" / "loop.yml").symlink_to(ws / "metrics" / "loop.yml")
    add_file(ws, "metrics/UPPER.YML", "metrics:\n  - id: shouty\n    kind: kpii\n")
    done = headway("validate", "-w", ws, code=1)
    assert "metrics/UPPER.YML:3 metrics[0].kind: 'kpii' is not a valid kind. Did you mean 'kpi'?" in done.stderr
    assert "metrics/gone.yml:1: metrics/gone.yml is a dangling or looping symlink" in done.stderr
    assert "metrics/loop.yml:1: metrics/loop.yml is a dangling or looping symlink" in done.stderr


def test_demo_into_an_impossible_folder_is_exit_3(tmp_path: Path) -> None:
    done = headway("demo", "/proc/headway-demo", code=3)
    assert done.stderr.startswith("error: cannot write the demo workspace: /proc/headway-demo: ")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    done = headway("demo", tmp_path / "file" / "sub", code=3)
    assert "Not a directory" in done.stderr
    done = headway("schema", "-o", "/proc/headway-schemas", code=3)
    assert done.stderr.startswith("error: cannot write the schemas: /proc/headway-schemas: ")


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("not a url at all", "HEADWAY_STATE_URL is not a database URL"),
        ("postgresql+psycopg2://u@127.0.0.1:1/x", "the database driver for postgresql+psycopg2 is not installed"),
        ("postgresql://u@127.0.0.1:1/x", "port 1 failed: Connection refused"),
    ],
    ids=["garbage", "no-driver", "unreachable"],
)
def test_bad_state_url_is_one_line_and_exit_3(shared: Path, url: str, says: str) -> None:
    env = {**ENV, "HEADWAY_STATE_URL": url}
    for command in (["state", "upgrade"], ["state", "info"], ["serve", "--port", "1"]):
        done = headway(*command, "-w", shared, code=3, env=env)
        first, *rest = done.stderr.splitlines()
        assert first.startswith("error: ") and says in first, done.stderr
        assert len(rest) == 1  # the hint: what to do


# -- E. the tree shows every declared link --------------------------------------------------------------------

TREE = """metrics:
  - id: deploys
    kind: delivery
    source: subscriptions
    measure: {agg: count}
    counter_metrics: [trials]
  - id: lead_time
    kind: delivery
    source: subscriptions
    measure: {agg: count}
    contributes_to: [{metric: deploys, sign: negative, lag: 2w}]
  - id: ping
    kind: health
    source: subscriptions
    measure: {agg: count}
    contributes_to: [pong]
  - id: pong
    kind: health
    source: subscriptions
    measure: {agg: count}
    contributes_to: [ping]
"""


def test_tree_starts_from_a_north_star_of_any_kind_and_keeps_every_link(ws: Path) -> None:
    add_file(ws, "metrics/delivery.yml", TREE)
    config = ws / "headway.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("north_star: mrr", "north_star: deploys"), "utf-8")
    lines = [line.rstrip() for line in headway("tree", "--no-evidence", "-w", ws, code=0).stdout.splitlines()]
    first = lines.index("├── deploys (deploys) delivery ★ north star")
    assert lines[first + 1 : first + 3] == ["│   ├── lead_time (negative, lag 2w)", "│   └── guarded by trials"]
    assert lines[-3:] == [  # a loop has no top: its smallest id roots it
        "└── ping (ping) health",
        "    └── pong (positive)",
        "        └── ping (positive)",
    ]
    assert lines.index("├── deploys (deploys) delivery ★ north star") == 1  # the north star comes first


def test_min_and_max_need_numbers(ws: Path) -> None:
    """The change from the previous period is a difference: a max over text or time could never be shown."""
    add_file(ws, "metrics/max.yml", "metrics:\n  - id: last_plan\n    kind: health\n    source: subscriptions\n"
             "    measure: {agg: max, expr: plan}\n  - id: first_start\n    kind: health\n"
             "    source: subscriptions\n    measure: {agg: min, expr: started_at}\n")  # fmt: skip
    assert headway("validate", "-w", ws, code=1).stderr.splitlines() == [
        "error metrics/max.yml:5 metrics[0].measure.expr: max needs a number but 'plan' is string. "
        "Use count or count_distinct for non-numeric columns.",
        "error metrics/max.yml:9 metrics[1].measure.expr: min needs a number but 'started_at' is timestamp. "
        "Use count or count_distinct for non-numeric columns.",
        "2 error(s)",
    ]


# -- --format: one closed choice on every verb that prints a table or JSON -------------------------------------

TABLE_OR_JSON = [("explain", "new_mrr"), ("tiers",), ("quality",), ("okr", "list"), ("alerts", "run")]


@pytest.mark.parametrize("verb", TABLE_OR_JSON, ids=lambda v: " ".join(v))
def test_unknown_format_is_refused_with_the_choices(shared: Path, verb: tuple[str, ...]) -> None:
    done = headway(*verb, "-w", shared, "--format", "xml", code=2)
    assert "'xml' is not one of 'table', 'json'" in done.stderr


def test_quality_format_json_prints_one_json_object(shared: Path) -> None:
    """`quality` took any --format and printed a table for it; json is one object a script can read."""
    import json

    assert isinstance(json.loads(headway("quality", "-w", shared, "--format", "json", code=0).stdout), dict)
