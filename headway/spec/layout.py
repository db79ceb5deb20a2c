"""Where a workspace keeps its spec and the files the loader reads beside it.

Constants (and one test on them) with no imports, so the spec cache (`cache.py`) can key on exactly
what the loader reads without importing the loader and its YAML parser.
"""

from __future__ import annotations

CONFIG_NAMES = ("headway.yml", "headway.yaml")
SPEC_FOLDERS = ("sources", "metrics", "alerts", "annotations", "dashboards", "initiatives", "meetings", "objectives")
LAKE_DIR = ".headway/lake"
FIELDS_FILE = f"{LAKE_DIR}/fields.json"  # the built-in events' field catalog, written by the compactor
EVENTS_GLOB = f"{LAKE_DIR}/events/*/*.parquet"  # the built-in events source: one folder per day
# what a workspace's built-in events read before the first event arrives (see headway/ingest/empty_lake.py)
EMPTY_EVENTS_FILE = f"{LAKE_DIR}/events/_empty/empty.parquet"
PEOPLE_FILE = f"{LAKE_DIR}/people/people.parquet"


def is_events_lake(path: str) -> bool:
    """Whether a source's `path` is the built-in events lake (however it is written: `./`, spaces)."""
    return path.strip().lstrip("./") == EVENTS_GLOB.lstrip("./")
