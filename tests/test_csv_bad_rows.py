"""What happens to a CSV row whose values do not convert, on both engines: fail, skip (counted), quarantine.

Also a gzip-compressed file, read by name on both engines. Expected values are written out by hand.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from headway.engine import Actor, DataError, Engine, Query
from headway.engine.badrows import check_bad_rows
from headway.engine.files import source_files
from headway.spec import load_workspace
from headway.spec.models import Grain

OWNER = Actor.owner()
MakeEngine = Callable[[Path, str], Engine]
ENGINES = [pytest.param("duckdb"), pytest.param("spark", marks=pytest.mark.spark)]
ROWS = """order_id;day;amount
o1;2024-03-01;10,50
o2;2024-03-01;keine Angabe
o3;2024-03-02;4,25
o4;2024-13-45;1,00
o5;2024-03-02;
"""


def _workspace(root: Path, policy: str, data: str = "orders.csv") -> Path:
    (root / "sources").mkdir(parents=True)
    (root / "metrics").mkdir()
    (root / "data").mkdir()
    (root / "headway.yml").write_text("name: shop\n", encoding="utf-8")
    (root / "sources" / "orders.yml").write_text(
        "sources:\n"
        "  - name: orders\n"
        f"    path: data/{data}\n"
        "    format: csv\n"
        "    time: day\n"
        f"    csv: {{delimiter: ';', decimal: ',', bad_rows: {policy}}}\n"
        "    columns:\n"
        "      order_id: {type: string}\n"
        "      day: {type: date}\n"
        "      amount: {type: decimal, precision: 10, scale: 2}\n",
        encoding="utf-8",
    )
    (root / "metrics" / "orders.yml").write_text(
        "metrics:\n  - {id: revenue, kind: kpi, source: orders, measure: {agg: sum, expr: amount}}\n",
        encoding="utf-8",
    )
    if data.endswith(".gz"):
        (root / "data" / data).write_bytes(gzip.compress(ROWS.encode("utf-8")))
    else:
        (root / "data" / data).write_text(ROWS, encoding="utf-8")
    return root


@pytest.fixture
def engine_for(request: pytest.FixtureRequest) -> Iterator[MakeEngine]:
    made: list[Engine] = []

    def make(root: Path, name: str) -> Engine:
        session = request.getfixturevalue("spark") if name == "spark" else None
        engine = Engine(load_workspace(root), name, spark_session=session)
        made.append(engine)
        return engine

    yield make
    for engine in made:
        engine.close()


def _revenue(engine: Engine) -> list[tuple[str, float, int]]:
    rows = engine.query(Query("revenue", Grain.DAY), actor=OWNER, use_cache=False).rows
    return [(str(r["period"]), r["value"], r["n"]) for r in rows]


@pytest.mark.parametrize("name", ENGINES)
def test_fail_names_the_bad_values(tmp_path: Path, name: str, engine_for: MakeEngine) -> None:
    engine = engine_for(_workspace(tmp_path / "ws", "fail"), name)
    with pytest.raises(DataError) as raised:
        _revenue(engine)
    message = str(raised.value)
    assert "source 'orders': 2 row(s)" in message
    assert "keine Angabe" in message and "2024-13-45" in message
    assert "bad_rows: skip" in message


@pytest.mark.parametrize("name", ENGINES)
def test_skip_leaves_bad_rows_out_and_counts_them(tmp_path: Path, name: str, engine_for: MakeEngine) -> None:
    root = _workspace(tmp_path / "ws", "skip")
    engine = engine_for(root, name)
    # o5's empty amount is a null, not a bad row: it is in n's denominator rows but not in n
    assert _revenue(engine) == [("2024-03-01", 10.5, 1), ("2024-03-02", 4.25, 1)]
    ws = engine.workspace
    source = ws.sources["orders"]
    report = check_bad_rows(ws, engine.backend, source, source_files(ws, source))
    assert report is not None and report.count == 2 and report.quarantine is None


@pytest.mark.parametrize("name", ENGINES)
def test_quarantine_writes_the_bad_rows_as_read(tmp_path: Path, name: str, engine_for: MakeEngine) -> None:
    root = _workspace(tmp_path / "ws", "quarantine")
    engine = engine_for(root, name)
    assert _revenue(engine) == [("2024-03-01", 10.5, 1), ("2024-03-02", 4.25, 1)]
    written = root / ".headway" / "quarantine" / "orders.csv"
    with written.open(encoding="utf-8") as handle:
        rows = sorted(csv.reader(handle))
    expected = [["order_id", "day", "amount"], ["o2", "2024-03-01", "keine Angabe"], ["o4", "2024-13-45", "1,00"]]
    assert rows == sorted(expected)


@pytest.mark.parametrize("name", ENGINES)
def test_gzip_file_is_read_by_its_name(tmp_path: Path, name: str, engine_for: MakeEngine) -> None:
    engine = engine_for(_workspace(tmp_path / "ws", "skip", data="orders.csv.gz"), name)
    assert _revenue(engine) == [("2024-03-01", 10.5, 1), ("2024-03-02", 4.25, 1)]
