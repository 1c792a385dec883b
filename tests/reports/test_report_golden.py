"""Golden files: every text format of the demo article after a scripted review.

Times, dates of today and hashes are normalised. To accept an intended change, run
    FACTCHECK_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/reports/test_report_golden.py
and review the diff of tests/reports/golden/.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from factcheck.database import transaction
from factcheck.models import Claim, SystemActor
from factcheck.services import approvals, claims, exports, reviews

GOLDEN = Path(__file__).resolve().parent / "golden"
# ClaimReview is only made of an approved article (a draft is refused: test_claimreview.py)
FORMATS = ("html", "md", "csv", "json", "w3c")
LINK = {"url": "https://www.rfa.org/english/", "title": "RFA Korean Service", "stance": "supports",
        "excerpt": "sources in China and Russia told RFA"}  # fmt: skip
_NORMALISE = [
    (re.compile(r"\b[0-9a-f]{64}\b"), "<hash>"),
    (re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|\+00:00| UTC)?"), "<time>"),
    # a report in another language: "3 dic 2026 7:14", "3. Dez. 2026 07:14", "3 de dez. de 2026"
    (re.compile(r"\b\d{1,2}\.? (de )?[^\W\d]{3,5}\.? (de )?\d{4} \d{1,2}:\d{2}"), "<time>"),
    (
        re.compile(r"(?<![\d-])\d{4}-\d{2}-\d{2}(?![\d-])"),
        lambda m: m.group(0) if m.group(0).startswith("2022") else "<date>",
    ),
]


def normalise(text: str) -> str:
    for pattern, repl in _NORMALISE:
        text = pattern.sub(repl, text)
    return text


@pytest.fixture
def reviewed_demo(make_article, make_user):
    """The demo article: one claim approved after double review, one disputed, one excluded."""
    r1, r2 = make_user("reviewer", name="Rita Reviewer"), make_user("reviewer", name="Sam Second")
    lead = make_user("lead", name="Lee Lead")
    article = make_article(actor=SystemActor("demo"))
    second, seventh, first = article.claims[1].id, article.claims[6].id, article.claims[0].id
    for rev, note in ((r1, "Matches RFA's **own** report."), (r2, "Agree; see the link.")):
        with transaction() as s:
            reviews.submit_review(
                s, actor=rev, claim_id=second, verdict="confirmed", note=note, links=[LINK]
            )
    with transaction() as s:
        approvals.approve_claim(s, actor=lead, claim_id=second, verdict="confirmed", note="Two reviewers agree.",
                                version=s.get(Claim, second).version)  # fmt: skip
    with transaction() as s:
        reviews.submit_review(
            s, actor=r1, claim_id=seventh, verdict="disputed", note="Single anonymous source."
        )
    with transaction() as s:
        claims.exclude_claim(
            s, actor=r1, claim_id=first, reason="headline", version=s.get(Claim, first).version
        )
    return article.id, lead


# The report in another language, chosen at export (issue #20): its words, not its data.
CASES = [(fmt, None) for fmt in FORMATS] + [("html", "es"), ("md", "de"), ("w3c", "fr")]


@pytest.mark.parametrize(("fmt", "lang"), CASES)
def test_golden(reviewed_demo, fmt, lang):
    article_id, lead = reviewed_demo
    with transaction() as s:
        out = exports.export_article(s, actor=lead, article_id=article_id, fmt=fmt, language=lang)
    text = out.content.decode("utf-8")
    if fmt in ("json", "claimreview", "w3c"):  # compact on the wire; indented in the golden file
        assert text.count("\n") == 1 and text.endswith("\n")
        assert not re.search("[<>&\u2028\u2029]", text)  # escaped: safe inside <script>
        text = json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"
    got = normalise(text)
    path = GOLDEN / (f"demo.{lang}.{fmt}" if lang else f"demo.{fmt}")
    if os.environ.get("FACTCHECK_UPDATE_GOLDEN") or not path.exists():
        with open(path, "w", encoding="utf-8", newline="") as fh:  # keep CSV's CRLF
            fh.write(got)
        if not os.environ.get("FACTCHECK_UPDATE_GOLDEN"):
            pytest.fail(
                f"golden file {path.name} was missing and has been written; review it and run again"
            )
    with open(path, encoding="utf-8", newline="") as fh:
        assert got == fh.read(), f"{fmt} export differs from {path}"
