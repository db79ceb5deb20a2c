"""The quarterly review pack: one document per quarter, assembled from the analysis layer.

`review_pack` returns the pack as JSON-ready data (what `/api/v1/review/{period}` answers);
`render_html` turns it into one offline HTML file; `write_pdf` prints that file with headless
Chromium. Nothing here builds SQL or computes statistics: every number comes from `Engine.query`
or from `headway.analysis`.
"""

from headway.review.assemble import SECTIONS, review_pack
from headway.review.period import Quarter, ReviewError, parse_quarter

__all__ = ["SECTIONS", "Quarter", "ReviewError", "parse_quarter", "review_pack"]
