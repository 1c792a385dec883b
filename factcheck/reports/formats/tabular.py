"""The CSV export: one row per claim, RFC 4180 quoting, formula-injection safe."""

from __future__ import annotations

import csv
import io
import re

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
# A spreadsheet reads a cell starting with = or @ as a formula, and one starting with + or -
# unless it is a plain number (ASVS 5.0 1.2.10); leading blanks and controls are skipped.
FORMULA_STARTS = ("=", "+", "-", "@")
_LEADING = "\t\r\n\0 "
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)*|[.,]\d+)(?:[eE][+-]?\d+)?%?")
UTF8_BOM = b"\xef\xbb\xbf"  # Excel reads a CSV as UTF-8 only with it


def is_formula(text: str) -> bool:
    """True when a spreadsheet would read the cell as a formula (not as text or a number)."""
    head = text.lstrip(_LEADING)
    if not head.startswith(FORMULA_STARTS):
        return False
    return not (head[0] in "+-" and _PLAIN_NUMBER.fullmatch(head))


def neutralise(value: object) -> str:
    """The cell as text, with a leading ``'`` only if a spreadsheet would read it as a
    formula: "-3", "+1.5" or "-12%" stay as they are, "=1+1" and "-1+cmd|' /C calc'!A0"
    do not."""
    text = "" if value is None else str(value)
    return "'" + text if is_formula(text) else text


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
    """The claims as CSV (UTF-8 without a BOM, CRLF line ends, header row first);
    ``with_bom`` adds the BOM spreadsheets need."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for claim in report.claims:
        writer.writerow([neutralise(value) for value in _row(report, claim)])
    return buffer.getvalue().encode("utf-8")
