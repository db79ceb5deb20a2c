"""Alembic migrations of the state database (a package so that wheels ship them)."""
