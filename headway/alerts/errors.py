"""Refusals of the alert lifecycle, in the project's error family."""

from __future__ import annotations

from headway.errors import HeadwayError


class AckError(HeadwayError):
    """An acknowledgement that cannot be done: unknown incident (404) or already resolved (409)."""

    def __init__(self, message: str, code: str):
        super().__init__(message, code=code, status=404 if code == "unknown_alert" else 409)
