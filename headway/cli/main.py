"""The `headway` command: one verb per module, wired here.

A shell's `headway NAME …` for a plain command imports only NAME's module (`PLAIN`, lazy_app.py):
the other ~25 command modules are wired, and imported, only when the whole app is needed.
"""

from __future__ import annotations

import importlib

from headway.cli.lazy_app import LazyTyper

COMMANDS: tuple[tuple[str, str, str | None], ...] = (  # in help order: (name, module, its Typer group or None)
    ("validate", "headway.cli.validate_cmd", None),
    ("query", "headway.cli.query_cmd", None),
    ("sql", "headway.cli.query_cmd", None),
    ("metrics", "headway.cli.catalog_cmd", None),
    ("tree", "headway.cli.tree_cmd", None),
    ("schema", "headway.cli.catalog_cmd", None),
    ("serve", "headway.cli.serve_cmd", None),
    ("demo", "headway.cli.demo_cmd", None),
    ("explain", "headway.cli.explain_cmd", None),
    ("tiers", "headway.cli.tiers_cmd", None),
    ("review", "headway.cli.review_cmd", None),
    ("state", "headway.cli.state_cmd", "app"),
    ("alerts", "headway.cli.alerts_cmd", "app"),
    ("keys", "headway.cli.keys_cmd", "app"),
    ("quality", "headway.cli.quality_cmd", None),
    ("quarantine", "headway.cli.quarantine_cmd", "app"),
    ("retention", "headway.cli.retention_cmd", "app"),
    ("ingest", "headway.cli.delivery_cmd", "app"),
    ("init", "headway.cli.init_cmd", None),
    ("source", "headway.cli.source_cmd", "app"),
    ("dashboard", "headway.cli.dashboard_cmd", "app"),
    ("export", "headway.cli.export_cmd", "app"),
    ("initiatives", "headway.cli.plans_cmd", "initiatives_app"),
    ("actions", "headway.cli.plans_cmd", "actions_app"),
    ("meeting", "headway.cli.plans_cmd", None),
    ("okr", "headway.cli.okr_cmd", "app"),
)
PLAIN = {name: module for name, module, group in COMMANDS if group is None}  # each plain command's module


def wire(app: LazyTyper) -> None:
    """Every command and group of the whole app (`--help`, sub-groups, tests)."""
    for name, module, group in COMMANDS:
        found = importlib.import_module(module)
        if group is None:
            app.command()(getattr(found, name.replace("-", "_")))
            continue
        typer_group = getattr(found, group)
        if name == "ingest":  # `headway ingest FILE --source NAME` (see ingest_group.py)
            from headway.cli.ingest_cmd import ingest
            from headway.cli.ingest_group import DEFAULT

            typer_group.command(DEFAULT)(ingest)
        app.add_typer(typer_group, name=name)


app = LazyTyper(  # builds only the parser of the command it runs (lazy_app.py)
    wire=wire,
    plain=PLAIN,
    name="headway",
    help="Metrics as code: declare KPIs, delivery and health metrics in YAML; compute them on DuckDB or Spark.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

if __name__ == "__main__":  # pragma: no cover
    app()
