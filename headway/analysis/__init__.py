"""Analysis over computed metric series: summaries now; trends, intervals and alerts later."""

from headway.analysis.summary import MetricSummary, summarize, summarize_all

__all__ = ["MetricSummary", "summarize", "summarize_all"]
