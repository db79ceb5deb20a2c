"""The demo workspace: a synthetic but recognisable product and engineering org, with planted effects.

`generate(target, seed=42, scale="medium")` writes headway.yml, sources/,
metrics/, README.md and data/ (Parquet) into `target` and returns a
`DemoSummary`. See the generated README for every table and planted effect.
"""

from headway.demo.generator import DemoSummary, generate
from headway.demo.timeline import SCALES

__all__ = ["SCALES", "DemoSummary", "generate"]
