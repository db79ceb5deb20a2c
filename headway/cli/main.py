"""The `headway` command: one verb per module, wired here.

A shell's `headway NAME …` for a plain command imports only NAME's module (`PLAIN`, lazy_app.py):
the other ~25 command modules are wired, and imported, only when the whole app is needed.
"""

from __future__ import annotations

from headway.cli.lazy_app import LazyTyper

PLAIN = {  # each plain command's module; tests/test_cold_start.py keeps it equal to what `wire` registers
    "validate": "headway.cli.validate_cmd",
    "query": "headway.cli.query_cmd",
    "sql": "headway.cli.query_cmd",
    "metrics": "headway.cli.catalog_cmd",
    "tree": "headway.cli.tree_cmd",
    "schema": "headway.cli.catalog_cmd",
    "serve": "headway.cli.serve_cmd",
    "demo": "headway.cli.demo_cmd",
    "explain": "headway.cli.explain_cmd",
    "tiers": "headway.cli.tiers_cmd",
    "review": "headway.cli.review_cmd",
    "quality": "headway.cli.quality_cmd",
    "init": "headway.cli.init_cmd",
    "meeting": "headway.cli.plans_cmd",
}


def wire(app: LazyTyper) -> None:
    """Every command and group of the whole app (`--help`, sub-groups, tests)."""
    from headway.cli.alerts_cmd import app as alerts_app
    from headway.cli.catalog_cmd import metrics, schema
    from headway.cli.dashboard_cmd import app as dashboard_app
    from headway.cli.delivery_cmd import app as ingest_app
    from headway.cli.demo_cmd import demo
    from headway.cli.explain_cmd import explain
    from headway.cli.export_cmd import app as export_app
    from headway.cli.ingest_cmd import ingest
    from headway.cli.ingest_group import DEFAULT
    from headway.cli.init_cmd import init
    from headway.cli.keys_cmd import app as keys_app
    from headway.cli.okr_cmd import app as okr_app
    from headway.cli.plans_cmd import actions_app, initiatives_app, meeting
    from headway.cli.quality_cmd import quality
    from headway.cli.quarantine_cmd import app as quarantine_app
    from headway.cli.query_cmd import query, sql
    from headway.cli.retention_cmd import app as retention_app
    from headway.cli.review_cmd import review
    from headway.cli.serve_cmd import serve
    from headway.cli.source_cmd import app as source_app
    from headway.cli.state_cmd import app as state_app
    from headway.cli.tiers_cmd import tiers
    from headway.cli.tree_cmd import tree
    from headway.cli.validate_cmd import validate

    app.command()(validate)
    app.command()(query)
    app.command()(sql)
    app.command()(metrics)
    app.command()(tree)
    app.command()(schema)
    app.command()(serve)
    app.command()(demo)
    app.command()(explain)
    app.command()(tiers)
    app.command()(review)
    app.add_typer(state_app, name="state")
    app.add_typer(alerts_app, name="alerts")
    app.add_typer(keys_app, name="keys")
    app.command()(quality)
    app.add_typer(quarantine_app, name="quarantine")
    app.add_typer(retention_app, name="retention")
    ingest_app.command(DEFAULT)(ingest)  # `headway ingest FILE --source NAME` (see ingest_group.py)
    app.add_typer(ingest_app, name="ingest")
    app.command()(init)
    app.add_typer(source_app, name="source")
    app.add_typer(dashboard_app, name="dashboard")
    app.add_typer(export_app, name="export")
    app.add_typer(initiatives_app, name="initiatives")
    app.add_typer(actions_app, name="actions")
    app.command()(meeting)
    app.add_typer(okr_app, name="okr")


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
