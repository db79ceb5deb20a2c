"""Which service a repository (and path) belongs to, and which team owns it, from `delivery:` config."""

from __future__ import annotations

from fnmatch import fnmatch

from headway.spec.delivery_config import DeliveryConfig


def service_for(config: DeliveryConfig, repo: str, paths: tuple[str, ...] = ()) -> str:
    """The configured service; the repository's full name when nothing maps it.

    `owner/repo:path/glob/**` keys apply only when the changed paths are known (git import)
    and all of them match; the most specific (longest) matching key wins.
    """
    best: tuple[int, str] | None = None
    for key, service in config.services.items():
        key_repo, _, glob = key.partition(":")
        if key_repo.lower() != repo.lower():
            continue
        if glob and not (paths and all(fnmatch(p, glob) for p in paths)):
            continue
        if best is None or len(key) > best[0]:
            best = (len(key), service)
    return best[1] if best else repo


def team_for(config: DeliveryConfig, service: str) -> str | None:
    return config.teams.get(service)


def is_production(config: DeliveryConfig, environment: str | None) -> bool:
    """Exact names only: 'production' never matches 'production-staging' or 'staging'."""
    return environment is not None and environment in config.production_environments
