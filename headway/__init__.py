"""Headway: metrics as code, computed honestly on DuckDB or Spark."""

__version__ = "0.1.0"
