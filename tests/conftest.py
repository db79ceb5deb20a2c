"""Shared fixtures: one Spark session for the whole suite, the small demo workspace."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
pytest_plugins = ["postgres"]  # the real PostgreSQL server fixture (tests/postgres.py)


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """A local-mode Spark session (~5 s to start), shared by every Spark test."""
    if shutil.which("java") is None:
        pytest.fail("Spark tests need Java: run `make test` (it installs openjdk-17-jre-headless) or install it.")
    from headway.engine.backends.spark import start_session
    from headway.spec.models import SparkSettings

    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = start_session(SparkSettings(master="local[2]", conf={"spark.sql.shuffle.partitions": "2"}))
    yield session
    session.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium for one test module (tests/fixtures: CHROMIUM, CHROMIUM_ARGS)."""
    from fixtures import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `make test` (it installs it through scripts/system-deps.sh) "
            "or `apt-get install -y chromium`. Never `playwright install`."
        )
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-sql-snapshots",
        action="store_true",
        help="Rewrite tests/conformance/snapshots/ from the SQL the compiler generates now (review the diff).",
    )
