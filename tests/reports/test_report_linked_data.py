"""ClaimReview and W3C Web Annotation JSON-LD: fields, anchoring and script safety."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from factcheck.reports.render import render

GOOGLE_REQUIRED = {"claimReviewed", "reviewRating", "url"}
GOOGLE_RECOMMENDED = {"author", "datePublished", "itemReviewed"}
RATING_FIELDS = {"alternateName", "ratingValue", "bestRating", "worstRating", "name"}
CLAIM_FIELDS = {"author", "datePublished", "appearance"}


def claim_reviews(report) -> list[dict]:
    return json.loads(render(report, "claimreview").content)


def annotations(report) -> dict:
    return json.loads(render(report, "w3c").content)


def test_claimreview_has_google_fields(final_report):
    items = claim_reviews(final_report)
    assert [i["claimReviewed"] for i in items] == [
        "Crime in the city fell by 12% in 2023",
        "Police figures show burglaries rose 3% in 2023.",
        "The city has 40,000 residents",
    ]
    for item in items:
        assert item["@context"] == "https://schema.org" and item["@type"] == "ClaimReview"
        assert set(item) >= GOOGLE_REQUIRED | GOOGLE_RECOMMENDED
        rating = item["reviewRating"]
        assert rating["@type"] == "Rating" and set(rating) >= RATING_FIELDS
        assert (rating["bestRating"], rating["worstRating"]) == (3, 1)
        reviewed = item["itemReviewed"]
        assert reviewed["@type"] == "Claim" and set(reviewed) >= CLAIM_FIELDS
        assert reviewed["datePublished"] == "2024-05-01"
        assert reviewed["appearance"]["url"] == "https://courier.example/news/city-hall-2024"
        assert item["author"] == {"@type": "Organization", "name": "Factcheck desk"}
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", item["datePublished"])
    ratings = [
        (i["reviewRating"]["ratingValue"], i["reviewRating"]["alternateName"]) for i in items
    ]
    assert ratings == [(3, "Confirmed"), (1, "Disputed"), (2, "Unconfirmed")]
    assert items[0]["url"] == "https://desk.example/reports/12#claim-101"
    assert items[0]["datePublished"] == "2024-05-02"


def test_claimreview_author_of_the_claim(final_report):
    items = claim_reviews(final_report)
    assert items[0]["itemReviewed"]["author"] == {"@type": "Person", "name": "Ana Ruiz"}
    # Unattributed claims fall back to the publisher that first printed them.
    assert items[1]["itemReviewed"]["author"] == {"@type": "Organization", "name": "Metro Wire"}


def test_claimreview_none_for_a_draft(draft_report):
    # Before: a draft's approved claims went out, marked only creativeWorkStatus "Draft".
    assert claim_reviews(draft_report) == []


def test_claimreview_none_without_a_public_address(final_report):
    assert claim_reviews(dataclasses.replace(final_report, report_url=None)) == []


def test_claimreview_empty_list_when_nothing_approved(final_report):
    claims = tuple(c for c in final_report.claims if c.status != "approved")
    report = dataclasses.replace(final_report, claims=claims)
    assert render(report, "claimreview").content.strip() == b"[]"


def _anchor_checks(body: str, item: dict, claim) -> None:
    position, quote = item["target"]["selector"]
    assert position["type"] == "TextPositionSelector" and quote["type"] == "TextQuoteSelector"
    # Re-find by position (code points) ...
    assert body[position["start"] : position["end"]] == claim.text == quote["exact"]
    # ... and by quote with its context, independently of the offsets.
    assert len(quote["prefix"]) <= 32 and len(quote["suffix"]) <= 32
    hits = [
        m.start()
        for m in re.finditer(re.escape(quote["prefix"] + quote["exact"] + quote["suffix"]), body)
    ]
    assert position["start"] - len(quote["prefix"]) in hits


def test_w3c_collection(final_report):
    data = annotations(final_report)
    assert data["@context"][0] == "http://www.w3.org/ns/anno.jsonld"
    assert data["type"] == "AnnotationCollection" and data["draft"] is False
    items = data["first"]["items"]
    assert data["total"] == len(items) == len(final_report.claims)
    for item, claim in zip(items, final_report.claims, strict=True):
        assert item["type"] == "Annotation"
        # the desk's text (the offsets count into it), taken from the publisher's page
        assert item["target"]["source"]["via"] == "https://courier.example/news/city-hall-2024"
        assert item["target"]["source"]["id"].startswith("urn:factcheck:article:12:text:sha256:")
        _anchor_checks(final_report.body, item, claim)
    bodies = items[0]["body"]
    assert bodies[0] == {
        "type": "TextualBody",
        "purpose": "assessing",
        "value": "Confirmed",
        "format": "text/plain",
        "language": "en",
    }
    assert bodies[1]["purpose"] == "commenting" and "table 2" in bodies[1]["value"]
    assert bodies[2] == {
        "type": "SpecificResource",
        "purpose": "linking",
        "source": "https://police.example/annual-2023.pdf",
    }
    assert items[2]["body"][0]["value"] == "Excluded"


def test_w3c_offsets_are_code_points(make_report, make_claim):
    body = '🚓🚓 Ça va? 👩‍👩‍👧 The family of 3 said "we pay 40% more" and left. 𝔘𝔫𝔦.'
    claims = (make_claim(body, "we pay 40% more", 1), make_claim(body, "𝔘𝔫𝔦", 2))
    report = make_report(claims, body=body, source_url=None)
    items = annotations(report)["first"]["items"]
    for item, claim in zip(items, claims, strict=True):
        _anchor_checks(body, item, claim)
        assert item["target"]["source"]["id"].startswith("urn:factcheck:article:12:text:")
        assert "via" not in item["target"]["source"]  # no publisher's page known
    assert items[0]["target"]["selector"][0]["start"] == body.index("we pay")
    assert annotations(report)["draft"] is True


@pytest.mark.parametrize("fmt", ["claimreview", "w3c", "json"])
def test_json_ld_cannot_break_out_of_a_script_block(hostile_report, fmt):
    raw = render(hostile_report, fmt).content.decode("utf-8")
    page = f'<script type="application/ld+json">{raw}</script>'
    assert page.lower().count("</script") == 1
    assert "<!--" not in raw and "<" not in raw and ">" not in raw and "&" not in raw
    assert "\u2028" not in raw and "\u2029" not in raw
    data = json.loads(raw)  # still valid JSON with the original strings
    text = json.dumps(data, ensure_ascii=False)
    assert "</script><script>" in text


def test_hostile_urls_are_not_published_as_links(hostile_report):
    data = annotations(hostile_report)
    source = data["first"]["items"][0]["target"]["source"]
    assert source["id"].startswith("urn:factcheck:article:12:text:") and "via" not in source
    linked = [b for b in data["first"]["items"][0]["body"] if b["type"] == "SpecificResource"]
    assert linked == []  # javascript: evidence is dropped
    for item in claim_reviews(hostile_report):
        assert "appearance" not in item["itemReviewed"]
