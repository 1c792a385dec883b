"""Hand-built Report objects for the renderer tests (no database, no app)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from factcheck.reports.model import ClaimItem, EvidenceItem, Report, ReviewItem, Summary
from factcheck.text.markup import render_markdown

BODY = (
    "Zoë Müller 🚓 reports from the city hall. "
    'Mayor Ana Ruiz said on Tuesday that "crime fell by 12% last year". '
    "Police figures show burglaries rose 3% in 2023. "
    "The city has 40,000 residents, according to the 2021 census. "
    'Critics called the plan "the worst in a generation". '
    "The new tram line will open in 2026."
)
T0 = datetime(2024, 5, 2, 9, 30, tzinfo=UTC)


def at(hour: int, minute: int = 0) -> datetime:
    """A fixed UTC time on the report day."""
    return T0.replace(hour=hour, minute=minute)


def evidence(url: str, title: str, stance: str = "supports", **kw) -> EvidenceItem:
    """An evidence link."""
    return EvidenceItem(url=url, title=title, stance=stance, **kw)


def review(reviewer: str, verdict: str, note: str, *links: EvidenceItem, hour: int = 10):
    """A review whose note_html is rendered the way the builder does it."""
    return ReviewItem(
        reviewer=reviewer,
        verdict=verdict,
        note=note,
        note_html=render_markdown(note),
        links=tuple(links),
        updated_at=at(hour),
    )


def claim(body: str, text: str, seq: int, status: str = "open", **kw) -> ClaimItem:
    """A claim anchored at the first occurrence of ``text`` in ``body``."""
    start = body.index(text)
    note = kw.pop("approval_note", None)
    values = {
        "id": 100 + seq,
        "seq": seq,
        "start": start,
        "end": start + len(text),
        "text": text,
        "statement": text,
        "speaker": None,
        "is_quote": False,
        "status": status,
        "final_verdict": None,
        "approval_note": note,
        "approval_note_html": render_markdown(note),
        "approved_by": None,
        "approved_at": None,
        "excluded_reason": None,
        "checkworthiness": 0.5,
        "reviews": (),
    }
    values.update(kw)
    return ClaimItem(**values)


def approved(body: str, text: str, seq: int, verdict: str, **kw) -> ClaimItem:
    """An approved claim with a final verdict."""
    kw.setdefault("approved_by", "Lena Lead")
    kw.setdefault("approved_at", at(15, seq))
    return claim(body, text, seq, "approved", final_verdict=verdict, **kw)


def summarise(claims: tuple[ClaimItem, ...]) -> Summary:
    """The summary the builder would compute."""
    verdicts = [c.final_verdict for c in claims if c.status == "approved"]
    excluded = sum(c.status == "excluded" for c in claims)
    return Summary(
        total=len(claims),
        confirmed=verdicts.count("confirmed"),
        unconfirmed=verdicts.count("unconfirmed"),
        disputed=verdicts.count("disputed"),
        pending=len(claims) - len(verdicts) - excluded,
        excluded=excluded,
    )


def report_of(claims: tuple[ClaimItem, ...], **kw) -> Report:
    """A report around ``claims`` with realistic metadata."""
    values = {
        "article_id": 12,
        "title": "City hall: crime, burglaries and the new tram",
        "body": BODY,
        "status": "in_review",
        "is_final": False,
        "publisher": "Daily Courier",
        "original_publisher": "Metro Wire",
        "byline": "Zoë Müller",
        "published_at": datetime(2024, 5, 1, 6, 0, tzinfo=UTC),
        "source_url": "https://courier.example/news/city-hall-2024",
        "approved_at": None,
        "approved_by": None,
        "claims": claims,
        "summary": summarise(claims),
        "last_event_hash": "a" * 64,
        "chain_head_seq": 4711,
        "chain_head_hash": "b" * 64,
        "generated_at": at(16, 45),
    }
    values.update(kw)
    return Report(**values)


CRIME_NOTE = (
    "Police annual report, table 2: **-12.1%**. See [the report](https://police.example/r)."
)
CRIME_LINK = evidence(
    "https://police.example/annual-2023.pdf",
    "Annual crime statistics 2023",
    excerpt="Recorded crime fell by 12.1% compared with 2022.",
    archived_url="https://web.archive.org/web/2024/https://police.example/annual-2023.pdf",
)


def _crime(verdict: str = "confirmed") -> ClaimItem:
    return approved(
        BODY,
        "crime fell by 12% last year",
        1,
        verdict,
        statement="Crime in the city fell by 12% in 2023",
        speaker="Ana Ruiz",
        is_quote=True,
        approval_note=CRIME_NOTE,
        reviews=(
            review("Alice Reviewer", "confirmed", "Matches table 2.", CRIME_LINK),
            review("Bob Reviewer", "confirmed", "Agree; *rounded* figure.", hour=11),
        ),
    )


@pytest.fixture
def draft_report() -> Report:
    """An article in review: approved, disputed-but-pending, excluded and open claims."""
    burglary = claim(
        BODY,
        "Police figures show burglaries rose 3% in 2023.",
        2,
        "reviewed",
        reviews=(
            review("Alice Reviewer", "confirmed", "Figures agree."),
            review(
                "Bob Reviewer",
                "disputed",
                "The ministry says **+1.8%**.",
                evidence("https://ministry.example/burglary", "Ministry data", "contradicts"),
                hour=12,
            ),
        ),
    )
    opinion = claim(
        BODY,
        "the worst in a generation",
        3,
        "excluded",
        is_quote=True,
        speaker="Critics",
        excluded_reason="Opinion, not a checkable fact",
    )
    tram = claim(BODY, "The new tram line will open in 2026.", 4)
    return report_of((_crime(), burglary, opinion, tram))


@pytest.fixture
def final_report() -> Report:
    """An approved article: confirmed, disputed, excluded and unconfirmed claims."""
    claims = (
        _crime(),
        approved(
            BODY,
            "Police figures show burglaries rose 3% in 2023.",
            2,
            "disputed",
            approval_note="Ministry data shows +1.8%.",
            reviews=(review("Bob Reviewer", "disputed", "Ministry: +1.8%."),),
        ),
        claim(BODY, "the worst in a generation", 3, "excluded", excluded_reason="Opinion"),
        approved(BODY, "The city has 40,000 residents", 4, "unconfirmed"),
    )
    return report_of(
        claims,
        status="approved",
        is_final=True,
        approved_at=at(16),
        approved_by="Lena Lead",
        report_url="https://desk.example/reports/12",
    )


SENTENCE = (
    "Claim {i}: the council said spending on roads rose {i}% in 2023, and 🚓 patrols doubled."
)


@pytest.fixture
def report_25(make_report, make_claim, request):
    """A draft of 25 claims, each with two reviews and an evidence link (emoji, CJK title)."""
    helpers = request.getfixturevalue("report_helpers")
    body = " ".join(SENTENCE.format(i=i) for i in range(1, 26))
    claims = []
    for i in range(1, 26):
        link = helpers.evidence(f"https://stats.example/{i}", f"Council accounts {i}",
                                excerpt="Roads: +1%.")  # fmt: skip
        reviews = (helpers.review("Rita Reviewer", "confirmed", f"Checked **table {i}**.", link),
                   helpers.review("Sam Second", "confirmed", "Agree.", link))  # fmt: skip
        claims.append(make_claim(body, SENTENCE.format(i=i), i, reviews=reviews))
    return make_report(tuple(claims), body=body, title="Roads: 25 claims — 中文 and 🚓")


XSS_TITLE = '</script><script>alert("title")</script><img src=x onerror=alert(1)>'
XSS_NOTE = (
    "<script>alert('note')</script> <img src=x onerror=alert(2)> <svg onload=alert(3)>"
    " [x](javascript:alert(4)) [y](jAvAsCrIpT:alert(5)) <iframe src=//evil.example></iframe>"
)


@pytest.fixture
def hostile_report(final_report: Report) -> Report:
    """The final report with script payloads in every user-controlled text field."""
    link = evidence(
        "javascript:alert(6)",
        "</script><img src=x onerror=alert(7)>",
        excerpt="<script>alert(8)</script>",
        archived_url="https://ok.example/</script><script>alert(9)</script>",
    )
    bad = dataclasses.replace(
        final_report.claims[0],
        statement="</script><script>alert(10)</script>",
        speaker='"><script>alert(11)</script>',
        approval_note=XSS_NOTE,
        approval_note_html=render_markdown(XSS_NOTE) + "<script>alert('raw')</script>",
        reviews=(review("<b onmouseover=alert(12)>Eve</b>", "confirmed", XSS_NOTE, link),),
    )
    return dataclasses.replace(
        final_report,
        title=XSS_TITLE,
        publisher="<script>alert(13)</script>",
        source_url="javascript:alert(14)",
        claims=(bad, *final_report.claims[1:]),
    )


@pytest.fixture
def make_report():
    """Factory: ``make_report(claims, **fields)`` with a matching summary."""
    return report_of


@pytest.fixture
def make_claim():
    """Factory: ``make_claim(body, text, seq, status, **fields)``."""
    return claim


@pytest.fixture
def report_helpers():
    """This module's builders (evidence, review, claim, ...) for test modules, which cannot
    import a conftest."""
    import sys

    return sys.modules[__name__]
