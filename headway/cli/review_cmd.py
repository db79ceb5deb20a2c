"""`headway review --period 2026Q4`: the quarterly review pack, as one offline HTML file and a PDF."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from headway.cli.common import Exit, WorkspaceOption, console, errors, fail, open_workspace

if TYPE_CHECKING:
    from headway.store import StateStore


def review(
    period: Annotated[str, typer.Option("--period", help="The quarter, e.g. 2026Q4.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for review-<period>.html and .pdf.")] = Path("."),
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also print a PDF with headless Chromium.")] = True,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Write the quarterly review pack (offline HTML and PDF): KPIs with pace, OKRs, tree, guardrails, meeting."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from headway.engine import Actor, Engine
    from headway.errors import HeadwayError
    from headway.review import SECTIONS, ReviewError, parse_quarter, review_pack
    from headway.review.pdf import chromium_path, write_pdf
    from headway.review.render import render_html

    try:
        quarter = parse_quarter(period)
        if pdf:
            chromium_path()  # before the long work: a missing browser is said at once
    except ReviewError as error:
        fail(f"--period {period}: {error.message}" if error.code == "bad_period" else error.message,
             Exit.USAGE if error.code == "bad_period" else Exit.FAILED, error.hint)  # fmt: skip
    ws = open_workspace(workspace)
    folder = _folder(out)
    store = _store(ws.root)
    engine = Engine(ws)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    )
    try:
        with Progress(*columns, console=errors, transient=True) as bar:
            task = bar.add_task("review", total=len(SECTIONS) + (2 if pdf else 1))

            def step(title: str) -> None:
                bar.update(task, description=title, advance=1)

            pack = review_pack(engine, quarter, actor=Actor.owner(), store=store, progress=step)
            bar.update(task, description="HTML", advance=1)
            html_file = folder / f"review-{quarter.label}.html"
            html_file.write_text(render_html(pack), encoding="utf-8")
            if pdf:
                bar.update(task, description="PDF (headless Chromium)", advance=1)
                write_pdf(html_file, folder / f"review-{quarter.label}.pdf")
    except HeadwayError as error:
        fail(error.message, Exit.FAILED if error.status >= 500 else Exit.INVALID, error.hint)
    except OSError as error:
        fail(f"cannot write the pack into {folder}: {error.strerror}", Exit.FAILED)
    finally:
        engine.close()
        if store is not None:
            store.dispose()
    missing = [s["title"] for s in pack["sections"] if s["status"] != "ok"]
    console.print(f"wrote {html_file}" + (f" and {html_file.with_suffix('.pdf')}" if pdf else ""), highlight=False)
    if missing:
        console.print(f"not in this pack: {', '.join(missing)}", highlight=False, style="dim")


def _folder(out: Path) -> Path:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        fail(f"--out {out}: {error.strerror}", Exit.FAILED, "Choose a folder you can write to.")
    return out


def _store(root: Path) -> StateStore | None:
    """The state database (alerts, stored annotations); the pack is still made without it, and says so."""
    from headway.store import StateError, StateStore, state_url

    try:
        return StateStore.open(state_url(root))
    except StateError as error:
        errors.print(
            f"[yellow]warning:[/] {error.message}; alerts and stored annotations are left out", highlight=False
        )
        return None
