"""Docs that cannot drift: every command, spec field and vocabulary word is documented."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main

from headway.cli.main import app
from headway.spec.models import Agg, Column, Grain, Kind, Metric, Source, WorkspaceConfig

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SPEC = (ROOT / "docs" / "spec.md").read_text(encoding="utf-8")
GLOSSARY = (ROOT / "GLOSSARY.md").read_text(encoding="utf-8")


def commands() -> list[str]:
    group = typer.main.get_group(app)
    out = []
    for name, command in group.commands.items():
        subcommands = getattr(command, "commands", None)
        out += [f"{name} {sub}" for sub in subcommands] if subcommands else [name]
    return sorted(out)


def test_readme_opens_with_the_two_commands() -> None:
    first_screen = "\n".join(README.splitlines()[:15])
    assert "make run" in first_screen and "make test" in first_screen


@pytest.mark.parametrize("command", commands())
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"`headway {command}" in README, f"document `headway {command}` in README.md's command table"


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        ("headway.yml", sorted(WorkspaceConfig.model_fields)),
        ("sources", sorted(Source.model_fields)),
        ("columns", sorted(Column.model_fields)),
        ("metrics", sorted(Metric.model_fields)),
    ],
    ids=["headway.yml", "sources", "columns", "metrics"],
)
def test_every_spec_field_is_in_docs_spec(model: str, fields: list[str]) -> None:
    missing = [f for f in fields if f"`{f}" not in SPEC and f"{f}:" not in SPEC]
    assert not missing, f"document these {model} fields in docs/spec.md: {missing}"


@pytest.mark.parametrize("word", [*(k.value for k in Kind), *(a.value for a in Agg), *(g.value for g in Grain)])
def test_vocabulary_is_in_docs_spec(word: str) -> None:
    assert word in SPEC


@pytest.mark.parametrize("kind", [k.value for k in Kind])
def test_every_kind_is_in_the_glossary(kind: str) -> None:
    assert kind in GLOSSARY.lower()
