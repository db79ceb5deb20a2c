"""The pack as one offline HTML document: inline CSS, static SVG charts, no script, nothing fetched."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from headway.review.charts import line_chart
from headway.review.formats import format_change, format_value

HERE = Path(__file__).parent / "templates"
STATUS_WORDS = {"on_track": "on track", "at_risk": "at risk", "off_track": "off track", "not_started": "not started"}


@cache
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(HERE)), autoescape=select_autoescape(["html"]), trim_blocks=True)
    env.filters["value"] = format_value
    env.filters["change"] = format_change
    env.filters["status"] = lambda s: STATUS_WORDS.get(str(s), str(s).replace("_", " "))
    env.globals["line_chart"] = line_chart
    return env


def render_html(pack: dict[str, Any]) -> str:
    """The whole document; its CSS is inlined, so the file opens anywhere, offline."""
    env = environment()
    css = (HERE / "review.css").read_text(encoding="utf-8")
    sections = {s["id"]: s for s in pack["sections"]}
    return env.get_template("review.html").render(pack=pack, sections=sections, css=css)


def render_problem(workspace: str, message: str, hint: str) -> str:
    """A page in the pack's look that says why there is no pack (a bad period)."""
    css = (HERE / "review.css").read_text(encoding="utf-8")
    return environment().get_template("problem.html").render(workspace=workspace, message=message, hint=hint, css=css)
