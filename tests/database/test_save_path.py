"""The review save, the desk's most frequent write, stays lean (issue #8).

SQLite's writers take turns, so every statement and every ORM load made while a save
holds the turn is paid by every other save waiting for it; PostgreSQL's take no desk-wide
lock (the audit chain is sealed later), but hold the claim's row lock from the first
statement of the unit. These tests pin what a save does in its write, with the sealer
running apart as in production, and that the lean path answers exactly what the claim's
page and the API read back.
"""

from __future__ import annotations

import re

import pytest
from dbtools import count_queries
from settings_helpers import override_settings
from sqlalchemy import event, select, update

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import Article, AuditEvent, Claim, Review, User
from factcheck.services import claims, reviews
from factcheck.services.audit import verify_chain
from factcheck.services.sealing import seal_all

LINK = {"url": "https://example.org/source", "title": "Source", "stance": "supports"}
OTHER = {"url": "https://example.org/other", "title": "Other", "stance": "context",
         "excerpt": "a line", "archived_url": "https://archive.example.org/x"}  # fmt: skip


@pytest.fixture(autouse=True)
def _fresh_context_per_request(fresh_contexts, app):
    """Every request in its own app context and session, as on a server, whose events the
    sealer seals apart (PostgreSQL; not inline after the commit, as the other tests do)."""
    override_settings(app, AUDIT_SEALER="sealer")


def _flat(seen: list[str]) -> list[str]:
    return [re.sub(r"\s+", " ", s).strip() for s in seen]


def _write_part(seen: list[str]) -> list[str]:
    """The statements of the write: after BEGIN IMMEDIATE (SQLite), or from the first row
    lock on (PostgreSQL: the claim's, taken by the unit's first statement)."""
    seen = _flat(seen)
    for i, s in enumerate(seen):
        if s.startswith("BEGIN IMMEDIATE") or " FOR UPDATE" in s:
            start = i + 1 if s.startswith("BEGIN") else i
            return [s for s in seen[start:] if not s.startswith(("COMMIT", "ROLLBACK"))]
    raise AssertionError(f"no write began in {seen}")


def _kind(statement: str) -> str:
    """'SELECT claims', 'UPDATE reviews', 'INSERT INTO audit_events' …"""
    while re.search(r"\([^()]*\)", statement):  # the outer statement, without subqueries
        statement = re.sub(r"\([^()]*\)", "", statement)
    words = statement.split()
    if words[0] == "SELECT":
        return "SELECT " + statement.split(" FROM ", 1)[1].split()[0]
    return " ".join(words[:3]) if words[0] in ("INSERT", "DELETE") else " ".join(words[:2])


@pytest.fixture
def desk(app, make_user, make_article, api_as):
    reviewer = make_user("reviewer")
    article = make_article(actor=reviewer)
    return {"api": api_as(reviewer), "claim_id": article.claims[0].id,
            "article_id": article.id, "reviewer": reviewer}  # fmt: skip


def _put(desk, body):
    return desk["api"].put(f"/claims/{desk['claim_id']}/reviews/me", json=body)


def test_a_revision_holds_the_writers_turn_for_one_read_and_three_writes(desk):
    first = _put(desk, {"verdict": "confirmed", "note": "one"})
    assert first.status_code == 201
    with count_queries() as seen:
        r = _put(
            desk, {"verdict": "disputed", "note": "two", "version": first.get_json()["version"]}
        )
    assert r.status_code == 200, r.get_json()
    write = [_kind(s) for s in _write_part(seen)]
    # The claim, its article, its review count, my review with its links and the chain's
    # head in one read; the review, the claim and the new event. No account reloaded.
    assert write == ["SELECT claims", "UPDATE reviews", "UPDATE claims",
                     "INSERT INTO audit_events"], write  # fmt: skip
    before_write = _flat(seen)[: len(seen) - len(_write_part(seen))]
    assert sum(" FROM users" in s for s in before_write) == 1  # the token's owner, once
    assert not any("users" in s for s in _write_part(seen))


def test_a_revision_beside_other_reviews_reads_nothing_more(desk, make_user, api_as):
    """The desk's usual save: a claim others reviewed too, in conflict or not. Whether a
    conflict has just begun is the claim's flag before (the first read) and after (the
    claim's UPDATE ... RETURNING): no read of the claim's reviews for the notices."""
    other = api_as(make_user("reviewer"))
    assert other.put(f"/claims/{desk['claim_id']}/reviews/me",
                     json={"verdict": "confirmed"}).status_code == 201  # fmt: skip
    v = _put(desk, {"verdict": "confirmed", "note": "one"}).get_json()["version"]
    for verdict in ("disputed", "unconfirmed", "confirmed"):  # begins, goes on, ends
        with count_queries() as seen:
            r = _put(desk, {"verdict": verdict, "note": "two", "version": v})
        assert r.status_code == 200, r.get_json()
        v = r.get_json()["version"]
        write = [_kind(s) for s in _write_part(seen)]
        assert write[:4] == ["SELECT claims", "UPDATE reviews", "UPDATE claims",
                             "INSERT INTO audit_events"], write  # fmt: skip
        assert not any(k == "SELECT reviews" for k in write), write


def test_links_are_rewritten_only_when_they_change(desk):
    v = _put(desk, {"verdict": "confirmed", "links": [LINK]}).get_json()["version"]
    with count_queries() as seen:
        v = _put(desk, {"verdict": "disputed", "links": [LINK], "version": v}).get_json()["version"]
    assert not any("evidence_links" in s for s in _write_part(seen)[1:])
    with count_queries() as seen:
        r = _put(desk, {"verdict": "disputed", "links": [OTHER, LINK], "version": v})
    kinds = [_kind(s) for s in _write_part(seen)]
    assert "DELETE FROM evidence_links" in kinds and "INSERT INTO evidence_links" in kinds
    assert [link["url"] for link in r.get_json()["links"]] == [OTHER["url"], LINK["url"]]


def test_the_answer_is_what_the_claim_reads_back(desk):
    """The PUT answers from the values it wrote; a GET of the claim reloads them."""
    r = _put(desk, {"verdict": "unconfirmed", "note": "Seen **twice**", "links": [OTHER, LINK]})
    assert r.status_code == 201
    saved = r.get_json()
    claim = desk["api"].get(f"/claims/{desk['claim_id']}").get_json()
    assert claim["reviews"] == [saved]
    assert claim["status"] == "reviewed" and r.headers["ETag"] == f'"{saved["version"]}"'
    revised = _put(desk, {"verdict": "confirmed", "note": "Seen **twice**", "links": [LINK],
                          "version": saved["version"]}).get_json()  # fmt: skip
    claim = desk["api"].get(f"/claims/{desk['claim_id']}").get_json()
    assert claim["reviews"] == [revised] and revised["version"] == saved["version"] + 1
    assert revised["created_at"] == saved["created_at"] != revised["updated_at"]
    unchanged = _put(desk, {"verdict": "confirmed", "note": "Seen **twice**", "links": [LINK],
                            "version": revised["version"]}).get_json()  # fmt: skip
    assert unchanged == revised  # nothing changed: same version, same times, no event


def test_the_first_review_starts_the_article_and_bumps_versions(desk):
    with db.engine.connect() as conn:
        a0 = conn.execute(select(Article.status, Article.version)
                          .where(Article.id == desk["article_id"])).one()  # fmt: skip
        c0 = conn.execute(select(Claim.version).where(Claim.id == desk["claim_id"])).scalar()
    assert a0.status == "draft"
    v = _put(desk, {"verdict": "confirmed"}).get_json()["version"]
    _put(desk, {"verdict": "disputed", "version": v})
    with db.engine.connect() as conn:
        a1 = conn.execute(select(Article.status, Article.version)
                          .where(Article.id == desk["article_id"])).one()  # fmt: skip
        c1 = conn.execute(select(Claim.version).where(Claim.id == desk["claim_id"])).scalar()
    assert (a1.status, a1.version) == ("in_review", a0.version + 1)  # once, by the first review
    assert c1 == c0 + 2  # each save makes a lead's copy of the claim stale
    seal_all(db.engine)  # what the sealer does a moment later (PostgreSQL)
    assert verify_chain(db.session).ok


def test_objects_loaded_before_the_save_are_not_stale(app, desk):
    """A unit of work that loaded the claim and the review keeps working after a save."""
    v = _put(desk, {"verdict": "confirmed", "links": [LINK]}).get_json()["version"]
    with app.app_context(), transaction() as s:
        reviewer = s.get(User, desk["reviewer"].id)
        claim = s.get(Claim, desk["claim_id"])
        review = s.scalars(select(Review).where(Review.claim_id == claim.id)).one()
        old_claim_version, _links = claim.version, list(review.links)
        saved, created = reviews.submit_review(
            s, actor=reviewer, claim_id=claim.id, verdict="disputed",
            links=[OTHER], version=v,
        )  # fmt: skip
        assert not created and saved.version == v + 1
        assert claim.version == old_claim_version + 1  # reloaded, not the stale copy
        assert review.verdict == "disputed" and [x.url for x in review.links] == [OTHER["url"]]
        # an ORM change of the same claim after the Core writes flushes against its new version
        claims.update_claim(s, actor=reviewer, claim_id=claim.id, version=claim.version,
                            speaker="A spokesperson")  # fmt: skip
    with app.app_context():
        assert db.session.get(Claim, desk["claim_id"]).speaker == "A spokesperson"
        events = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert events[-2:] == ["review.revised", "claim.updated"]
        seal_all(db.engine)
        assert verify_chain(db.session).ok


def test_a_save_checks_out_one_connection(desk):
    """The request's read (its token) and its write share one connection from the pool."""
    v = _put(desk, {"verdict": "confirmed"}).get_json()["version"]
    checkouts: list[int] = []

    def count(*_args):
        checkouts.append(1)

    event.listen(db.engine, "checkout", count)
    try:
        r = _put(desk, {"verdict": "disputed", "version": v})
    finally:
        event.remove(db.engine, "checkout", count)
    assert r.status_code == 200 and len(checkouts) == 1


def test_what_was_read_before_the_unit_is_read_again_inside_it(app, desk):
    """A unit of work that follows reads in the same session does not act on stale copies."""
    claims_table = Claim.__table__
    with app.app_context():
        claim = db.session.get(Claim, desk["claim_id"])  # the request's read
        v0 = claim.version
        with db.engine.begin() as other:  # another writer commits meanwhile
            other.execute(
                update(claims_table)
                .where(claims_table.c.id == claim.id)
                .values(speaker="Someone else", version=claims_table.c.version + 1)
            )
        with transaction():
            assert (claim.version, claim.speaker) == (v0 + 1, "Someone else")
        db.session.remove()
