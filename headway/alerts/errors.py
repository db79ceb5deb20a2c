"""Refusals of the alert lifecycle, with a code the API maps to a status."""

from __future__ import annotations


class AckError(ValueError):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code  # unknown_alert | already_resolved
