"""Imports point one way along the data flow: spec -> ingest -> store -> engine -> analysis -> serve -> cli.

A module may import its own package and packages *earlier* in the flow, never later ones
(the engine never imports the server). `ingest` arrives with telemetry ingestion and will sit
beside `engine`: allowed spec and store, never each other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "headway"
# what each package may import besides itself
ALLOWED: dict[str, set[str]] = {
    "spec": set(),
    "store": {"spec"},
    "engine": {"spec", "store"},
    "ingest": {"spec", "store"},
    "analysis": {"spec", "store", "engine"},
    "demo": {"spec", "delivery"},
    "alerts": {"spec", "store", "engine", "analysis"},
    "delivery": {"spec", "store"},
    "review": {"spec", "store", "engine", "analysis", "alerts"},
    "serve": {"spec", "store", "ingest", "delivery", "engine", "analysis", "alerts", "review"},
    "cli": {"spec", "store", "ingest", "delivery", "engine", "analysis", "serve", "demo", "alerts", "review"},
}


def headway_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "headway" and len(parts) > 1:
                found.add(parts[1])
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_follow_the_data_flow(package: str) -> None:
    folder = PACKAGE / package
    assert folder.is_dir(), f"headway/{package} is missing"
    wrong = {
        f"{path.relative_to(PACKAGE)} imports headway.{other}"
        for path in folder.rglob("*.py")
        for other in headway_imports(path)
        if other != package and other not in ALLOWED[package] and other != "__init__" and (PACKAGE / other).is_dir()
    }
    assert not wrong, sorted(wrong)


def test_every_package_is_placed() -> None:
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages <= set(ALLOWED), f"place new packages in ALLOWED: {packages - set(ALLOWED)}"
