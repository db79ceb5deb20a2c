"""The `headway` command: one verb per module, wired here."""

from __future__ import annotations

import typer

from headway.cli.alerts_cmd import app as alerts_app
from headway.cli.catalog_cmd import metrics, schema
from headway.cli.demo_cmd import demo
from headway.cli.query_cmd import query, sql
from headway.cli.serve_cmd import serve
from headway.cli.state_cmd import app as state_app
from headway.cli.tree_cmd import tree
from headway.cli.validate_cmd import validate

app = typer.Typer(
    name="headway",
    help="Metrics as code: declare KPIs, delivery and health metrics in YAML; compute them on DuckDB or Spark.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command()(validate)
app.command()(query)
app.command()(sql)
app.command()(metrics)
app.command()(tree)
app.command()(schema)
app.command()(serve)
app.command()(demo)
app.add_typer(state_app, name="state")
app.add_typer(alerts_app, name="alerts")

if __name__ == "__main__":  # pragma: no cover
    app()
