"""`headway dashboard`: list the dashboards of dashboards/*.yml and export one (HTML or a panel's CSV)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from headway.cli.common import Exit, WorkspaceOption, console, fail, open_workspace
from headway.cli.query_cmd import ActorChoice, AsOption, actor_of, reporting

app = typer.Typer(help="Dashboards as code (dashboards/*.yml): list them, export one.", no_args_is_help=True)


@app.command("list")
def list_(workspace: WorkspaceOption = Path(".")) -> None:
    """Each dashboard's id, title, owner and number of panels."""
    from headway.analysis.dashboard_view import dashboards
    from headway.engine import Engine

    engine = Engine(open_workspace(workspace))
    with reporting(engine):
        boards = dashboards(engine)
    if not boards:
        console.print("no dashboards: write one in dashboards/NAME.yml (see docs/spec.md)", highlight=False)
    for board in boards.values():
        owner = f"  ({board.owner})" if board.owner else ""
        console.print(f"{board.id}  {board.title}  · {len(board.panels)} panels{owner}", highlight=False)


def export(
    dashboard_id: Annotated[str, typer.Argument(help="The dashboard's id (see `headway dashboard list`).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The file to write: FILE.html, or FILE.csv with --panel.")],
    panel: Annotated[
        int | None, typer.Option("--panel", min=0, help="Write this panel's rows as CSV instead (0 is the first).")
    ] = None,
    as_: AsOption = ActorChoice.OWNER,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Write the whole dashboard as one HTML file that opens offline (data and charts inlined), or one panel as CSV."""
    from headway.engine import Engine
    from headway.serve.dashboards_api import dashboard_html_view, panel_csv_text, spec_notes

    engine = Engine(open_workspace(workspace))
    with reporting(engine):
        view = dashboard_html_view(engine, dashboard_id, actor_of(as_), spec_notes(engine))
        if panel is None:
            from headway.serve.dashboard_export import static_html

            text = static_html(view)
        else:
            text = panel_csv_text(view, panel)
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {out}: {error.strerror}", Exit.FAILED, "Pick a folder you can write to.")
    what = f"panel {panel} of {dashboard_id} as CSV" if panel is not None else f"{dashboard_id} as offline HTML"
    console.print(f"wrote {what} to {out} ({out.stat().st_size:,} bytes)", highlight=False)


app.command()(export)
