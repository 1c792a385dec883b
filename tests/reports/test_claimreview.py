"""ClaimReview a search engine accepts (issue #18 item 2): the public address as url (the
lead's, or FACTCHECK_PUBLISHED_BASE_URL's), never the desk; the statement as
claimReviewed; appearance and inLanguage; none for a draft (409 on API and CLI, a message
on the web); each export checked against Google's documented required and recommended
properties and against the schema.org vocabulary file."""

from __future__ import annotations

import json

import pytest
from reports.schemaorg_check import problems
from settings_helpers import override_settings
from sqlalchemy import select

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import Article, Claim
from factcheck.services import claims as claim_service

SHORT = (
    "Prices rose 5% in 2021, the bank said. Unemployment fell to 3.9% in March.\n\n"
    "Exports doubled since 2019, according to the ministry's annual trade figures for the year.\n"
)
BASE = "https://news.example/fact-checks"
# Google Search Central, "Fact check (ClaimReview) structured data": required and
# recommended properties, per type.
GOOGLE = {
    "ClaimReview": ({"claimReviewed", "reviewRating", "url"},
                    {"author", "datePublished", "itemReviewed"}),
    "Rating": ({"alternateName"}, {"bestRating", "name", "ratingValue", "worstRating"}),
    "Claim": (set(), {"appearance", "author", "datePublished", "firstAppearance"}),
}  # fmt: skip


def google_problems(
    review: dict, *, unknown: frozenset = frozenset(), may_lack: frozenset = frozenset()
) -> list[str]:
    """What Google documents and the export lacks; the Claim's ``unknown`` properties
    (what the desk does not know) must be absent instead."""
    found = []
    for node in (review, review["reviewRating"], review["itemReviewed"]):
        required, recommended = GOOGLE[node["@type"]]
        if node["@type"] == "Claim":
            found += [f"Claim has an invented {name}" for name in sorted(unknown & set(node))]
            recommended = recommended - unknown - may_lack
        missing = (required | recommended) - set(node)
        found += [f"{node['@type']} lacks {name}" for name in sorted(missing)]
    return found


@pytest.fixture
def approved_article(app, make_article, make_user, review_all):
    """An approved article with a source URL and a date, as a lead approves it."""
    override_settings(app, PUBLISHED_BASE_URL=BASE)
    reviewer, lead = make_user("reviewer"), make_user("lead")
    article = make_article(text=SHORT, source_url="https://paper.example/a/1",
                           published_at="2024-03-04", publisher="The Paper")  # fmt: skip
    review_all(article.id, reviewer, lead)
    return article.id, lead


def _exports(article_id, lead, api_as, runner, tmp_path) -> dict[str, list]:
    api = api_as(lead).get(f"/articles/{article_id}/export?format=claimreview")
    assert api.status_code == 200, api.get_data(as_text=True)
    out = tmp_path / "cr.jsonld"
    cli = runner.invoke(args=["export", str(article_id), "--format", "claimreview", "-o", str(out)])
    assert cli.exit_code == 0, cli.output
    return {"api": json.loads(api.data), "cli": json.loads(out.read_bytes())}


def test_every_export_meets_google_and_schema_org(approved_article, api_as, runner, tmp_path):
    article_id, lead = approved_article
    for where, items in _exports(article_id, lead, api_as, runner, tmp_path).items():
        assert len(items) == 3, where
        for item in items:
            assert google_problems(item) == [], where
            assert problems(item) == [], where
            # Before: [None, None] from the CLI, the desk's sign-in page from the API.
            assert item["url"].startswith(f"{BASE}/{article_id}#claim-"), where
            assert "localhost" not in json.dumps(item)
            assert item["inLanguage"] == "en"
            assert item["itemReviewed"]["appearance"]["url"] == "https://paper.example/a/1"
            assert item["itemReviewed"]["datePublished"] == "2024-03-04"
            assert "creativeWorkStatus" not in item


def test_the_lead_gives_the_published_address_at_approval(app, make_article, make_user,
                                                          review_all, api_as, login):  # fmt: skip
    reviewer, lead = make_user("reviewer"), make_user("lead")
    article = make_article(text=SHORT)
    review_all(article.id, reviewer, lead, approve_article=False)
    c = login(lead)
    page = c.get(f"/articles/{article.id}").get_data(as_text=True)
    assert 'name="published_url"' in page and "Published at" in page
    resp = c.post(f"/articles/{article.id}/approve", data={
        "version": db.session.get(Article, article.id).version,
        "published_url": "https://paper.example/checks/prices"})  # fmt: skip
    assert resp.status_code == 302
    db.session.rollback()
    assert (
        db.session.get(Article, article.id).published_url == "https://paper.example/checks/prices"
    )
    items = json.loads(api_as(lead).get(f"/articles/{article.id}/export?format=claimreview").data)
    assert {i["url"].split("#")[0] for i in items} == {"https://paper.example/checks/prices"}
    # no date or source known: the Claim has neither, nothing invented
    unknown = frozenset({"datePublished", "appearance", "firstAppearance"})
    # the author is the speaker when the text names one; an unattributed claim has none
    found = [google_problems(i, unknown=unknown, may_lack=frozenset({"author"})) for i in items]
    assert found == [[]] * len(items)


def test_a_bad_published_address_is_refused_and_nothing_changes(
    app, make_article, make_user, review_all, api_as, snapshot
):
    reviewer, lead = make_user("reviewer"), make_user("lead")
    article = make_article(text=SHORT)
    review_all(article.id, reviewer, lead, approve_article=False)
    api = api_as(lead)
    before = snapshot()
    resp = api.post(f"/articles/{article.id}/approve", json={
        "version": db.session.get(Article, article.id).version,
        "published_url": "javascript:alert(1)"})  # fmt: skip
    assert resp.status_code == 422
    assert snapshot() == before


def test_a_draft_has_no_claimreview(app, make_article, make_user, api_as, runner, login):
    override_settings(app, PUBLISHED_BASE_URL=BASE)
    lead = make_user("lead")
    article = make_article(text=SHORT)
    resp = api_as(lead).get(f"/articles/{article.id}/export?format=claimreview")
    assert resp.status_code == 409
    body = resp.get_json()
    assert body["type"] == "urn:factcheck:problem:not-published"
    assert "not approved" in body["detail"]
    cli = runner.invoke(args=["export", str(article.id), "--format", "claimreview"])
    assert cli.exit_code != 0 and "not approved" in cli.output
    page = login(lead).get(f"/articles/{article.id}/export?format=claimreview")
    assert page.status_code == 409
    text = page.get_data(as_text=True)
    assert "Not published" in text and "ClaimReview is made only for an approved article" in text


def test_approved_without_any_public_address_is_refused(app, make_article, make_user,
                                                        review_all, api_as):  # fmt: skip
    reviewer, lead = make_user("reviewer"), make_user("lead")
    article = make_article(text=SHORT)
    review_all(article.id, reviewer, lead)  # no base URL, no address given
    resp = api_as(lead).get(f"/articles/{article.id}/export?format=claimreview")
    assert resp.status_code == 409 and "no public address" in resp.get_json()["detail"]


def test_claim_reviewed_is_the_statement_the_lead_shortened(app, make_article, make_user,
                                                            review_all, api_as, login):  # fmt: skip
    override_settings(app, PUBLISHED_BASE_URL=BASE)
    reviewer, lead = make_user("reviewer"), make_user("lead")
    article = make_article(text=SHORT)
    claim_id = db.session.scalars(
        select(Claim.id).where(Claim.article_id == article.id).order_by(Claim.start)
    ).all()[2]
    page = login(lead).get(f"/claims/{claim_id}").get_data(as_text=True)
    assert "Google asks for less than 75 characters (this one is 90)" in page
    article_page = login(lead).get(f"/articles/{article.id}").get_data(as_text=True)
    with transaction() as s:
        claim_service.update_claim(s, actor=lead, claim_id=claim_id, statement="Exports doubled since 2019",
                                   version=s.get(Claim, claim_id).version)  # fmt: skip
    review_all(article.id, reviewer, lead)
    items = json.loads(api_as(lead).get(f"/articles/{article.id}/export?format=claimreview").data)
    assert [i["claimReviewed"] for i in items][2] == "Exports doubled since 2019"
    assert all(len(i["claimReviewed"]) <= 75 for i in items)
    del article_page


@pytest.mark.parametrize("value", ["javascript:alert(1)", "news.example/checks", "https://"])
def test_the_base_url_setting_must_be_an_http_address(value):
    from factcheck.settings import Settings

    with pytest.raises(ValueError, match="PUBLISHED_BASE_URL"):
        Settings(PUBLISHED_BASE_URL=value)
    assert Settings(PUBLISHED_BASE_URL="https://n.example/fc/").default_published_url(3) == (
        "https://n.example/fc/3"
    )
