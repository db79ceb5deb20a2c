"""The `delivery:` block of headway.yml: which repositories are which service, and what counts as production.

Kept apart from `models.py` so the delivery capability stays one reviewable unit; the
workspace config refers to it with a single field.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

# what the canonical delivery tables were last derived with (see `derived_with`)
DERIVED_STAMP = ".headway/lake/delivery/derived-with.txt"


class DeliveryConfig(BaseModel):
    """How webhook and import data map onto services, teams and production."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    # "owner/repo" or "owner/repo:path/glob/**" -> service; the most specific (longest) key wins
    services: dict[str, str] = Field(default_factory=dict)
    teams: dict[str, str] = Field(default_factory=dict)  # service -> team
    production_environments: list[str] = Field(default_factory=lambda: ["production"])  # exact names
    incident_labels: list[str] = Field(default_factory=lambda: ["incident"])
    # link an incident with no named cause to the service's latest earlier deployment (a labelled guess)
    link_incidents_by_time: bool = False

    @field_validator("services")
    @classmethod
    def _repo_keys(cls, value: dict[str, str]) -> dict[str, str]:
        for key in value:
            repo = key.split(":", 1)[0]
            if repo.count("/") < 1 or not all(repo.split("/")):
                raise ValueError(f"'{key}' is not a repository; write owner/name or owner/name:path/glob/**")
        return value


def derived_with(config: DeliveryConfig | None, timezone: str) -> str:
    """A short key of everything the canonical tables depend on besides the records themselves.

    Service and team mapping, production environments, incident labels, the time-rule switch and
    the workspace zone (its calendar days) all shape the derived rows: when the key written beside
    the tables differs from the workspace's, the tables are rebuilt from the stored records, so an
    edit to `delivery:` or `timezone:` takes effect on the next command, not on the next delivery.
    """
    body = (config or DeliveryConfig()).model_dump_json() + "|" + timezone
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


def tables_current(root: Path, config: DeliveryConfig | None, timezone: str) -> bool:
    """True when the tables' stamp matches this configuration (a missing stamp does not)."""
    try:
        return (root / DERIVED_STAMP).read_text(encoding="utf-8").strip() == derived_with(config, timezone)
    except OSError:
        return False
