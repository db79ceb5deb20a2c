"""The `headway` command line (Typer + Rich)."""
