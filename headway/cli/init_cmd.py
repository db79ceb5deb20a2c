"""`headway init`: a new, empty workspace ready for `headway source add`."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from headway.cli.common import Exit, console, fail
from headway.spec.models import IDENT_PATTERN, WeekStart

GITIGNORE = ".headway/\n"
README = """# {name}

Metrics as code with [Headway](https://github.com/headway). Add data, then query it:

```console
headway source add data/orders.csv --metrics   # writes sources/orders.yml (and draft metrics)
headway validate
headway query orders --grain week
headway serve
```
"""


def machine_timezone() -> str:
    """The machine's IANA zone (TZ, then /etc/localtime), or UTC when it cannot be told."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        candidates.append(str(localtime.resolve()).split("zoneinfo/")[-1])
    timezone_file = Path("/etc/timezone")
    if timezone_file.is_file():
        candidates.append(timezone_file.read_text(encoding="utf-8").strip())
    for name in candidates:
        if not name or name.startswith("/"):
            continue
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            continue
        return name
    return "UTC"


def init(
    target: Annotated[Path, typer.Argument(help="Folder for the workspace (new or empty).")] = Path("."),
    name: Annotated[str | None, typer.Option("--name", help="Workspace id; default: the folder's name.")] = None,
    timezone: Annotated[
        str | None, typer.Option("--timezone", help="IANA zone periods are computed in.", show_default="the machine's")
    ] = None,
    week_start: Annotated[WeekStart, typer.Option("--week-start", help="First day of a week.")] = WeekStart.MONDAY,
) -> None:
    """Start a workspace: headway.yml, empty sources/ and metrics/, a README and a .gitignore."""
    target = target.resolve()
    if (target / "headway.yml").exists():
        fail(f"{target} is already a workspace (it has headway.yml)", Exit.INVALID, "Add data with headway source add.")
    if target.exists() and any(target.iterdir()):
        fail(
            f"{target} is not empty and is not a workspace",
            Exit.INVALID,
            "Give a new or empty folder, e.g. headway init my-metrics.",
        )
    ident = name or re.sub(r"\W+", "_", target.name).strip("_").lower() or "workspace"
    if not re.match(IDENT_PATTERN, ident):
        fail(f"'{ident}' cannot be a workspace id", Exit.INVALID, "Use letters, digits and _, e.g. --name shop.")
    zone = timezone or machine_timezone()
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        fail(f"unknown time zone '{zone}'", Exit.INVALID, "Use an IANA name such as UTC or Europe/Paris.")
    for folder in ("sources", "metrics", "data"):
        (target / folder).mkdir(parents=True, exist_ok=True)
    (target / "headway.yml").write_text(
        f"name: {ident}\ntimezone: {zone}  # periods are computed on this wall clock\n"
        f"week_start: {week_start.value}\ndefault_grain: week\n",
        encoding="utf-8",
    )
    (target / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    (target / "README.md").write_text(README.format(name=ident), encoding="utf-8")
    console.print(f"workspace {ident} at {target} (time zone {zone}, weeks start {week_start.value})", highlight=False)
    console.print("Next: put files in data/, then headway source add data/FILE.csv --metrics", highlight=False)
