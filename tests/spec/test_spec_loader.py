"""Focused checks around the data-file cases: rendering, suggestions, the CLI, the spec hash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from headway.cli.main import app
from headway.spec import Issue, SpecError, check_workspace, load_workspace
from headway.spec.issues import choices_hint, did_you_mean

HEADWAY = "name: acme\n"
SOURCES = """\
sources:
  - name: events
    path: data/events.csv
    time: ts
    columns:
      ts: {type: timestamp}
      plan: {type: string}
"""
METRICS = """\
metrics:
  - id: signups
    kind: kpi
    source: events
    measure: {agg: count}
"""
BROKEN_METRICS = """\
metrics:
  - id: my-metric
    kind: kip
    source: events
    measure: {agg: count}
"""


def make_workspace(root: Path, metrics: str = METRICS) -> Path:
    for name, text in {"headway.yml": HEADWAY, "sources/app.yml": SOURCES, "metrics/product.yml": metrics}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / "data").mkdir(exist_ok=True)
    (root / "data" / "events.csv").write_text("", encoding="utf-8")  # validate warns when a source has no file
    return root


@pytest.mark.parametrize(
    ("issue", "rendered"),
    [
        (Issue("m.yml", 3, "metrics[0].kind", "bad kind", "Use kpi."), "m.yml:3 metrics[0].kind: bad kind. Use kpi."),
        (Issue("m.yml", 3, "", "YAML syntax error: x"), "m.yml:3: YAML syntax error: x."),
        (Issue("headway.yml", 0, "", "no headway.yml"), "headway.yml: no headway.yml."),
        (Issue("m.yml", 1, "id", "is it 'a'?", "Maybe."), "m.yml:1 id: is it 'a'? Maybe."),
    ],
    ids=["path_and_hint", "no_path", "no_line", "message_ends_with_question_mark"],
)
def test_issue_renders_as_file_line_path_message_hint(issue: Issue, rendered: str) -> None:
    assert issue.render() == rendered


def test_issues_sort_by_file_then_line_as_numbers() -> None:
    issues = [
        Issue("sources/a.yml", 1, "", "x"),
        Issue("metrics/a.yml", 10, "", "x"),
        Issue("metrics/a.yml", 9, "", "x"),
    ]
    assert [(i.file, i.line) for i in sorted(issues)] == [
        ("metrics/a.yml", 9),
        ("metrics/a.yml", 10),
        ("sources/a.yml", 1),
    ]


@pytest.mark.parametrize(
    ("word", "choices", "hint"),
    [
        ("revenu", ["revenue", "signups"], "Did you mean 'revenue'?"),
        ("KPI", ["kpi", "health"], "Did you mean 'kpi'?"),
        ("zzz", ["b", "a"], "Use one of: a, b."),
        (
            "zzz",
            [f"m{i:02}" for i in range(14)],
            "Use one of: m00, m01, m02, m03, m04, m05, m06, m07, m08, m09, m10, m11 and 2 more.",
        ),
        ("zzz", [], ""),
    ],
    ids=["close", "other_case", "list_when_nothing_is_close", "long_list_is_cut", "no_choices"],
)
def test_choices_hint(word: str, choices: list[str], hint: str) -> None:
    assert choices_hint(word, choices) == hint


def test_did_you_mean_is_empty_when_nothing_is_close() -> None:
    assert did_you_mean("zzz", ["revenue"]) == ""


def test_folder_without_headway_yml(tmp_path: Path) -> None:
    workspace, issues = check_workspace(tmp_path)
    assert workspace is None
    assert [i.render() for i in issues] == [
        f"headway.yml: no headway.yml in {tmp_path.resolve()}. Run `headway demo DIR` for an example, "
        "or create headway.yml with `name:` and `engine: duckdb`."
    ]
    with pytest.raises(SpecError):
        load_workspace(tmp_path)


def test_valid_workspace_loads(tmp_path: Path) -> None:
    workspace = load_workspace(make_workspace(tmp_path))
    assert workspace.config.name == "acme"
    assert list(workspace.sources) == ["events"]
    assert list(workspace.metrics) == ["signups"]
    assert workspace.where("signups") == "metrics/product.yml:2"
    assert workspace.warnings == ()


def test_spec_error_carries_every_issue(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as raised:
        load_workspace(make_workspace(tmp_path, BROKEN_METRICS))
    assert [i.render() for i in raised.value.issues] == [
        "metrics/product.yml:2 metrics[0].id: 'my-metric' is not a valid id. "
        "Use letters, digits and underscores, starting with a letter (e.g. paid_mrr).",
        "metrics/product.yml:3 metrics[0].kind: 'kip' is not a valid kind. Did you mean 'kpi'?",
    ]
    assert str(raised.value).endswith("(and 1 more)")


def test_spec_hash_follows_the_spec_not_the_data(tmp_path: Path) -> None:
    root = make_workspace(tmp_path)
    first = load_workspace(root).spec_hash
    (root / "data").mkdir(exist_ok=True)
    (root / "data" / "events.csv").write_text("ts,plan\n2026-01-01T00:00:00Z,pro\n", encoding="utf-8")
    assert load_workspace(root).spec_hash == first
    (root / "metrics" / "product.yml").write_text(METRICS.replace("kind: kpi", "kind: health"), encoding="utf-8")
    assert load_workspace(root).spec_hash != first


def test_validate_command_prints_every_issue_and_fails(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["validate", "-w", str(make_workspace(tmp_path, BROKEN_METRICS))])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error metrics/product.yml:2 metrics[0].id: 'my-metric' is not a valid id. "
        "Use letters, digits and underscores, starting with a letter (e.g. paid_mrr).",
        "error metrics/product.yml:3 metrics[0].kind: 'kip' is not a valid kind. Did you mean 'kpi'?",
        "2 error(s)",
    ]


def test_validate_command_json(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["validate", "-w", str(make_workspace(tmp_path, BROKEN_METRICS)), "-f", "json"])
    payload = json.loads(result.stdout)
    assert result.exit_code == 1
    assert payload["ok"] is False
    assert payload["issues"][1] == {
        "file": "metrics/product.yml",
        "line": 3,
        "path": "metrics[0].kind",
        "message": "'kip' is not a valid kind",
        "hint": "Did you mean 'kpi'?",
        "code": "enum",
        "severity": "error",
    }


def test_validate_command_ok(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["validate", "-w", str(make_workspace(tmp_path))])
    assert result.exit_code == 0
    assert result.stdout.strip() == "ok acme: 1 sources, 1 metrics"
