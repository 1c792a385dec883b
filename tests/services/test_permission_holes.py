"""Three rules that lived in two places and drifted: each is now one predicate, and the
service, the API and the page all refuse (or hide) alike."""

from __future__ import annotations

import pytest

from factcheck.database import transaction
from factcheck.errors import InvalidTransition
from factcheck.extensions import db
from factcheck.models import Article, Claim
from factcheck.services import agreement, approvals, claims, reviews, versions
from factcheck.services.sources import Source

TEXT = "Prices rose 5% in 2021, the bank said. Unemployment fell to 3.9% in March.\n"
THREE = "Prices rose 5% in 2021. Unemployment fell to 3.9% in March. Exports doubled since 2019.\n"
LINK = [{"url": "https://example.org/x", "title": "X", "stance": "supports"}]


def _claim(claim_id) -> Claim:
    db.session.expire_all()
    return db.session.get(Claim, claim_id)


def test_an_excluded_claim_cannot_be_split_anywhere(
    make_user, make_article, api_as, login, client, snapshot
):
    rev = make_user("reviewer")
    claim = make_article(text=TEXT, actor=rev).claims[0]
    with transaction() as s:
        claims.exclude_claim(
            s, actor=rev, claim_id=claim.id, reason="opinion", version=claim.version
        )
    claim, api = _claim(claim.id), api_as(rev)
    before = snapshot()
    with pytest.raises(InvalidTransition, match="span can no longer change"), transaction() as s:
        claims.split_claim(
            s, actor=rev, claim_id=claim.id, at=claim.start + 6, version=claim.version
        )
    resp = api.post(
        f"/claims/{claim.id}/split", json={"at": claim.start + 6, "version": claim.version}
    )
    assert resp.status_code == 409, resp.get_json()
    assert snapshot() == before
    page = login(rev).get(f"/claims/{claim.id}").get_data(as_text=True)
    assert f"/claims/{claim.id}/split" not in page and f"/claims/{claim.id}/include" in page


def test_a_new_version_of_an_approved_article_is_refused(
    make_user, make_article, review_all, api_as, login, client, snapshot
):
    rev, lead = make_user("reviewer"), make_user("lead")
    article = make_article(text=TEXT, actor=rev)
    review_all(article.id, rev, lead)
    article = db.session.get(Article, article.id)
    assert article.status == "approved"
    corrected, api = TEXT.replace("5%", "6%"), api_as(rev)
    before = snapshot()
    with pytest.raises(InvalidTransition, match="approved article is locked"), transaction() as s:
        versions.import_new_version(s, actor=rev, article_id=article.id, version=article.version,
                                    source=Source(text=corrected, raw=corrected, kind="text"))  # fmt: skip
    resp = api.post(f"/articles/{article.id}/versions",
                            json={"text": corrected, "version": article.version})  # fmt: skip
    assert resp.status_code == 409 and "approved" in resp.get_json()["detail"]
    assert snapshot() == before
    db.session.expire_all()
    article = db.session.get(Article, article.id)
    assert article.status == "approved" and article.current_version == 1
    assert [c.status for c in article.claims] == ["approved"] * len(article.claims)
    page = login(rev).get(f"/articles/{article.id}").get_data(as_text=True)
    assert f"/articles/{article.id}/versions" not in page
    assert "No corrected version can be imported now" in page


def _review(actor, claim_id, verdict):
    with transaction() as s:
        reviews.submit_review(s, actor=actor, claim_id=claim_id, verdict=verdict, links=LINK)


def test_a_blind_reviewer_learns_nothing_from_the_agreement_figures(
    make_user, make_article, api_as
):
    a, b, blind, lead = (make_user(r) for r in ("reviewer", "reviewer", "reviewer", "lead"))
    article = make_article(text=THREE, actor=a)
    first, second, third = (c.id for c in article.claims)
    for claim_id, (va, vb) in zip((first, second), [("confirmed", "disputed"), ("confirmed", "confirmed")],
                                  strict=True):  # fmt: skip
        _review(a, claim_id, va)
        _review(b, claim_id, vb)
    # The lead sees every review: one conflict, one agreement.
    full = agreement.article_agreement(db.session, article.id, viewer=lead)
    assert (full["claims_compared"], full["agreeing"], full["conflicts"]) == (2, 1, [first])
    assert api_as(lead).get(f"/articles/{article.id}/agreement").get_json()["claims_compared"] == 2
    # A reviewer who reviewed none of them learns nothing of how the others voted.
    shown = api_as(blind).get(f"/articles/{article.id}/agreement").get_json()
    assert shown["claims_with_reviews"] == shown["claims_compared"] == shown["agreeing"] == 0
    assert shown["share_agreeing"] is None and shown["alpha"] is None and shown["conflicts"] == []
    # Once they reviewed a claim they may read its reviews, and the figures cover that claim.
    _review(blind, second, "confirmed")
    _review(blind, third, "unconfirmed")
    shown = api_as(blind).get(f"/articles/{article.id}/agreement").get_json()
    assert (shown["claims_with_reviews"], shown["claims_compared"], shown["agreeing"]) == (2, 1, 1)
    assert "pairs" not in shown  # who agrees with whom is the lead's table


@pytest.fixture
def client_for(app, login, fresh_contexts):
    return lambda user: login(user, c=app.test_client())


def test_the_lead_page_shows_the_agreement_and_the_reviewer_page_does_not(
    make_user, make_article, client_for
):
    a, b, lead = make_user("reviewer"), make_user("reviewer"), make_user("lead")
    article = make_article(text=THREE, actor=a)
    claim_id = article.claims[0].id
    _review(a, claim_id, "confirmed")
    _review(b, claim_id, "disputed")
    assert "Agreement between reviewers" in client_for(lead).get(
        f"/articles/{article.id}"
    ).get_data(as_text=True)
    assert "Agreement between reviewers" not in client_for(a).get(
        f"/articles/{article.id}"
    ).get_data(as_text=True)


def test_four_eyes_is_one_predicate(make_user, make_article, client_for):
    """The lead who is a claim's only reviewer gets no approve form, but the reason."""
    lead = make_user("lead")
    claim = make_article(text=TEXT, actor=lead).claims[0]
    _review(lead, claim.id, "confirmed")
    page = client_for(lead).get(f"/claims/{claim.id}").get_data(as_text=True)
    assert f"/claims/{claim.id}/approve" not in page and "four-eyes" in page
    with pytest.raises(InvalidTransition, match="four-eyes"), transaction() as s:
        approvals.approve_claim(s, actor=lead, claim_id=claim.id, verdict="confirmed", note="",
                                version=s.get(Claim, claim.id).version)  # fmt: skip
