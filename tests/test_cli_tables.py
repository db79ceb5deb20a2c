"""Terminal tables: full width when piped, and a change coloured by the metric's direction on a terminal."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fixtures import build_workspace
from rich.console import Console
from typer.testing import CliRunner

from headway.analysis.verdict import verdict
from headway.cli.main import app
from headway.cli.tables import coloured, wide


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_workspace(tmp_path_factory.mktemp("tables") / "tiny")


def test_piped_table_is_not_cut_short(ws: Path) -> None:
    # eight columns of compare output at COLUMNS=40 would be cut to '…' on a terminal that narrow
    args = ["query", "new_mrr", "--grain", "month", "--by", "account.segment", "--compare", "previous", "-w", ws]
    result = CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "40"})
    assert result.exit_code == 0, result.output
    assert "…" not in result.output
    header = next(line for line in result.output.splitlines() if "period" in line)
    for column in ("period", "account.segment", "value", "compare_period", "compare_value", "change", "change_pct"):
        assert column in header


def test_wide_only_when_piped() -> None:
    terminal = Console(file=io.StringIO(), force_terminal=True, width=40)
    assert wide(terminal) is terminal
    assert wide(Console(file=io.StringIO(), force_terminal=False, width=40)).width == 1000


@pytest.mark.parametrize(
    ("direction", "change", "expected"),
    [
        ("increase", 5.0, "good"),
        ("increase", -5.0, "bad"),
        ("decrease", 5.0, "bad"),
        ("decrease", -0.1, "good"),
        ("increase", 0.0, None),
        (None, 5.0, None),
        ("decrease", None, None),
    ],
)
def test_verdict(direction: str | None, change: float | None, expected: str | None) -> None:
    assert verdict(direction, change) == expected


def test_only_change_cells_are_coloured() -> None:
    cells = coloured(
        ["2026-02-01", "520.00", "150.00", "+40.5%"], ["period", "value", "change", "change_pct"], "decrease", 150.0
    )
    assert cells == ["2026-02-01", "520.00", "[red]150.00[/]", "[red]+40.5%[/]"]
