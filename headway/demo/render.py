"""Write the spec files and the README from the templates shipped in `headway/demo/templates/`.

Templates use `$name` placeholders (string.Template). Targets that depend on
the scale (paid MRR, paying accounts, weekly active users) and every number
in the README are filled in from the written data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from string import Template

from headway.demo import accounts, delivery, latent, lifecycle, team
from headway.demo.effects import measure
from headway.demo.timeline import END, Scale

TIME_COLUMNS = {
    "events": "timestamp",
    "accounts": "signed_up_at",
    "subscriptions": "started_at",
    "surveys": "responded_at",
    "tickets": "created_at",
    "pulse": "answered_at",
    "headcount": "snapshot_at",
}
GRAIN = {
    "events": "call",
    "accounts": "account",
    "subscriptions": "subscription period",
    "surveys": "survey response",
    "tickets": "ticket",
    "pulse": "answer",
    "headcount": "team per day",
}
SHARES = {
    "churn_before",
    "churn_after",
    "churn_with_reports",
    "churn_without_reports",
    "incidents_caused_share",
    "failed_deploys_with_incident",
}
COUNTS = {"weeks", "outage_mobile_events", "usual_mobile_events", "billing_tickets_july", "billing_tickets_august"}


@dataclass(frozen=True)
class Rendered:
    measured: dict[str, float]


def _templates() -> Traversable:
    return resources.files("headway.demo") / "templates"


def spec_files() -> list[str]:
    """The spec files (sources, metrics, annotations, dashboards, initiatives, meetings, objectives), as written."""
    return [
        f"{folder}/{item.name}"
        for folder in ("sources", "metrics", "annotations", "dashboards", "initiatives", "meetings", "objectives")
        for item in sorted(_templates().joinpath(folder).iterdir(), key=lambda t: t.name)
        if item.name.endswith(".yml")
    ]


def write_spec(target: Path, scale: Scale, seed: int, rows: dict[str, int]) -> Rendered:
    measured = measure(target, scale.start.isoformat(), END.isoformat())
    targets = {
        "paid_mrr_target": _round_up(measured["paid_mrr_end"] * 1.15),
        "paying_accounts_target": _round_up(measured["paying_accounts_end"] * 1.1),
        "weekly_active_users_target": _round_up(measured["weekly_active_users_end"] * 1.15),
        "paid_mrr_q3_target": _round_up(measured["paid_mrr_end"] * 0.95),
    }
    templates = _templates()
    for name in spec_files():
        _write(target / name, _fill(templates.joinpath(name), targets))
    _write(target / "headway.yml", headway_yml())
    values = {
        **_design(),
        "seed": str(seed),
        "scale": scale.name,
        "start": scale.start.isoformat(),
        "end": END.isoformat(),
        "rows_table": _rows_table(rows),
        "delivery_table": _delivery_table(rows),
        **{key: _format(key, value) for key, value in measured.items()},
    }
    _write(target / "README.md", _fill(templates.joinpath("README.md"), values))
    return Rendered(measured)


def headway_yml() -> str:
    """The demo's headway.yml (its `delivery:` block also maps the demo's repositories while loading)."""
    return _templates().joinpath("headway.yml").read_text(encoding="utf-8")


def _design() -> dict[str, str]:
    """The planted effects' parameters, read from the code that plants them so the README cannot drift."""
    prices = lifecycle.PRICES
    return {
        "phi": f"{latent.PHI:g}",
        "cycle_effect": f"{latent.CYCLE_EFFECT:g}",
        "cycle_shorter": f"{1 - math.exp(-latent.CYCLE_EFFECT):.0%}",
        "csat_effect": f"{latent.CSAT_EFFECT:g}",
        "starter_old": f"{prices[0, 0]:g}",
        "starter_new": f"{prices[1, 0]:g}",
        "pro_old": f"{prices[0, 1]:g}",
        "pro_new": f"{prices[1, 1]:g}",
        "price_churn": f"{lifecycle.PRICE_CHURN:g}",
        "incident_after_failure": f"{delivery.INCIDENT_AFTER_FAILURE:.0%}",
        "rollback_after_failure": f"{delivery.ROLLBACK_AFTER_FAILURE:.0%}",
        "background_incidents": f"{delivery.BACKGROUND_INCIDENTS_PER_DAY:g}",
        "reports_share": f"{accounts.REPORTS_SHARE:.0%}",
        "reports_churn": f"{lifecycle.REPORTS_CHURN[1]:g}",
        "other_churn": f"{lifecycle.REPORTS_CHURN[0]:g}",
        "crunch_workload_shift": f"{-team.CRUNCH_SHIFT[0]:g}",
        "crunch_morale_shift": f"{-team.CRUNCH_SHIFT[2]:g}",
        "conversion": f"{accounts.CONVERSION:.0%}",
    }


def _fill(template: Traversable, values: dict[str, str]) -> str:
    return Template(template.read_text(encoding="utf-8")).substitute(values)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def _round_up(value: float) -> str:
    """A round target just above `value`: two significant digits."""
    if value <= 0 or math.isnan(value):
        return "0"
    step = 10 ** max(0, int(math.log10(value)) - 1)
    return str(int(math.ceil(value / step) * step))


def _format(key: str, value: float) -> str:
    if math.isnan(value):
        return "n/a"
    if key in SHARES:
        return f"{value:.1%}"
    if key in COUNTS:
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def _rows_table(rows: dict[str, int]) -> str:
    return "\n".join(
        f"| {name} | {count:,} | {GRAIN[name]} | {TIME_COLUMNS[name]} |"
        for name, count in sorted(rows.items())
        if name in GRAIN
    )


def _delivery_table(rows: dict[str, int]) -> str:
    return "\n".join(f"| {name} | {count:,} |" for name, count in rows.items() if name not in GRAIN)
