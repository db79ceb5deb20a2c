"""The base of every error Headway explains to a user: a code, a message, a hint and an HTTP status.

A machine reads `code`, a person reads `message` and `hint`; the server answers with `status`.
"""

from __future__ import annotations


class HeadwayError(Exception):
    """An error with a stable code, a one-line message and what to do about it."""

    code: str = "error"
    status: int = 500

    def __init__(self, message: str, hint: str = "", code: str | None = None, status: int | None = None):
        super().__init__(f"{message} {hint}".strip())
        self.message = message
        self.hint = hint
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
