"""Who asks: every query carries an actor, and its policy is checked at the one choke point.

Access control proper (roles, row predicates) arrives later; the seam is here now so
every surface passes an actor and every cache is scoped to the actor's policy. Until
then one rule holds: a metric marked `sensitivity: restricted`, or computed from one,
is refused to an actor without the `restricted` right. There is no bypass switch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from headway.errors import AccessDenied
from headway.spec.graph import parts
from headway.spec.models import Sensitivity
from headway.spec.workspace import Workspace

RESTRICTED = "restricted"


@dataclass(frozen=True)
class Actor:
    """A person or process asking for numbers, with the rights its policy grants."""

    name: str
    rights: frozenset[str] = field(default_factory=frozenset)

    @property
    def policy_key(self) -> tuple[str, ...]:
        """What distinguishes this actor's answers from another's: part of every cache key."""
        return tuple(sorted(self.rights))

    @classmethod
    def owner(cls, name: str = "workspace-owner") -> Actor:
        """The local user of the CLI: the workspace's owner, who may read everything."""
        return cls(name, frozenset({RESTRICTED}))

    @classmethod
    def viewer(cls, name: str = "anonymous") -> Actor:
        """Someone who may read every metric that is not restricted."""
        return cls(name)


def check_access(ws: Workspace, actor: Actor, metric_id: str) -> None:
    """Refuse a metric the actor may not read, naming the restricted metric behind it."""
    restricted = restricted_part(ws, metric_id)
    if restricted is not None and RESTRICTED not in actor.rights:
        via = "" if restricted == metric_id else f" (it is computed from restricted metric '{restricted}')"
        raise AccessDenied(
            f"metric '{metric_id}' is restricted{via}; {actor.name} may not read it",
            "Ask the workspace owner for access.",
        )


def restricted_part(ws: Workspace, metric_id: str, _seen: frozenset[str] = frozenset()) -> str | None:
    """The first restricted metric in `metric_id`'s definition (itself or a part), if any."""
    metric = ws.metrics.get(metric_id)
    if metric is None or metric_id in _seen:
        return None
    if metric.sensitivity is Sensitivity.RESTRICTED:
        return metric_id
    for part in parts(metric):
        found = restricted_part(ws, part, _seen | {metric_id})
        if found is not None:
            return found
    return None
