"""Agreement of an article's reviewers, on the page's and the API's numbers."""

from __future__ import annotations

import pytest

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.services import agreement, reviews


def _review(actor, claim_id, verdict):
    with transaction() as s:
        reviews.submit_review(s, actor=actor, claim_id=claim_id, verdict=verdict)


@pytest.fixture
def reviewed(make_article, make_user):
    article = make_article()
    a, b = make_user("reviewer", name="Ann"), make_user("reviewer", name="Ben")
    c = [claim.id for claim in article.claims[:4]]
    for cid, va, vb in zip(c, ["confirmed", "disputed", "confirmed", "unconfirmed"],
                           ["confirmed", "disputed", "disputed", "unconfirmed"], strict=True):  # fmt: skip
        _review(a, cid, va)
        _review(b, cid, vb)
    _review(a, article.claims[5].id, "confirmed")  # single review: not compared
    return article, a, b, c


def test_article_agreement(reviewed, make_user):
    article, a, b, c = reviewed
    data = agreement.article_agreement(db.session, article.id, viewer=make_user("lead"))
    assert data["claims_with_reviews"] == 5 and data["claims_compared"] == 4
    assert data["agreeing"] == 3 and data["conflicts"] == [c[2]]
    assert data["share_agreeing"] == 0.75
    assert data["pairs"][0]["names"] == ["Ann", "Ben"] and data["pairs"][0]["claims"] == 4
    assert data["alpha"] is not None and 0 < data["alpha"] < 1
    ann = next(r for r in data["reviewers"] if r["id"] == a.id)
    assert ann["reviews"] == 5 and ann["compared"] == 4 and ann["agreeing"] == 3


def test_agreement_api_blind_for_reviewers(reviewed, api_as, make_user):
    article, _a, _b, c = reviewed
    lead_view = api_as(make_user("lead")).get(f"/articles/{article.id}/agreement").get_json()
    assert lead_view["conflicts"] == [c[2]] and lead_view["pairs"]
    reviewer_view = (
        api_as(make_user("reviewer")).get(f"/articles/{article.id}/agreement").get_json()
    )
    assert reviewer_view["conflicts"] == [] and "pairs" not in reviewer_view
    assert reviewer_view["claims_compared"] == 0  # blind review: nothing of the others' votes


def test_agreement_on_the_article_page(reviewed, client, login, make_user):
    article, *_ = reviewed
    login(make_user("lead"))
    page = client.get(f"/articles/{article.id}").get_data(as_text=True)
    assert "3 of 4 double-reviewed claims agree" in page and "Conflicts:" in page


def test_claim_page_highlights_disagreement(reviewed, client, login, make_user):
    article, _a, _b, c = reviewed
    login(make_user("lead"))
    page = client.get(f"/claims/{c[2]}").get_data(as_text=True)
    assert "The reviews disagree:" in page and "1 confirmed, 1 disputed" in page
    assert "The reviews disagree:" not in client.get(f"/claims/{c[0]}").get_data(as_text=True)
