"""Focus rules (warnings) and objectives/*.yml errors: each asserted with its file, line and message."""

from __future__ import annotations

from pathlib import Path

import pytest

from headway.spec import check_workspace
from headway.spec.issues import Severity

SOURCES = """\
sources:
  - name: work
    path: data/work.parquet
    time: at
    columns:
      at: {type: timestamp}
      amount: {type: double}
"""
# Line numbers matter below: each metric starts on the line noted at its right.
METRICS = """\
metrics:
  - id: mrr
    kind: kpi
    direction: increase
    source: work
    measure: {agg: sum, expr: amount}
    teams: [growth]
    counter_metrics: [churn]
  - id: churn
    kind: counter
    direction: decrease
    source: work
    measure: {agg: count}
    teams: [growth]
  - id: signups_total
    kind: kpi
    direction: increase
    source: work
    measure: {agg: count}
    cumulative: true
    teams: [growth]
    counter_metrics: [churn]
  - id: activation
    kind: kpi
    direction: increase
    source: work
    measure: {agg: count}
    teams: [growth]
    tags: [north_star]
    counter_metrics: [churn]
  - id: retention
    kind: kpi
    direction: increase
    source: work
    measure: {agg: count}
    teams: [growth]
    tags: [north_star]
  - id: nps
    kind: kpi
    direction: increase
    source: work
    measure: {agg: avg, expr: amount}
    teams: [growth]
    counter_metrics: [churn]
  - id: tickets_closed
    kind: delivery
    direction: increase
    source: work
    measure: {agg: count}
    target: {value: 100}
  - id: lead_time
    kind: delivery
    direction: decrease
    source: work
    measure: {agg: median, expr: amount}
"""
OBJECTIVES = """\
objectives:
  - id: focus
    period: 2026Q4
    objective: Ship more
    key_results:
      - id: closed
        metric: tickets_closed
        target: 200
      - id: total
        metric: signups_total
        target: 5000
      - id: faster
        metric: lead_time
        target: 2
"""


def write(root: Path, files: dict[str, str]) -> Path:
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "headway.yml").write_text("name: focus\n", encoding="utf-8")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def rendered(root: Path, severity: Severity) -> list[str]:
    _, issues = check_workspace(root)
    return [i.render() for i in issues if i.severity is severity and "no data file" not in i.message]


@pytest.fixture()
def warnings(tmp_path: Path) -> list[str]:
    files = {"sources/s.yml": SOURCES, "metrics/m.yml": METRICS, "objectives/q4.yml": OBJECTIVES}
    return rendered(write(tmp_path, files), Severity.WARNING)


HINT_COUNTER = "Name what must not get worse while it is pushed: `counter_metrics: [churn_rate]`."
HINT_VANITY = "A running total only goes up; steer by the count per period, or a rate."
HINT_OUTPUT = (
    "Counts of output (tickets closed, items shipped) are easy to raise without changing an outcome; "
    "set the goal on the outcome it should move."
)


def test_more_than_one_north_star_per_team(warnings: list[str]) -> None:
    assert (
        "metrics/m.yml:37 metrics[4].tags: team 'growth' has more than one north star: activation, retention. "
        "Keep one north star per team (remove the `north_star` tag from the others)."
    ) in warnings


def test_more_than_three_kpis_beside_the_north_star(warnings: list[str]) -> None:
    # growth's KPIs other than its first north star (activation): mrr, signups_total, retention, nps
    assert (
        "metrics/m.yml:39 metrics[5].kind: team 'growth' has 4 KPIs beside its north star "
        "(mrr, signups_total, retention, nps). Steer by at most 3: make the others `kind: input` or `kind: health`."
    ) in warnings


def test_kpi_without_a_counter_metric(warnings: list[str]) -> None:
    assert f"metrics/m.yml:32 metrics[4].kind: KPI 'retention' has no counter-metric. {HINT_COUNTER}" in warnings


def test_cumulative_count_as_kpi_and_as_key_result(warnings: list[str]) -> None:
    assert (
        "metrics/m.yml:16 metrics[2].kind: KPI 'signups_total' is a vanity metric (a running total or tagged vanity). "
        + HINT_VANITY
    ) in warnings
    assert (
        "objectives/q4.yml:10 objectives[0].key_results[1].metric: key result on 'signups_total', "
        "a vanity metric (a running total or tagged vanity). " + HINT_VANITY
    ) in warnings


def test_output_count_as_a_goal(warnings: list[str]) -> None:
    assert (
        "metrics/m.yml:50 metrics[6].target: target on 'tickets_closed', an output count that invites gaming. "
        + HINT_OUTPUT
    ) in warnings
    assert (
        "objectives/q4.yml:7 objectives[0].key_results[0].metric: key result on 'tickets_closed', "
        "an output count that invites gaming. " + HINT_OUTPUT
    ) in warnings


def test_delivery_key_result_with_no_path_to_a_kpi(warnings: list[str]) -> None:
    assert (
        "objectives/q4.yml:13 objectives[0].key_results[2].metric: key result on delivery metric 'lead_time', "
        "which has no path to any KPI. Declare the KPI it is expected to move: `contributes_to: [csat]`, "
        "or choose a goal on a KPI's path."
    ) in warnings


def test_a_path_to_a_kpi_silences_the_delivery_rule(tmp_path: Path) -> None:
    linked = METRICS.replace(
        "    measure: {agg: median, expr: amount}\n",
        "    measure: {agg: median, expr: amount}\n    contributes_to: [{metric: churn, sign: negative}, nps]\n",
    )
    files = {"sources/s.yml": SOURCES, "metrics/m.yml": linked, "objectives/q4.yml": OBJECTIVES}
    assert not [w for w in rendered(write(tmp_path, files), Severity.WARNING) if "'lead_time', which has no path" in w]


def test_the_rules_are_warnings_and_only_where_goals_are_set(tmp_path: Path, warnings: list[str]) -> None:
    assert len(warnings) == 10
    files = {"sources/s.yml": SOURCES, "metrics/m.yml": METRICS}
    assert rendered(write(tmp_path / "catalogue", files), Severity.WARNING) == []  # no objectives/ folder
    assert rendered(write(tmp_path / "catalogue", files), Severity.ERROR) == []


BROKEN = """\
objectives:
  - id: grow
    period: 2026Q4
    objective: Grow
    key_results:
      - {metric: mrrr, target: 1}
  - id: child
    period: 2026Q4
    objective: Align
    parent: groww
    key_results:
      - {metric: mrr, target: 10}
    guardrails: [churnn]
  - id: both
    period: 2026Q5
    objective: Mixed up
    key_results:
      - {metric: mrr, milestone: both}
"""


def test_objective_errors_name_file_line_and_what_to_write(tmp_path: Path) -> None:
    files = {"sources/s.yml": SOURCES, "metrics/m.yml": METRICS, "objectives/q4.yml": BROKEN}
    errors = rendered(write(tmp_path, files), Severity.ERROR)
    assert (
        "objectives/q4.yml:15 objectives[2].period: '2026Q5' is not a quarter; "
        "write the year and quarter such as 2026Q4." in errors
    )
    assert "objectives/q4.yml:10 objectives[1].parent: unknown parent objective 'groww'. Did you mean 'grow'?" in errors
    assert (
        "objectives/q4.yml:13 objectives[1].guardrails[0]: unknown guardrail metric 'churnn'. Did you mean 'churn'?"
        in errors
    )
    assert (
        "objectives/q4.yml:18 objectives[2].key_results[0]: a key result names a `metric:` (with a `target:`) "
        "or is a `milestone:`, not both."
    ) in errors


def test_unknown_key_result_metric_suggests_the_closest(tmp_path: Path) -> None:
    files = {"sources/s.yml": SOURCES, "metrics/m.yml": METRICS, "objectives/q4.yml": BROKEN}
    errors = rendered(write(tmp_path, files), Severity.ERROR)
    assert (
        "objectives/q4.yml:6 objectives[0].key_results[0].metric: unknown metric 'mrrr'. Did you mean 'mrr'?" in errors
    )


def test_delivery_target_with_no_path_to_a_kpi(warnings: list[str]) -> None:
    """A `target:` makes a metric a goal too: a delivery goal that moves no KPI is named where the target is."""
    assert (
        "metrics/m.yml:50 metrics[6].target: target on delivery metric 'tickets_closed', which has no path to any KPI. "
        "Declare the KPI it is expected to move: `contributes_to: [csat]`, or choose a goal on a KPI's path."
    ) in warnings
