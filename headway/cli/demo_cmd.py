"""`headway demo`: write a complete demo workspace with planted, documented effects."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from headway.cli.common import Exit, console, fail


class ScaleName(StrEnum):
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


def demo(
    target: Annotated[
        Path, typer.Argument(help="Folder to write the workspace into (new, empty, or an earlier demo).")
    ],
    seed: Annotated[int, typer.Option("--seed", min=0, help="Same seed, same data, byte for byte.")] = 42,
    scale: Annotated[
        ScaleName, typer.Option("--scale", help="small: 6 months; medium: 1 year, ~5M events; large: 2 years.")
    ] = ScaleName.MEDIUM,
) -> None:
    """Generate the demo workspace: a SaaS product's telemetry, billing, support, team health and delivery data."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from headway.demo import generate

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("generating", total=1.0)

        def report(label: str, fraction: float) -> None:
            bar.update(task, description=label, completed=fraction)

        try:
            summary = generate(target, seed=seed, scale=scale.value, progress=report)
        except ValueError as error:
            fail(str(error), Exit.INVALID)
        except OSError as error:  # not writable, no such parent, not a folder, disk full
            where = error.filename or target
            fail(
                f"cannot write the demo workspace: {where}: {error.strerror or error}",
                Exit.FAILED,
                "Choose a folder you can write to, e.g. headway demo ./acme-demo.",
            )
    table = Table(
        title=f"demo workspace at {summary.path} ({summary.scale}, seed {summary.seed})", title_justify="left"
    )
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, rows in sorted(summary.rows.items()):
        table.add_row(name, f"{rows:,}")
    console.print(table)
    console.print(
        f"{summary.start} to {summary.end}, written in {summary.seconds:.1f} s. "
        f"Next: headway validate -w {target}  ·  headway serve -w {target}",
        highlight=False,
    )
