"""Read spec files as text, refusing what YAML should never see: huge, binary or non-UTF-8 files.

Every refusal is an Issue at file:line, never an exception, so `validate` reports it with the rest.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from headway.spec.issues import Issue

MAX_SPEC_BYTES = 4 * 1024 * 1024  # the demo's largest spec file is ~20 KB
SPEC_SUFFIXES = (".yml", ".yaml")
_BOMS = {codecs.BOM_UTF16_LE: "UTF-16", codecs.BOM_UTF16_BE: "UTF-16", codecs.BOM_UTF32_LE: "UTF-32"}
_SAVE_HINT = "Save the file as UTF-8 text (most editors: File > Save with encoding > UTF-8)."


def is_spec_name(path: Path) -> bool:
    """`metrics.yml`, `Metrics.YML` and `x.yaml` all count; editors and other systems differ in case."""
    return path.suffix.lower() in SPEC_SUFFIXES and not path.name.startswith(".")


def read_spec(path: Path, shown: str) -> tuple[str | None, list[Issue]]:
    """The file's text, or None with the issue that says why it cannot be read."""
    try:
        if not path.is_file():
            what = "is a dangling or looping symlink" if path.is_symlink() else "is not a regular file"
            return None, [_issue(shown, 1, f"{shown} {what}", "Point the link at a spec file, or remove it.")]
        size = path.stat().st_size
        if size > MAX_SPEC_BYTES:
            return None, [
                _issue(
                    shown,
                    1,
                    f"the file is {size / 1e6:.1f} MB; spec files are limited to {MAX_SPEC_BYTES // (1024 * 1024)} MB",
                    "Split it into several files under the same folder.",
                    "too_large",
                )
            ]
        raw = path.read_bytes()
    except OSError as error:  # unreadable (permissions), a loop found while reading, etc.
        return None, [_issue(shown, 1, f"cannot read {shown}: {error.strerror or error}", "Check its permissions.")]
    return decode(raw, shown)


def decode(raw: bytes, shown: str) -> tuple[str | None, list[Issue]]:
    for bom, name in _BOMS.items():
        if raw.startswith(bom):
            return None, [_issue(shown, 1, f"the file is {name} text, not UTF-8", _SAVE_HINT, "encoding")]
    if b"\0" in raw:
        line = raw[: raw.index(b"\0")].count(b"\n") + 1
        return None, [
            _issue(shown, line, "the file holds binary data (a NUL byte), not YAML text", _SAVE_HINT, "encoding")
        ]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start]
        return None, [
            _issue(
                shown,
                line,
                f"the file is not UTF-8: byte 0x{byte:02X} on this line cannot be read",
                _SAVE_HINT,
                "encoding",
            )
        ]


def _issue(file: str, line: int, message: str, hint: str, code: str = "unreadable") -> Issue:
    return Issue(file, line, "", message, hint, code=code)
