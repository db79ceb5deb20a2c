"""Generate the whole demo workspace: data, spec files, README, manifest.

Each component draws from its own seeded random stream (see
`timeline.stream`) and every date is fixed, so the same seed and scale give
byte-identical files on any day and any machine with the same library
versions.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from headway.demo import billing, feedback, team, work
from headway.demo.accounts import population
from headway.demo.columns import ids
from headway.demo.delivery import deployments, incidents
from headway.demo.events import write_events
from headway.demo.github import DELIVERIES, write_deliveries
from headway.demo.history import history_files, load_history
from headway.demo.latent import delivery_speed
from headway.demo.lifecycle import simulate
from headway.demo.output import TABLES, prepare, write_manifest, write_parquet
from headway.demo.pulls import pull_requests
from headway.demo.render import headway_yml, spec_files, write_spec
from headway.demo.sessions import World
from headway.demo.timeline import END, SCALES, Timeline, stream
from headway.demo.tracker import EXPORT, write_export
from headway.demo.users import people

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class DemoSummary:
    """What `generate` wrote, for the CLI to print."""

    path: Path
    seed: int
    scale: str
    start: dt.date
    end: dt.date
    rows: dict[str, int]  # table name -> rows (events summed over the monthly files)
    files: tuple[str, ...]  # every file written, relative to `path` (the manifest aside)
    effects: dict[str, float] = field(default_factory=dict)  # planted effects as measured in the files
    seconds: float = 0.0

    @property
    def events(self) -> int:
        return self.rows["events"]


def generate(target: Path, *, seed: int = 42, scale: str = "medium", progress: Progress | None = None) -> DemoSummary:
    """Write a complete demo workspace into `target` (new, empty, or a previous demo) and describe it."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale '{scale}'; use one of: {', '.join(SCALES)}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, not {seed!r}")
    began = time.perf_counter()
    report = progress or (lambda label, fraction: None)
    target = Path(target)
    files = _planned_files(Timeline(SCALES[scale].start), target)
    prepare(target)
    write_manifest(target, seed, scale, files)  # first, so an interrupted run can be generated over
    rows = _write_data(target, seed, scale, report)
    report("spec and README", 0.97)
    effects = write_spec(target, SCALES[scale], seed, rows)
    report("done", 1.0)
    return DemoSummary(
        path=target,
        seed=seed,
        scale=scale,
        start=SCALES[scale].start,
        end=END,
        rows=rows,
        files=tuple(sorted(files)),
        effects=effects.measured,
        seconds=round(time.perf_counter() - began, 2),
    )


def _planned_files(tl: Timeline, target: Path) -> list[str]:
    events = [f"data/events/events-{label}.parquet" for label, _, _ in tl.months()]
    tables = (f"data/{name}.parquet" for name in TABLES)
    delivery = [DELIVERIES, EXPORT, *history_files(target)]
    return [*events, *tables, *delivery, *spec_files(), "headway.yml", "README.md"]


def _write_data(target: Path, seed: int, scale_name: str, report: Progress) -> dict[str, int]:
    scale = SCALES[scale_name]
    tl = Timeline(scale.start)
    report("accounts and subscriptions", 0.0)
    pop = population(tl, scale, stream(seed, "accounts"))
    lc = simulate(tl, pop, stream(seed, "lifecycle"))
    users = people(tl, pop, lc, stream(seed, "users"))
    account_ids = ids("acc_", pop.n, 5)
    name, email = billing.owner_emails(pop, stream(seed, "names"))
    tables: dict[str, pa.Table] = {
        "accounts": billing.accounts_table(tl, pop, lc, account_ids, name, email),
        "subscriptions": billing.subscriptions_table(tl, pop, lc, account_ids, email),
    }
    world = World(tl, pop, lc, users, scale.activity, scale.visitors_per_day)

    def events_progress(label: str, fraction: float) -> None:
        report(label, 0.05 + 0.8 * fraction)

    event_files = write_events(world, ids("usr_", users.n, 6), account_ids, target, seed, events_progress)
    report("feedback, delivery and team tables", 0.86)
    speed = delivery_speed(tl, stream(seed, "speed"))
    tables["surveys"] = feedback.surveys_table(tl, scale, pop, lc, speed, account_ids, stream(seed, "surveys"))
    tables["tickets"] = feedback.tickets_table(tl, pop, lc, account_ids, stream(seed, "tickets"))
    pulls = pull_requests(tl, stream(seed, "pull_requests"))
    deps = deployments(tl, pulls, stream(seed, "deployments"))
    deliveries = write_deliveries(target, pulls, deps, incidents(tl, deps, stream(seed, "incidents")))
    items = work.work_items(tl, speed, stream(seed, "work_items"))
    tracker_rows = write_export(target, items)
    heads = team.headcounts(tl, stream(seed, "headcount"))
    tables["headcount"] = team.headcount_table(tl, heads)
    tables["pulse"] = team.pulse_table(tl, heads, stream(seed, "pulse"))
    for table_name in TABLES:
        write_parquet(tables[table_name], target / "data" / f"{table_name}.parquet")
    report("delivery history through the webhook receiver and the Jira importer", 0.92)
    canonical = load_history(target, headway_yml())
    inputs = {"github deliveries": deliveries, "jira export rows": tracker_rows}
    return {"events": sum(event_files.values()), **{k: tables[k].num_rows for k in TABLES}, **inputs, **canonical}
