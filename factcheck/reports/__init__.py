"""Reports: read-only. ``build_report`` reads the database into a Report; ``render`` formats it."""

from factcheck.reports.build import build_report

__all__ = ["build_report"]
