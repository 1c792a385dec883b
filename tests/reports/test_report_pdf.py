"""PDF export: text extracted from the PDF, DRAFT marked, and nothing fetched."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from factcheck.reports.formats import pdf as pdf_format
from factcheck.reports.render import render


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_pdf_of_a_draft_says_draft_and_has_the_claims(draft_report):
    out = render(draft_report, "pdf")
    assert out.media_type == "application/pdf" and out.filename.endswith("-draft.pdf")
    assert out.content.startswith(b"%PDF")
    text = _text(out.content)
    assert "DRAFT" in text
    assert draft_report.claims[0].text.split()[0] in text


def test_final_pdf_is_not_marked_draft(final_report):
    out = render(final_report, "pdf")
    assert out.filename.endswith("-final.pdf")
    assert "DRAFT" not in _text(out.content)


def test_pdf_fetches_nothing(draft_report, monkeypatch):
    asked = []

    def counting(url, *a, **k):
        asked.append(url)
        raise pdf_format.FetchRefused(url)

    monkeypatch.setattr(pdf_format, "refuse_all", counting)
    render(draft_report, "pdf")
    assert asked == []


def test_refuse_all_refuses():
    with pytest.raises(pdf_format.FetchRefused):
        pdf_format.refuse_all("http://127.0.0.1:9/")


def test_printed_links_show_their_address_once(draft_report):
    # The PDF is paper too: a link in a note and an evidence link print where they lead.
    text = " ".join(_text(render(draft_report, "pdf").content).split())
    assert "the report <https://police.example/r>" in text  # in the lead's note
    evidence = "Annual crime statistics 2023 <https://police.example/annual-2023.pdf>"
    assert text.count(evidence) == 1, text
    assert text.count("<https://police.example/annual-2023.pdf>") == 1


@pytest.mark.parametrize("which", ["draft_report", "final_report"])
def test_the_pdf_prints_every_fact_of_the_report(which, request):
    # The PDF has its own template (print.html): it must not drop what report.html shows.
    report = request.getfixturevalue(which)
    text = " ".join(_text(render(report, "pdf").content).split())
    facts = [report.title, report.publisher, report.original_publisher, report.byline,
             report.source_url, report.last_event_hash, report.chain_head_hash,
             f"seq {report.chain_head_seq}", report.approved_by]  # fmt: skip
    for claim in report.claims:
        facts += [claim.text, claim.speaker, claim.excluded_reason, claim.approved_by,
                  f"Claim {claim.seq}"]  # fmt: skip
        if claim.statement != claim.text:
            facts.append(claim.statement)
        for review in claim.reviews:
            facts.append(review.reviewer)
            for link in review.links:
                facts += [link.title, link.url, link.excerpt, link.archived_url]
    missing = [fact for fact in facts if fact and " ".join(fact.split()) not in text]
    assert not missing, missing
    assert ("DRAFT" in text) is (not report.is_final)
