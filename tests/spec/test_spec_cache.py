"""The spec cache (`headway/spec/cache.py`): served only when nothing the loader reads has changed.

Each test compares what `load_cached` returns with what a fresh `load_workspace` returns for the
same files, so the cache can only ever be a faster way to the same workspace (or the same errors).
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

import pytest

from headway.spec import SpecError, Workspace, load_workspace
from headway.spec import cache as spec_cache
from headway.spec import loader as spec_loader
from headway.spec.builtin_events import FIELDS_FILE
from headway.spec.cache import CACHE_FILE, load_cached
from headway.spec.resolved import resolve_metric

HEADWAY = "name: acme\n"
SOURCES = """\
sources:
  - name: events
    path: data/events.csv
    time: ts
    columns:
      ts: {type: timestamp}
      plan: {type: string}
"""
METRICS = """\
metrics:
  - id: signups
    kind: kpi
    description: Sign-ups, counted once.
    source: events
    filter: "plan = 'pro'"
    measure: {agg: count}
  - id: pro_share
    kind: kpi
    formula: signups / signups
"""


def make_workspace(root: Path, metrics: str = METRICS) -> Path:
    for name, text in {"headway.yml": HEADWAY, "sources/app.yml": SOURCES, "metrics/product.yml": metrics}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / "data").mkdir(exist_ok=True)
    (root / "data" / "events.csv").write_text("ts,plan\n", encoding="utf-8")
    return root


def same(a: Workspace, b: Workspace) -> None:
    """Two workspaces hold the same spec: every field the loader fills."""
    assert a.root == b.root
    assert a.config == b.config
    assert a.sources == b.sources
    assert a.metrics == b.metrics
    assert a.origins == b.origins
    assert a.source_origins == b.source_origins
    assert a.spec_hash == b.spec_hash
    assert a.warnings == b.warnings


class Loads:
    """Counts the loader's runs, so a test can tell a cache hit from a miss."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.count = 0
        real = spec_cache._load

        def counted(root: str | Path) -> Workspace:
            self.count += 1
            return real(root)

        monkeypatch.setattr(spec_cache, "_load", counted)


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> Loads:
    return Loads(monkeypatch)


def test_the_second_load_is_served_from_the_cache_and_equals_a_fresh_load(tmp_path: Path, loads: Loads) -> None:
    ws = make_workspace(tmp_path / "ws")
    first = load_cached(ws)
    assert (ws / CACHE_FILE).is_file()
    second = load_cached(ws)
    assert loads.count == 1, "the second load read the files again"
    same(second, load_workspace(ws))
    same(first, second)


def test_a_file_rewritten_with_the_same_size_and_mtime_is_not_served_stale(tmp_path: Path, loads: Loads) -> None:
    ws = make_workspace(tmp_path / "ws")
    path = ws / "metrics" / "product.yml"
    load_cached(ws)
    before = path.stat()
    edited = METRICS.replace("counted once.", "counted twice")  # same length: same size
    assert len(edited) == len(METRICS)
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the same second, to the nanosecond
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    served = load_cached(ws)
    assert loads.count == 2
    assert served.metrics["signups"].description == "Sign-ups, counted twice"
    same(served, load_workspace(ws))


def test_a_spec_that_breaks_after_caching_reports_the_same_errors_as_a_fresh_load(tmp_path: Path, loads: Loads) -> None:
    ws = make_workspace(tmp_path / "ws")
    load_cached(ws)
    (ws / "metrics" / "product.yml").write_text(METRICS.replace("kind: kpi", "kind: kip", 1), encoding="utf-8")
    with pytest.raises(SpecError) as cached:
        load_cached(ws)
    with pytest.raises(SpecError) as fresh:
        load_workspace(ws)
    assert cached.value.issues == fresh.value.issues
    assert any("'kip' is not a valid kind" in i.message for i in cached.value.issues)
    with pytest.raises(SpecError):  # and a broken spec is never cached: it fails again, from the files
        load_cached(ws)
    assert loads.count == 3


@pytest.mark.parametrize(
    "change",
    [
        "new_metrics_file",
        "new_empty_objectives_folder",
        "lake_fields_catalog",
        "config_renamed_to_yaml",
        "alerts_dotfile",
    ],
)
def test_every_input_of_the_loader_is_in_the_key(tmp_path: Path, loads: Loads, change: str) -> None:
    ws = make_workspace(tmp_path / "ws")
    before = spec_cache.spec_key(ws.resolve())
    load_cached(ws)
    if change == "new_metrics_file":
        (ws / "metrics" / "more.yml").write_text("metrics: []\n", encoding="utf-8")
    elif change == "new_empty_objectives_folder":  # focus rules switch on when objectives/ exists
        (ws / "objectives").mkdir()
    elif change == "lake_fields_catalog":  # the built-in events source takes its fields from it
        (ws / FIELDS_FILE).parent.mkdir(parents=True, exist_ok=True)
        (ws / FIELDS_FILE).write_text('{"properties": {"plan": "string"}}', encoding="utf-8")
    elif change == "config_renamed_to_yaml":
        (ws / "headway.yml").rename(ws / "headway.yaml")
    else:  # alerts/ reads every .yml, dotfiles included
        (ws / "alerts").mkdir()
        (ws / "alerts" / ".x.yml").write_text("rules: []\n", encoding="utf-8")
    assert spec_cache.spec_key(ws.resolve()) != before
    try:
        served: Workspace | None = load_cached(ws)
    except SpecError as error:
        with pytest.raises(SpecError) as fresh:
            load_workspace(ws)
        assert error.issues == fresh.value.issues
        served = None
    assert loads.count == 2
    if served is not None:
        same(served, load_workspace(ws))


def test_the_built_in_events_fields_reach_the_workspace_through_the_cache(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    assert "events" in load_cached(ws).sources  # the declared one (data/events.csv)
    (ws / "sources" / "app.yml").write_text(SOURCES.replace("name: events", "name: app_events"), encoding="utf-8")
    (ws / "metrics" / "product.yml").write_text(METRICS.replace("source: events", "source: app_events"), "utf-8")
    (ws / FIELDS_FILE).parent.mkdir(parents=True, exist_ok=True)
    (ws / FIELDS_FILE).write_text('{"properties": {"plan": "string"}}', encoding="utf-8")
    built_in = load_cached(ws).sources["events"]
    fields = built_in.columns["properties"].fields or {}
    assert "plan" in fields
    (ws / FIELDS_FILE).write_text('{"properties": {"plan": "string", "seats": "double"}}', encoding="utf-8")
    fields = load_cached(ws).sources["events"].columns["properties"].fields or {}
    assert "seats" in fields


@pytest.mark.parametrize("damage", ["garbage", "truncated", "other_version", "other_key", "empty"])
def test_a_corrupt_or_foreign_cache_is_ignored_and_rebuilt(tmp_path: Path, loads: Loads, damage: str) -> None:
    ws = make_workspace(tmp_path / "ws")
    load_cached(ws)
    path = ws / CACHE_FILE
    data = path.read_bytes()
    head = len(spec_cache.FORMAT) + 32
    damaged = {
        "garbage": data[:head] + b"\x80\x05not a pickle",
        "truncated": data[: head + (len(data) - head) // 2],
        "other_version": b"headway-spec-cache 0\n" + data[len(spec_cache.FORMAT) :],
        "other_key": data[: len(spec_cache.FORMAT)] + bytes(32) + data[head:],
        "empty": b"",
    }[damage]
    path.write_bytes(damaged)
    same(load_cached(ws), load_workspace(ws))
    assert loads.count == 2
    assert path.read_bytes() == data  # rebuilt: the same bytes the first load wrote


def _planted(path: Path, key: bytes, marker: Path) -> None:
    """A cache file with the right key whose pickle would create `marker` if it were ever loaded."""

    class Payload:
        def __reduce__(self) -> tuple[Any, ...]:
            return (os.mkdir, (str(marker),))

    path.write_bytes(spec_cache.FORMAT + key + pickle.dumps(Payload()))


@pytest.mark.parametrize("how", ["group_writable_file", "world_writable_folder", "other_owner", "symlink"])
def test_a_cache_file_headway_did_not_write_is_never_unpickled(tmp_path: Path, loads: Loads, how: str) -> None:
    ws = make_workspace(tmp_path / "ws")
    load_cached(ws)
    path, marker = ws / CACHE_FILE, tmp_path / "pwned"
    key = spec_cache.spec_key(ws.resolve())
    if how == "symlink":
        elsewhere = tmp_path / "elsewhere.pickle"
        _planted(elsewhere, key, marker)
        path.unlink()
        path.symlink_to(elsewhere)
    else:
        _planted(path, key, marker)
    if how == "group_writable_file":
        path.chmod(0o664)
    elif how == "world_writable_folder":
        path.parent.chmod(0o777)
    elif how == "other_owner":
        if os.getuid() != 0:
            pytest.skip("changing a file's owner needs root")
        os.chown(path, 65534, 65534)
    same(load_cached(ws), load_workspace(ws))
    assert not marker.exists(), "the planted pickle ran"
    assert loads.count == 2


def test_the_cache_file_is_private_to_its_owner(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    load_cached(ws)
    for path in (ws / CACHE_FILE, (ws / CACHE_FILE).parent):
        assert path.stat().st_mode & 0o077 == 0, (path, oct(path.stat().st_mode))


def test_a_group_writable_headway_folder_still_gets_the_cache(tmp_path: Path, loads: Loads) -> None:
    """A umask of 002 makes `.headway/` group-writable; the cache lives in a private folder of its own."""
    ws = make_workspace(tmp_path / "ws")
    (ws / ".headway").mkdir(mode=0o775)
    (ws / ".headway").chmod(0o775)
    load_cached(ws)
    same(load_cached(ws), load_workspace(ws))
    assert loads.count == 1


def test_a_symlink_in_the_data_that_leaves_the_workspace_is_caught_on_a_cache_hit(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    load_cached(ws)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "events.csv").write_text("ts,plan\n", encoding="utf-8")
    (ws / "data" / "events.csv").unlink()
    (ws / "data").rmdir()
    (ws / "data").symlink_to(outside, target_is_directory=True)  # no spec file changed
    with pytest.raises(SpecError) as cached:
        load_cached(ws)
    with pytest.raises(SpecError) as fresh:
        load_workspace(ws)
    assert cached.value.issues == fresh.value.issues
    assert any(i.code == "path_outside_workspace" for i in cached.value.issues)


def test_a_workspace_that_cannot_be_written_still_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = make_workspace(tmp_path / "ws")

    def refuse(*_: Any, **__: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(spec_cache.tempfile, "mkstemp", refuse)
    same(load_cached(ws), load_workspace(ws))
    assert not (ws / CACHE_FILE).exists()
    assert not list((ws / CACHE_FILE).parent.glob(".spec-cache-*")), "a temporary file was left behind"


def test_non_ascii_paths_and_text(tmp_path: Path, loads: Loads) -> None:
    ws = make_workspace(tmp_path / "wörk späce ✓", METRICS.replace("counted once.", "gezählt, 一次"))
    load_cached(ws)
    served = load_cached(ws)
    assert loads.count == 1
    assert served.metrics["signups"].description == "Sign-ups, gezählt, 一次"
    same(served, load_workspace(ws))


def test_a_moved_workspace_is_not_served_the_old_folder_s_spec(tmp_path: Path, loads: Loads) -> None:
    ws = make_workspace(tmp_path / "ws")
    load_cached(ws)
    moved = ws.rename(tmp_path / "moved")
    served = load_cached(moved)
    assert served.root == moved.resolve()
    assert loads.count == 2


def test_metrics_resolve_on_first_read_and_match_an_eager_resolution(tmp_path: Path) -> None:
    ws = load_cached(make_workspace(tmp_path / "ws"))
    ws = load_cached(ws.root)  # from the cache: nothing resolved yet
    assert "resolved" not in ws.__dict__
    for metric_id, metric in ws.metrics.items():
        assert ws.resolved[metric_id] == resolve_metric(ws.sources, metric)
    assert list(ws.resolved) == list(ws.metrics) and len(ws.resolved) == len(ws.metrics)
    with pytest.raises(KeyError):
        ws.resolved["nope"]


def test_a_loaded_workspace_keeps_what_validation_resolved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = load_workspace(make_workspace(tmp_path / "ws"))

    def no_parsing(*_: Any) -> Any:
        raise AssertionError("parsed again after validation")

    monkeypatch.setattr("headway.spec.resolved.parse", no_parsing)
    assert ws.resolved["signups"].filter is not None  # resolved by the rules, not again here


def test_the_key_lists_what_the_loader_reads() -> None:
    assert spec_cache.CONFIG_NAMES == spec_loader.CONFIG_NAMES
    assert spec_cache.SPEC_FOLDERS == spec_loader.SPEC_FOLDERS
    assert spec_cache.FIELDS_FILE == FIELDS_FILE
