"""The DORA panel of `dashboards/*.yml`: which metric fills each of DORA's four keys, and which tier table bands them.

The tier tables are data with their source and year (`headway/spec/library/delivery/tiers/*.yml`),
never constants in code: DORA's clusters move every year. Each table also names the metric its
thresholds are written for (deployment days per week for DevLake's 2023 table, deployments per
week for the 2021 report), and those are the panel's defaults. A workspace whose metrics have other
ids names them under `keys:`; a key with neither is an error at the panel's line saying what to write.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from functools import cache
from typing import Annotated, Any

import yaml
from pydantic import BeforeValidator

from headway.spec.issues import Issue
from headway.spec.library import HERE as LIBRARY
from headway.spec.workspace import Origin

TIERS = LIBRARY / "delivery" / "tiers"


class DoraKey(StrEnum):
    """DORA's four keys, named as the tier tables name their measures."""

    DEPLOYMENT_FREQUENCY = "deployment_frequency"
    CHANGE_LEAD_TIME = "change_lead_time"
    CHANGE_FAIL_RATE = "change_fail_rate"
    RECOVERY = "recovery"  # time to restore service (2021) / failed deployment recovery time (2023)


class DoraEdition(StrEnum):
    DORA_2021 = "2021"  # Accelerate State of DevOps Report 2021 (ranges with gaps and overlaps)
    DEVLAKE_2023 = "2023"  # DORA 2023 as Apache DevLake's dashboard applies it (no gaps)


EDITION_FILES = {DoraEdition.DORA_2021: "dora-2021.yml", DoraEdition.DEVLAKE_2023: "devlake-2023.yml"}
# `edition: 2023` unquoted is read by YAML as a number: accept it as the text it means
Edition = Annotated[DoraEdition, BeforeValidator(lambda v: str(v) if isinstance(v, int) else v)]


@cache
def tier_table(edition: DoraEdition | str) -> dict[str, Any]:
    """One edition's table as written: `edition`, `title`, `source`, and per key its metric and tiers."""
    doc: dict[str, Any] = yaml.safe_load((TIERS / EDITION_FILES[DoraEdition(edition)]).read_text("utf-8"))
    return doc


def default_metrics(edition: DoraEdition) -> dict[DoraKey, str]:
    """The metric each key reads when the panel names none: the one the edition's thresholds are written for."""
    return {key: tier_table(edition)["measures"][key.value]["metric"] for key in DoraKey}


def dora_metrics(
    edition: DoraEdition, keys: Mapping[DoraKey, str], metrics: Mapping[str, Any]
) -> dict[DoraKey, str | None]:
    """Each key's metric id: the panel's own, else the edition's default when the workspace defines it."""
    defaults = default_metrics(edition)
    out: dict[DoraKey, str | None] = {}
    for key in DoraKey:
        chosen = keys.get(key)
        out[key] = chosen if chosen is not None else (defaults[key] if defaults[key] in metrics else None)
    return out


def missing_key_issues(
    edition: DoraEdition, keys: Mapping[DoraKey, str], origin: Origin, p: int, metrics: Mapping[str, Any]
) -> list[Issue]:
    """A key with no metric (none named, default not defined): an error at the panel saying what to write."""
    defaults = default_metrics(edition)
    issues = []
    for key, metric_id in dora_metrics(edition, keys, metrics).items():
        if metric_id is None:
            message = f"the DORA panel has no metric for '{key.value}': the default '{defaults[key]}' is not defined"
            hint = (
                f"Name the metric that measures it: `keys: {{{key.value}: your_metric_id}}` under this panel, "
                "or add `include: [delivery]` to headway.yml for the built-in delivery library."
            )
            issues.append(origin.issue(("panels", p), message, hint, "missing_dora_key"))
    return issues
