"""Migration scripts, oldest first: `NNNN_<slug>.py`. Alembic skips this file."""
