"""How much stakeholders agree on the KPIs' priorities: Kendall's W overall, rank spread per KPI, tau per pair.

Each stakeholder ranks some KPIs, most important first. A KPI a stakeholder left out is tied last in
that stakeholder's ranking (the average of the ranks left), so every ranking covers the same n
items. With m rankings and R_i the sum of item i's ranks,

    W = 12 · Σ (R_i − m(n+1)/2)² / (m²(n³ − n) − m · Σ_j T_j),   T_j = Σ over tie groups (t³ − t)

(Kendall and Babington Smith, with the tie correction); 0 is no agreement, 1 identical rankings.
The chi-square test of "no agreement" uses m(n − 1)W with n − 1 degrees of freedom.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any

# Schmidt (1997): reading W in words
READINGS = ((0.9, "unusually strong"), (0.7, "strong"), (0.5, "moderate"), (0.3, "weak"), (0.1, "very weak"))


def full_ranks(order: Sequence[str], items: Sequence[str]) -> dict[str, float]:
    """1-based ranks over `items`: those in `order` by position, the rest tied at the average of the ranks left."""
    ranks = {item: float(i) for i, item in enumerate(order, start=1) if item in items}
    rest = [i for i in items if i not in ranks]
    tied = (len(ranks) + 1 + len(items)) / 2
    return {**ranks, **dict.fromkeys(rest, tied)}


def kendalls_w(rankings: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """W, chi-square, p-value and a reading in words; `w` is None below two raters or two items."""
    items = sorted({k for order in rankings.values() for k in order})
    m, n = len(rankings), len(items)
    if m < 2 or n < 2:
        return {"w": None, "raters": m, "items": n, "reason": "needs at least two stakeholders and two KPIs"}
    ranks = [full_ranks(order, items) for order in rankings.values()]
    sums = [sum(r[i] for r in ranks) for i in items]
    mean = m * (n + 1) / 2
    s = sum((x - mean) ** 2 for x in sums)
    ties = sum(t**3 - t for order in rankings.values() if (t := n - len(set(order) & set(items))) > 1)
    w = 12 * s / (m * m * (n**3 - n) - m * ties)
    chi2 = m * (n - 1) * w
    from scipy import stats  # loaded on use: listing action items needs no SciPy

    p = float(stats.chi2.sf(chi2, n - 1))
    reading = next((word for floor, word in READINGS if w >= floor), "none")
    return {"w": w, "chi2": chi2, "df": n - 1, "p_value": p, "raters": m, "items": n, "reading": reading}


def per_kpi(rankings: Mapping[str, Sequence[str]]) -> list[dict[str, Any]]:
    """Each KPI's rank by every stakeholder (None where left out), mean rank and spread; consensus order first.

    The mean counts a left-out KPI as tied last for that stakeholder (as W does), so a KPI only one
    stakeholder ranked cannot top the consensus; the spread and sd are over the ranks actually given.
    """
    items = sorted({k for order in rankings.values() for k in order})
    full = [full_ranks(order, items) for order in rankings.values()]
    out: list[dict[str, Any]] = []
    for item in items:
        given = {who: order.index(item) + 1 for who, order in rankings.items() if item in order}
        values = list(given.values())
        mean = sum(values) / len(values)
        sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1)) if len(values) > 1 else None
        out.append({"metric": item, "ranks": {w: given.get(w) for w in rankings},
                    "mean_rank": sum(r[item] for r in full) / len(full), "spread": max(values) - min(values),
                    "sd": sd, "ranked_by": len(values)})  # fmt: skip
    out.sort(key=lambda r: (r["mean_rank"], -r["ranked_by"], r["metric"]))
    for position, row in enumerate(out, start=1):
        row["consensus_rank"] = position
    return out


def pairs(rankings: Mapping[str, Sequence[str]]) -> list[dict[str, Any]]:
    """Kendall's tau-b between every two stakeholders over all ranked KPIs (left-out ones tied last)."""
    items = sorted({k for order in rankings.values() for k in order})
    full = {who: full_ranks(order, items) for who, order in rankings.items()}
    from scipy import stats

    out = []
    for a, b in itertools.combinations(rankings, 2):
        tau = stats.kendalltau([full[a][i] for i in items], [full[b][i] for i in items]).statistic
        out.append({"a": a, "b": b, "tau": None if math.isnan(tau) else float(tau)})
    out.sort(key=lambda r: (r["tau"] if r["tau"] is not None else 2.0, r["a"], r["b"]))
    return out
