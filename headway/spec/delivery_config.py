"""The `delivery:` block of headway.yml: which repositories are which service, and what counts as production.

Kept apart from `models.py` so the delivery capability stays one reviewable unit; the
workspace config refers to it with a single field.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator


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
