"""dashboards/*.yml: every problem reported at its file and line, with what to write instead.

The workspace is the tiny hand-made one (tests/fixtures/tiny) plus two metrics written here: one
retired, one deprecated. Line numbers are counted by hand from the YAML text below.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures import build_workspace

from headway.spec.issues import Severity
from headway.spec.loader import check_workspace

EXTRA_METRICS = """\
metrics:
  - id: old_mrr
    kind: kpi
    source: subscriptions
    measure: {agg: sum, expr: mrr}
    status: retired
    replaced_by: mrr
  - id: legacy_signups
    kind: input
    source: subscriptions
    measure: {agg: count}
    status: deprecated
    replaced_by: signups
"""


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = build_workspace(tmp_path / "tiny")
    (root / "metrics" / "extra.yml").write_text(EXTRA_METRICS, encoding="utf-8")
    (root / "dashboards").mkdir()
    return root


def problems(root: Path, text: str) -> list[tuple[str, int, str, str, str]]:
    (root / "dashboards" / "board.yml").write_text(text, encoding="utf-8")
    _, issues = check_workspace(root)
    return [(i.file, i.line, i.severity.value, i.message, i.hint) for i in issues if i.file == "dashboards/board.yml"]


def test_a_valid_dashboard_with_non_ascii_text_has_no_problems(ws: Path) -> None:
    text = """\
dashboards:
  - id: revenue
    title: Chiffre d'affaires — ünïcödé 📈
    owner: josé@acme.example
    filters: {plan: pro}
    panels:
      - {type: kpi, metrics: [mrr, trial_share], grain: month}
      - {type: line, metrics: [mrr], by: region, from: 2026-01-01, to: 2026-03-31, compare: previous}
      - {type: table, metrics: [signups], by: plan, periods: 3}
      - {type: tree}
"""
    assert problems(ws, text) == []


def test_unknown_metric_names_its_line_and_suggests_the_id(ws: Path) -> None:
    text = """\
dashboards:
  - id: revenue
    title: Revenue
    panels:
      - type: kpi
        metrics:
          - mrr
          - mrrr
"""
    assert problems(ws, text) == [
        ("dashboards/board.yml", 8, "error", "unknown metric 'mrrr'", "Did you mean 'mrr'?"),
    ]


def test_retired_is_an_error_and_deprecated_a_warning(ws: Path) -> None:
    text = """\
dashboards:
  - id: revenue
    title: Revenue
    panels:
      - {type: line, metrics: [old_mrr]}
      - {type: table, metrics: [legacy_signups]}
"""
    found = problems(ws, text)
    assert found == [
        ("dashboards/board.yml", 5, "error", "metric 'old_mrr' is retired", "Use its replacement 'mrr'."),
        (
            "dashboards/board.yml",
            6,
            "warning",
            "metric 'legacy_signups' is deprecated",
            "Use its replacement 'signups'.",
        ),
    ]
    _, issues = check_workspace(ws)  # a warning alone does not stop the workspace from loading
    (ws / "dashboards" / "board.yml").write_text(text.replace("old_mrr", "mrr"), encoding="utf-8")
    loaded, issues = check_workspace(ws)
    assert loaded is not None
    assert [i.severity for i in issues if i.file == "dashboards/board.yml"] == [Severity.WARNING]


def test_a_breakdown_the_metric_does_not_have(ws: Path) -> None:
    text = """\
dashboards:
  - id: revenue
    title: Revenue
    panels:
      - type: line
        metrics: [mrr]
        by: regoin
"""
    (found,) = problems(ws, text)
    assert found[:4] == ("dashboards/board.yml", 7, "error", "metric 'mrr' cannot be broken down by 'regoin'")
    assert found[4] == "Did you mean 'region'?"


def test_a_filter_no_panel_can_apply(ws: Path) -> None:
    text = """\
dashboards:
  - id: revenue
    title: Revenue
    filters:
      colour: red
    panels:
      - {type: kpi, metrics: [mrr]}
"""
    (found,) = problems(ws, text)
    assert found[:4] == ("dashboards/board.yml", 5, "error", "no panel's metric can be filtered by 'colour'")
    assert "plan" in found[4] and "region" in found[4]


@pytest.mark.parametrize(
    ("panel", "line", "words"),
    [
        ("{type: pie, metrics: [mrr]}", 5, "kpi"),  # the closed set of panel types is named
        ("{type: tree, metrics: [mrr]}", 5, "leave out `metrics`"),
        ("{type: line}", 5, "needs `metrics"),
        ("{type: line, metrics: [mrr], from: 2026-03-01, to: 2026-01-01}", 5, "before from"),
        ("{type: line, metrics: [mrr], periods: 0}", 5, "greater than or equal to 1"),
        ("{type: line, metrics: [mrr], grain: fortnight}", 5, "week"),
        ("{type: line, metrics: [mrr], colour: red}", 5, "by, compare, edition, from, grain"),  # `from` as written
    ],
    ids=["unknown-type", "tree-with-metrics", "no-metrics", "range-backwards", "zero-periods", "bad-grain", "extra"],
)
def test_shape_errors_point_at_the_panel(ws: Path, panel: str, line: int, words: str) -> None:
    text = f"dashboards:\n  - id: revenue\n    title: Revenue\n    panels:\n      - {panel}\n"
    found = problems(ws, text)
    assert found, "expected a problem"
    assert all(f[1] == line and f[2] == "error" for f in found), found
    assert any(words in f[3] + " " + f[4] for f in found), found


def test_duplicate_ids_across_files(ws: Path) -> None:
    one = "dashboards:\n  - id: revenue\n    title: One\n    panels: [{type: tree}]\n"
    (ws / "dashboards" / "a.yml").write_text(one, encoding="utf-8")
    found = problems(ws, one.replace("One", "Two"))
    assert found == [
        (
            "dashboards/board.yml",
            2,
            "error",
            "duplicate dashboard id 'revenue'",
            "It is already defined at dashboards/a.yml:2; rename one of them.",
        )
    ]


def test_hostile_yaml_is_refused_at_its_line(ws: Path) -> None:
    text = "dashboards:\n  - id: 'x; drop table'\n    title: ''\n    panels: []\n"
    found = problems(ws, text)
    assert {f[1] for f in found} == {2, 3, 4}
    assert all(f[2] == "error" for f in found)
