"""The DORA panel of the demo's engineering dashboard: cold (a new Engine, no result cache) and cached.

Each key's periods are asked in one `Engine.query_many` call (4 keys x `periods` queries). CPU time
of the whole process is reported beside wall time because the machine is shared.
Run: `python bench/dora_panel.py DEMO_DIR` (e.g. the medium demo written by `headway demo`).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from headway.analysis.dashboard_view import dashboard
from headway.analysis.dora_panel import dora_panel
from headway.engine import Actor, Engine
from headway.spec import load_workspace
from headway.spec.dashboards import PanelType

RUNS = 5


def main(demo: Path) -> None:
    ws = load_workspace(demo)
    viewer = Actor.viewer()
    cold, cold_cpu, cached = [], [], []
    for _ in range(RUNS):
        engine = Engine(ws)
        board = dashboard(engine, "engineering")
        p, panel = next((i, x) for i, x in enumerate(board.panels) if x.type is PanelType.DORA)
        wall, cpu = time.perf_counter(), time.process_time()
        dora_panel(engine, board, p, panel, actor=viewer)
        cold.append(time.perf_counter() - wall)
        cold_cpu.append(time.process_time() - cpu)
        wall = time.perf_counter()
        dora_panel(engine, board, p, panel, actor=viewer)
        cached.append(time.perf_counter() - wall)
        engine.close()
    print(
        f"dora panel ({panel.periods} periods x 4 keys), median of {RUNS}: "
        f"cold {statistics.median(cold) * 1000:.0f} ms wall, {statistics.median(cold_cpu) * 1000:.0f} ms CPU; "
        f"cached {statistics.median(cached) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "."))
