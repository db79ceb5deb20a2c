"""One error family for every layer: a code a script can branch on, a message, a hint, an HTTP status.

Surfaces render these the same way: the API as its one JSON error shape, the CLI
as `error: message` plus the hint and an exit code chosen from the status.
"""

from __future__ import annotations


class HeadwayError(Exception):
    """Base of every error Headway raises on purpose.

    `code` is machine-readable and stable; `message` says what went wrong in the
    user's words; `hint` says what to do instead; `status` is the HTTP status the
    API answers with (4xx: the request, 5xx: the data or the engine).
    """

    code = "error"
    status = 500

    def __init__(self, message: str, hint: str = "", code: str | None = None, status: int | None = None):
        super().__init__(f"{message} {hint}".strip())
        self.message = message
        self.hint = hint
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status

    @property
    def retryable(self) -> bool:
        return self.status == 503


class SpecProblem(HeadwayError):
    """One problem in a spec expression or field reference (its caller adds file:line)."""

    code = "bad_spec"
    status = 400


class AccessDenied(HeadwayError):
    """The actor may not see what it asked for."""

    code = "forbidden"
    status = 403
