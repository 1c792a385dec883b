"""The language of an article: detected on import, corrected through the service (with its
permission and its audit event), and used by the splitter, the reports and similar claims."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from factcheck.database import transaction
from factcheck.errors import InvalidInput, InvalidTransition, PermissionDenied
from factcheck.extensions import db
from factcheck.models import Article, AuditEvent, Claim
from factcheck.services import (
    approvals,
    articles,
    assignments,
    exports,
    languages,
    reviews,
    similar,
    users,
)

LINK = [{"url": "https://example.org/s", "title": "S", "stance": "supports"}]
ES = (
    "Inflación\n\nEl ministro de Economía dijo el lunes que la inflación bajó al 3,2% en noviembre. "
    "Según el Sr. Pérez, la cifra es la más baja desde 2021.\n"
)
DE = (
    "Prozess\n\nDie 27. Große Strafkammer verhandelt seit dem 25. November gegen den Angeklagten. "
    "Laut Anklage soll er Nr. 5 der Liste gefälscht haben.\n"
)


def _events(article_id, action):
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.article_id == article_id, AuditEvent.action == action)
    ).all()


def test_import_detects_the_language_and_records_it(make_article):
    es, de, en = make_article(text=ES), make_article(text=DE), make_article()
    assert (es.language, de.language, en.language) == ("es", "de", "en")
    (event,) = _events(es.id, "article.imported")
    assert event.after["language"] == "es"


def test_the_language_given_wins_and_a_bad_one_changes_nothing(make_article, make_user, snapshot):
    assert make_article(text=ES, language="pt").language == "pt"
    actor = make_user()
    before = snapshot()
    with pytest.raises(InvalidInput, match="one of en, es, fr, de, pt"), transaction() as s:
        articles.import_article(s, actor=actor, text=ES, language="klingon")
    assert snapshot() == before


def test_correcting_the_language_splits_again_and_audits_it(make_article, make_user):
    article = make_article(text=DE, language="en")
    english = [c.text for c in article.claims]
    actor = make_user("reviewer")
    with transaction() as s:
        languages.set_article_language(
            s, actor=actor, article_id=article.id, language="DE", version=article.version
        )
    db.session.expire_all()
    article = db.session.get(Article, article.id)
    german = [c.text for c in article.claims]
    assert article.language == "de" and german != english
    (event,) = _events(article.id, "article.language_changed")
    assert event.before["language"] == "en" and event.after == {
        "language": "de",
        "claims": len(german),
    }
    assert event.actor_id == actor.id
    with transaction() as s:  # the same language again: nothing to change, nothing recorded
        languages.set_article_language(
            s, actor=actor, article_id=article.id, language="de", version=article.version
        )
    assert len(_events(article.id, "article.language_changed")) == 1


def test_refused_once_review_work_started_and_nothing_changes(make_article, make_user, snapshot):
    reviewer, lead = make_user("reviewer"), make_user("lead")
    reviewed, assigned = make_article(text=ES), make_article(text=ES)
    with transaction() as s:
        reviews.submit_review(
            s, actor=reviewer, claim_id=reviewed.claims[0].id, verdict="confirmed", links=LINK
        )
        assignments.assign(s, actor=lead, user_id=reviewer.id, article_id=assigned.id)
    for article in (db.session.get(Article, reviewed.id), db.session.get(Article, assigned.id)):
        before = snapshot()
        with (
            pytest.raises(InvalidTransition, match="work on its claims has started"),
            transaction() as s,
        ):
            languages.set_article_language(
                s, actor=reviewer, article_id=article.id, language="pt", version=article.version
            )
        assert snapshot() == before


def test_refused_on_an_approved_article_and_for_inactive_accounts(
    make_article, make_user, review_all
):
    article = make_article(text=ES)
    gone, admin, reviewer, lead = (
        make_user("lead"),
        make_user("admin"),
        make_user(),
        make_user("lead"),
    )
    with transaction() as s:
        users.update_user(s, actor=admin, user_id=gone.id, active=False)
    gone = db.session.get(type(gone), gone.id)
    with pytest.raises(PermissionDenied), transaction() as s:
        languages.set_article_language(s, actor=gone, article_id=article.id, language="pt",
                                       version=article.version)  # fmt: skip
    review_all(article.id, reviewer, lead)
    db.session.expire_all()
    article = db.session.get(Article, article.id)
    assert article.status == "approved"
    with pytest.raises(InvalidTransition, match="approved article is locked"), transaction() as s:
        languages.set_article_language(s, actor=lead, article_id=article.id,
                                       language="pt", version=article.version)  # fmt: skip


def test_reports_carry_the_language(make_article, make_user):
    article = make_article(text=ES, source_url="https://example.org/es")
    reviewer, lead = make_user("reviewer"), make_user("lead")
    for claim in article.claims:  # ClaimReview is made only for an approved article
        with transaction() as s:
            reviews.submit_review(
                s, actor=reviewer, claim_id=claim.id, verdict="confirmed", links=LINK
            )
        with transaction() as s:
            approvals.approve_claim(s, actor=lead, claim_id=claim.id, verdict="confirmed", note="",
                                    version=s.get(Claim, claim.id).version)  # fmt: skip
    with transaction() as s:
        articles.approve_article(s, actor=lead, article_id=article.id, published_url="https://paper.example/es/1",
                                 version=s.get(Article, article.id).version)  # fmt: skip
    with transaction() as s:
        cr = json.loads(exports.render_export(s, actor=reviewer, article_id=article.id,
                                              fmt="claimreview")[0].content)  # fmt: skip
        w3c = json.loads(exports.render_export(s, actor=reviewer, article_id=article.id,
                                               fmt="w3c")[0].content)  # fmt: skip
    assert cr[0]["itemReviewed"]["inLanguage"] == "es"
    assert cr[0]["itemReviewed"]["appearance"]["inLanguage"] == "es"
    assert {a["target"]["source"]["language"] for a in w3c["first"]["items"]} == {"es"}


def test_similar_claims_use_the_language_of_the_claim(make_article, make_user):
    rev, lead = make_user("reviewer"), make_user("lead")
    old = make_article(
        text="Paro\n\nEl desempleo juvenil subió hasta el 28 por ciento en Andalucía."
    )
    new = make_article(
        text="Empleo\n\nEl desempleo juvenil subía al 28 por ciento en Andalucía, dijo."
    )
    with transaction() as s:
        reviews.submit_review(
            s, actor=rev, claim_id=old.claims[-1].id, verdict="disputed", links=LINK
        )
    with transaction() as s:
        approvals.approve_claim(s, actor=lead, claim_id=old.claims[-1].id, verdict="disputed", note="",
                                version=s.get(Claim, old.claims[-1].id).version)  # fmt: skip
    db.session.expire_all()
    found = similar.similar_claims(db.session, db.session.get(Claim, new.claims[-1].id))
    assert [f["claim_id"] for f in found] == [old.claims[-1].id]
    assert "el" not in similar.search_terms("el desempleo en el sur", "es")
    assert similar.search_terms("the desempleo", "es") == ["desempleo"]
