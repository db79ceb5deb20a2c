"""The metric tree with evidence, laid out as layers for a printed page.

The evidence is `headway.analysis.alignment.tree_report` as it is (graded over the whole history
at week grain, not over the quarter alone); this module only groups its nodes by layer, the
tree page's columns, from the outcomes (layer 0) to the inputs furthest from them.
"""

from __future__ import annotations

from typing import Any

from headway.analysis.alignment import tree_report
from headway.engine import Actor, Engine

COUNTERS = 99  # the layer of metrics that sit on no link: the counter-metrics


def tree_section(engine: Engine, *, actor: Actor) -> dict[str, Any]:
    report = tree_report(engine, actor=actor)
    layers: dict[int, list[dict[str, Any]]] = {}
    for node in report["nodes"]:
        layers.setdefault(COUNTERS if node["layer"] is None else node["layer"], []).append(node)
    edges = sorted(report["edges"], key=lambda e: (e["to"], e["from"]))
    names = {n["id"]: n["name"] for n in report["nodes"]}
    return {
        "status": "ok",
        "grain": report["grain"],
        "layers": [{"layer": k, "nodes": sorted(v, key=lambda n: n["id"])} for k, v in sorted(layers.items())],
        "edges": [
            {
                **e,
                "from_name": names.get(e["from"], e["from"]),
                "to_name": names.get(e["to"], e["to"]),
                "verdict": e["evidence"].get("verdict"),
                "grade": e["evidence"].get("grade"),
            }
            for e in edges
        ],
        "counters": report["counters"],
        "misalignments": report["misalignments"],
    }
