"""Nothing invented (issue #18 item 1): each metadata field says where it came from and
is empty when no source gives it; an evidence link's stance is always chosen; a link
that argues against its review's verdict is flagged in the panel and the report."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from factcheck.database import transaction
from factcheck.errors import InvalidInput
from factcheck.extensions import db
from factcheck.models import Claim, EvidenceLink
from factcheck.services import exports, reviews
from factcheck.services.sources import from_html

BODY = (
    "<p>The mayor said on Tuesday that crime fell by twelve percent last year in the city.</p>"
    "<p>Police figures show that burglaries rose three percent, and the tram opens in 2026.</p>"
)
NO_DATE = (
    "<!DOCTYPE html><html><head><title>Mayor says crime fell</title></head><body><article>"
    f"{BODY}</article><footer>Copyright 2026 City News</footer></body></html>"
)
DATED = NO_DATE.replace(
    "<title>", '<meta property="article:published_time" content="2024-05-02T09:00:00Z"><title>'
)


def _import(make_user, html, **meta):
    from factcheck.services import articles

    actor = make_user("reviewer")
    with transaction() as s:
        article = articles.import_article(s, actor=actor, source=from_html(html), **meta)
        return article.id


def _export(article_id, user, fmt):
    with transaction() as s:
        return exports.export_article(s, actor=user, article_id=article_id, fmt=fmt).content


def test_a_page_with_no_date_gets_none_and_the_report_says_date_unknown(app, make_user):
    # Before: htmldate's extensive search took 1 January of the copyright year (2026-01-01).
    from factcheck.models import Article

    article_id = _import(make_user, NO_DATE)
    article = db.session.get(Article, article_id)
    assert article.published_at is None
    assert article.meta_sources == {"title": "page"}
    lead = make_user("lead")
    html = _export(article_id, lead, "html").decode()
    assert "Date unknown" in html and "2026-01-01" not in html
    assert "Date unknown" in _export(article_id, lead, "md").decode()
    data = json.loads(_export(article_id, lead, "json"))
    assert data["article"]["published_at"] is None
    assert data["article"]["meta_sources"] == {"title": "page"}


def test_each_field_records_its_source(app, make_user):
    from factcheck.models import Article

    article_id = _import(make_user, DATED, publisher="City News")
    article = db.session.get(Article, article_id)
    assert article.published_at == "2024-05-02"
    assert article.meta_sources == {"title": "page", "published_at": "page", "publisher": "user"}
    html = _export(article_id, make_user("lead"), "html").decode()
    assert "from the page&#39;s metadata" in html and "entered by the desk" in html
    user_dated = db.session.get(Article, _import(make_user, NO_DATE, published_at="2023-01-09"))
    assert user_dated.published_at == "2023-01-09"
    assert user_dated.meta_sources["published_at"] == "user"


def _claim_id(article_id):
    return db.session.scalars(select(Claim.id).where(Claim.article_id == article_id)).first()


def test_the_service_refuses_a_link_without_a_stance(app, make_user, make_article, snapshot):
    reviewer = make_user("reviewer")
    claim_id = _claim_id(make_article().id)
    before = snapshot()
    with pytest.raises(InvalidInput) as caught, transaction() as s:
        reviews.submit_review(s, actor=reviewer, claim_id=claim_id, verdict="disputed",
                              links=[{"url": "https://example.org/a", "title": "A"}])  # fmt: skip
    assert caught.value.errors == {
        "links[0].stance": "choose a stance: supports, contradicts or context"
    }
    assert snapshot() == before


def test_the_form_refuses_a_link_without_a_stance_inline(app, make_user, make_article, login):
    c = login(make_user("reviewer"))
    claim_id = _claim_id(make_article().id)
    page = c.get(f"/claims/{claim_id}").get_data(as_text=True)
    assert '<option selected value="">— choose —</option>' in page  # no stance preselected
    resp = c.post(f"/claims/{claim_id}/review", data={
        "verdict": "disputed", "links-0-url": "https://example.org/a", "links-0-title": "A",
        "links-0-stance": "",
    })  # fmt: skip
    assert resp.status_code == 422
    body = resp.get_data(as_text=True)
    assert "choose a stance: supports, contradicts or context" in body
    db.session.rollback()
    assert db.session.scalar(select(EvidenceLink.id)) is None


def test_the_api_refuses_a_link_without_a_stance(app, make_user, make_article, api_as):
    api = api_as(make_user("reviewer"))
    claim_id = _claim_id(make_article().id)
    resp = api.put(f"/claims/{claim_id}/reviews/me", json={
        "verdict": "disputed", "links": [{"url": "https://example.org/a"}]})  # fmt: skip
    assert resp.status_code == 422
    assert "links[0].stance" in json.dumps(resp.get_json()["errors"])


def test_a_link_against_its_verdict_is_flagged_in_panel_and_report(
    app, make_user, make_article, login
):
    reviewer = make_user("reviewer")
    article = make_article()
    claim_id = _claim_id(article.id)
    with transaction() as s:
        reviews.submit_review(s, actor=reviewer, claim_id=claim_id, verdict="disputed", links=[
            {"url": "https://example.org/a", "title": "Agrees", "stance": "supports"},
            {"url": "https://example.org/b", "title": "Background", "stance": "context"},
        ])  # fmt: skip
    page = login(reviewer).get(f"/claims/{claim_id}").get_data(as_text=True)
    assert page.count('class="stance-conflict"') == 1
    assert "⚠ supports a disputed verdict" in page
    lead = make_user("lead")
    html = _export(article.id, lead, "html").decode()
    assert html.count('class="flag"') == 1 and "Supports a disputed verdict" in html
    data = json.loads(_export(article.id, lead, "json"))
    flags = [link["contradicts_verdict"] for c in data["claims"] for r in c["reviews"]
             for link in r["links"]]  # fmt: skip
    assert flags == [True, False]
    assert "⚠ Supports a disputed verdict" in _export(article.id, lead, "md").decode()
