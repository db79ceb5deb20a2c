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
    out: Annotated[
        Path, typer.Option("--out", "-o", help="The file to write: FILE.html, or FILE.csv or FILE.png with --panel.")
    ],
    panel: Annotated[
        int | None, typer.Option("--panel", min=0, help="Write this panel alone, as CSV or PNG (0 is the first).")
    ] = None,
    as_: AsOption = ActorChoice.OWNER,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Write the whole dashboard as one HTML file that opens offline (data and charts inlined), or one panel as CSV
    or PNG (PNG through Kaleido and the installed Chromium)."""
    from headway.engine import Engine
    from headway.serve.dashboards_api import dashboard_html_view, panel_csv_text, spec_notes

    png = out.suffix.lower() == ".png"
    kind = "PNG" if png else "CSV"
    if png and panel is None:
        fail("a PNG is one panel", Exit.USAGE, "Add --panel N, or write FILE.html for the whole dashboard.")
    engine = Engine(open_workspace(workspace))
    with reporting(engine):
        view = dashboard_html_view(engine, dashboard_id, actor_of(as_), spec_notes(engine))
        if panel is None:
            from headway.serve.dashboard_export import static_html

            data = static_html(view).encode()
        elif png:
            from headway.serve.dashboard_png import panel_png

            data = panel_png(view["panels"][panel]) if panel < len(view["panels"]) else b""
            if not data:
                panel_csv_text(view, panel)  # raises: no such panel, with the range
        else:
            data = panel_csv_text(view, panel).encode()
    try:
        out.write_bytes(data)
    except OSError as error:
        fail(f"cannot write {out}: {error.strerror}", Exit.FAILED, "Pick a folder you can write to.")
    what = f"{dashboard_id} as offline HTML" if panel is None else f"panel {panel} of {dashboard_id} as {kind}"
    console.print(f"wrote {what} to {out} ({out.stat().st_size:,} bytes)", highlight=False)


app.command()(export)
