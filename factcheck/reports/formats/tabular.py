"""The CSV export: one row per claim, RFC 4180 quoting, formula-injection safe."""

from __future__ import annotations

import csv
import io

from factcheck.reports.formats import common
from factcheck.reports.model import ClaimItem, Report

COLUMNS = (
    "article_id",
    "article_title",
    "report_status",
    "seq",
    "claim_id",
    "start",
    "end",
    "text",
    "statement",
    "speaker",
    "status",
    "final_verdict",
    "approval_note",
    "approved_by",
    "approved_at",
    "excluded_reason",
    "review_count",
    "verdicts",
    "evidence_urls",
)
# A spreadsheet treats a cell starting with one of these as a formula (ASVS 5.0 1.2.10).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")


def neutralise(value: object) -> str:
    """The cell as text, with a leading ``'`` if a spreadsheet could read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _row(report: Report, claim: ClaimItem) -> list[object]:
    return [
        report.article_id,
        report.title,
        "FINAL" if report.is_final else "DRAFT",
        claim.seq,
        claim.id,
        claim.start,
        claim.end,
        claim.text,
        claim.statement,
        claim.speaker,
        claim.status,
        claim.final_verdict,
        claim.approval_note,
        claim.approved_by,
        common.iso_utc(claim.approved_at),
        claim.excluded_reason,
        len(claim.reviews),
        ";".join(review.verdict for review in claim.reviews),
        " ".join(common.evidence_urls(claim)),
    ]


def render_csv(report: Report) -> bytes:
    """The claims as CSV (UTF-8, CRLF line ends, header row first)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for claim in report.claims:
        writer.writerow([neutralise(value) for value in _row(report, claim)])
    return buffer.getvalue().encode("utf-8")
