"""docs/spec.md lists every field of every spec model in a reference table, not just somewhere in prose."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from headway.spec.csv_options import CsvOptions
from headway.spec.database import DatabaseTable
from headway.spec.models import Column, Metric, Source, WorkspaceConfig

SPEC = (Path(__file__).parents[1] / "docs" / "spec.md").read_text(encoding="utf-8")
ROWS = [line for line in SPEC.splitlines() if line.startswith("|")]
MODELS: list[type[BaseModel]] = [WorkspaceConfig, Source, Column, Metric, CsvOptions, DatabaseTable]


@pytest.mark.parametrize("model", MODELS, ids=[m.__name__ for m in MODELS])
def test_every_field_has_a_table_row(model: type[BaseModel]) -> None:
    missing = [f for f in model.model_fields if not any(re.search(rf"`{f}[`.:( ]", row) for row in ROWS)]
    assert not missing, f"add rows for {model.__name__} fields {missing} to a table in docs/spec.md"
