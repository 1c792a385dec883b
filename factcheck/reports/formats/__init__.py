"""One module per export format; ``factcheck.reports.render`` dispatches to them."""
