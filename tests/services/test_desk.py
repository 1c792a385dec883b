"""The desk as a queue (what needs you, next, filters) and a lead's bulk decisions: every
claim goes through its own rules, refused claims are left as they were, one event each."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from factcheck.database import transaction
from factcheck.errors import InvalidInput, PermissionDenied
from factcheck.extensions import db
from factcheck.models import Assignment, AuditEvent, Claim
from factcheck.services import approvals, assignments, desk, reviews

LINK = [{"url": "https://example.org/proof", "title": "Proof", "stance": "supports"}]


def review(actor, claim_id, verdict="confirmed", links=LINK):
    with transaction() as s:
        reviews.submit_review(s, actor=actor, claim_id=claim_id, verdict=verdict, links=list(links))


def fresh(claim_id) -> Claim:
    db.session.expire_all()
    return db.session.get(Claim, claim_id)


def events(action: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    )


@pytest.fixture
def desk_day(make_article, make_user):
    article = make_article()
    return (
        article,
        [c.id for c in article.claims],
        make_user("reviewer"),
        make_user("reviewer"),
        make_user("lead"),
    )


def test_needs_me_gives_each_role_its_own_queue(desk_day):
    article, ids, r1, r2, lead = desk_day
    with transaction() as s:
        assignments.assign(s, actor=lead, user_id=r1.id, article_id=article.id)
    assert set(desk.needs_me(db.session, r1, article.id)) == set(ids)  # all assigned
    assert desk.needs_me(db.session, r2, article.id) == {}
    review(r1, ids[0])
    review(r1, ids[1])
    review(r2, ids[1], verdict="disputed")
    mine = desk.needs_me(db.session, r1, article.id)
    assert ids[0] not in mine and ids[1] not in mine and mine[ids[2]] == "assigned"
    leads = desk.needs_me(db.session, lead, article.id)
    assert leads == {ids[0]: "approval", ids[1]: "conflict"}
    with transaction() as s:
        approvals.return_claim(
            s, actor=lead, claim_id=ids[0], comment="check the date", version=fresh(ids[0]).version
        )
    assert desk.needs_me(db.session, r1, article.id)[ids[0]] == "returned"
    assert ids[0] not in desk.needs_me(db.session, r2, article.id)  # r2 did not review it


def test_next_needed_walks_forward_and_wraps():
    order = [5, 6, 7, 8]
    needed = {6: "assigned", 8: "approval"}
    assert desk.next_needed(order, needed, None) == 6
    assert desk.next_needed(order, needed, 6) == 8
    assert desk.next_needed(order, needed, 8) == 6  # wraps round
    assert desk.next_needed(order, {6: "x"}, 6) == 6  # the only one left
    assert desk.next_needed(order, {}, 6) is None


def test_filters_read_from_the_url_ignore_nonsense(desk_day):
    article, ids, *_ = desk_day
    flt = desk.ClaimFilter.from_args(
        {"status": "open", "verdict": "nope", "worth": "500", "assignee": "x", "speaker": " Min "}
    )
    assert flt == desk.ClaimFilter(status="open", speaker="Min")
    assert flt.as_args() == {"status": "open", "speaker": "Min"}
    claims = article.claims
    kept = [c for c in claims if desk.ClaimFilter(min_worth=1).keeps(c, set())]
    assert kept == [c for c in claims if c.checkworthiness >= 0.01]
    assert not desk.ClaimFilter(assignee=7).keeps(claims[0], {3})
    assert desk.ClaimFilter(assignee=0).keeps(claims[0], set())


def test_bulk_approve_applies_each_claims_rules(desk_day, snapshot):
    article, ids, r1, r2, lead = desk_day
    for cid in (ids[0], ids[1], ids[3]):
        review(r1, cid)
    review(r2, ids[1], verdict="disputed")  # the reviews disagree
    review(lead, ids[5])  # only the lead reviewed it: four-eyes
    review(r1, ids[2], links=[])  # no evidence: a confirmed verdict needs a link
    with transaction() as s:
        results = desk.bulk_decide(
            s,
            actor=lead,
            action="approve",
            claim_ids=[ids[0], ids[1], ids[2], ids[3], ids[5], ids[6]],
            note="",
        )
    by_id = {r["claim_id"]: r for r in results}
    assert [r["claim_id"] for r in results] == [ids[0], ids[1], ids[2], ids[3], ids[5], ids[6]]
    assert by_id[ids[0]]["ok"] and by_id[ids[3]]["ok"] and by_id[ids[0]]["status"] == "approved"
    assert "disagree" in by_id[ids[1]]["detail"]
    assert "evidence link" in by_id[ids[2]]["detail"]
    assert "four-eyes" in by_id[ids[5]]["detail"]
    assert "no review" in by_id[ids[6]]["detail"]
    assert fresh(ids[1]).status == "reviewed" and fresh(ids[2]).status == "reviewed"
    assert events("claim.approved") == 2  # one event per claim changed
    # approved means locked: a second bulk approval changes nothing
    before = snapshot()
    with transaction() as s:
        again = desk.bulk_decide(s, actor=lead, action="approve", claim_ids=[ids[0]])
    assert not again[0]["ok"] and "approved" in again[0]["detail"] and snapshot() == before


def test_bulk_approve_with_a_verdict_needs_the_note_where_reviews_disagree(desk_day):
    article, ids, r1, r2, lead = desk_day
    review(r1, ids[0])
    review(r2, ids[0], verdict="disputed")
    with transaction() as s:
        [r] = desk.bulk_decide(
            s, actor=lead, action="approve", claim_ids=[ids[0]], verdict="disputed"
        )
    assert not r["ok"] and "note is required" in r["detail"]
    with transaction() as s:
        [r] = desk.bulk_decide(
            s,
            actor=lead,
            action="approve",
            claim_ids=[ids[0]],
            verdict="disputed",
            note="The minutes say otherwise",
        )
    assert r["ok"] and fresh(ids[0]).final_verdict == "disputed"


def test_bulk_stale_version_is_refused_for_that_claim_only(desk_day):
    article, ids, r1, _r2, lead = desk_day
    review(r1, ids[0])
    review(r1, ids[1])
    old = fresh(ids[0]).version - 1
    with transaction() as s:
        results = desk.bulk_decide(
            s, actor=lead, action="approve", claim_ids=[ids[0], ids[1]], versions={ids[0]: old}
        )
    assert [r["ok"] for r in results] == [False, True]
    assert "version" in results[0]["detail"]


def test_bulk_exclude_assign_and_due(desk_day):
    article, ids, r1, _r2, lead = desk_day
    with transaction() as s:
        results = desk.bulk_decide(
            s, actor=lead, action="exclude", claim_ids=ids[:2], reason="opinion"
        )
    assert all(r["ok"] for r in results) and fresh(ids[0]).excluded_reason == "opinion"
    with transaction() as s:
        results = desk.bulk_decide(
            s, actor=lead, action="due", claim_ids=[ids[3]], due_on="2030-01-02"
        )
    assert not results[0]["ok"] and "assign it first" in results[0]["detail"]
    with transaction() as s:
        results = desk.bulk_decide(
            s, actor=lead, action="assign", claim_ids=ids[2:5], user_id=r1.id, due_on="2030-01-01"
        )
    assert all(r["ok"] for r in results)
    assert events("assignment.created") == 3  # one per claim
    with transaction() as s:
        results = desk.bulk_decide(
            s, actor=lead, action="due", claim_ids=ids[2:4], due_on="2030-01-05"
        )
    assert all(r["ok"] for r in results) and events("assignment.due_set") == 2
    dues = db.session.scalars(
        select(Assignment.due_on).where(Assignment.claim_id.in_(ids[2:4]))
    ).all()
    assert {d.isoformat() for d in dues} == {"2030-01-05"}


def test_bulk_refuses_bad_input_and_wrong_roles_whole(desk_day, snapshot):
    article, ids, r1, _r2, lead = desk_day
    before = snapshot()
    for kwargs, error in [
        ({"actor": r1, "action": "approve", "claim_ids": ids[:1]}, PermissionDenied),
        (
            {"actor": r1, "action": "assign", "claim_ids": ids[:1], "user_id": r1.id},
            PermissionDenied,
        ),
        ({"actor": lead, "action": "explode", "claim_ids": ids[:1]}, InvalidInput),
        ({"actor": lead, "action": "approve", "claim_ids": []}, InvalidInput),
        ({"actor": lead, "action": "approve", "claim_ids": [True]}, InvalidInput),
        ({"actor": lead, "action": "approve", "claim_ids": "1,2"}, InvalidInput),
        ({"actor": lead, "action": "assign", "claim_ids": ids[:1]}, InvalidInput),
        ({"actor": lead, "action": "due", "claim_ids": ids[:1]}, InvalidInput),
    ]:
        with pytest.raises(error), transaction() as s:
            desk.bulk_decide(s, **kwargs)
    with transaction() as s:
        [r] = desk.bulk_decide(s, actor=lead, action="exclude", claim_ids=[999999], reason="x")
    assert not r["ok"] and "does not exist" in r["detail"]
    assert snapshot() == before


def test_merge_then_undo_gives_the_claim_back_its_id_speaker_and_statement(desk_day):
    from factcheck.services import claims, undo

    article, ids, r1, *_ = desk_day
    with transaction() as s:
        claims.update_claim(s, actor=r1, claim_id=ids[4], version=fresh(ids[4]).version,
                            speaker="The mayor", statement="Twelve schools closed")  # fmt: skip
    with transaction() as s:
        claims.merge_claims(
            s, actor=r1, claim_id=ids[3], with_id=ids[4], version=fresh(ids[3]).version
        )
    assert fresh(ids[4]) is None
    last = undo.last_undoable_edit(db.session, actor=r1, article_id=article.id)
    with transaction() as s:
        undo.undo_last_edit(s, actor=r1, article_id=article.id, event_id=last.event_id)
    back = fresh(ids[4])
    assert (
        back is not None
        and back.speaker == "The mayor"
        and back.statement == "Twelve schools closed"
    )
    assert [c.id for c in db.session.get(type(article), article.id).claims] == ids
