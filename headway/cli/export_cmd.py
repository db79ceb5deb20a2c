"""`headway export overview|tree --out FILE.html`: the overview's cards or the metric tree as one offline HTML file.

The same functions serve `/export/overview.html` and `/export/tree.html` (serve/page_export.py);
a dashboard is exported with `headway dashboard export`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from headway.cli.common import Exit, WorkspaceOption, console, fail, open_workspace
from headway.cli.query_cmd import ActorChoice, AsOption, actor_of, reporting

app = typer.Typer(help="Write the overview or the metric tree as one offline HTML file.", no_args_is_help=True)
OutOption = Annotated[Path, typer.Option("--out", "-o", help="The file to write, e.g. overview.html.")]


def _write(out: Path, what: str, html: str) -> None:
    try:
        out.write_text(html, encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {out}: {error.strerror}", Exit.FAILED, "Pick a folder you can write to.")
    console.print(f"wrote the {what} as offline HTML to {out} ({out.stat().st_size:,} bytes)", highlight=False)


@app.command()
def overview(out: OutOption, as_: AsOption = ActorChoice.OWNER, workspace: WorkspaceOption = Path(".")) -> None:
    """The overview's cards (north star and KPIs, delivery, health), data and scripts inlined."""
    from headway.engine import Engine
    from headway.serve.page_export import overview_html

    engine = Engine(open_workspace(workspace))
    with reporting(engine):
        html = overview_html(engine, actor_of(as_))
    _write(out, "overview", html)


@app.command()
def tree(
    out: OutOption,
    dimension: Annotated[
        str | None, typer.Option("--dimension", help="Grade every link on one dimension value (with --value).")
    ] = None,
    value: Annotated[str | None, typer.Option("--value", help="The dimension's value, e.g. pro.")] = None,
    as_: AsOption = ActorChoice.OWNER,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """The metric tree with every link's evidence grade, data and scripts inlined."""
    from headway.engine import Engine
    from headway.serve.page_export import tree_html
    from headway.serve.tree_api import tree_filter

    if (dimension is None) != (value is None):
        fail("--dimension and --value go together", Exit.USAGE, "Give both, e.g. --dimension plan --value pro.")
    engine = Engine(open_workspace(workspace))
    with reporting(engine):
        html = tree_html(engine, actor_of(as_), tree_filter(dimension, value))
    _write(out, "metric tree", html)
