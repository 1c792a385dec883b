"""The workspace as a queue and the lead's bulk decisions, through the pages as a person
(or the page script) uses them: next that needs me, filters in the URL, bulk forms with
and without JavaScript, refusals shown once and in place, links to claims that are gone."""

from __future__ import annotations

import html
import re

from sqlalchemy import func, select

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import AuditEvent, Claim
from factcheck.services import assignments, reviews

LINK = [{"url": "https://example.org/proof", "title": "Proof", "stance": "supports"}]
THREE = "Prices rose 5% in 2021. Unemployment fell to 3.9% in March. Exports doubled since 2019.\n"
JSON = {"Accept": "application/json"}


def review(actor, claim_id, verdict="confirmed", links=LINK):
    with transaction() as s:
        reviews.submit_review(s, actor=actor, claim_id=claim_id, verdict=verdict, links=list(links))


def claim(claim_id) -> Claim:
    db.session.rollback()
    return db.session.get(Claim, claim_id)


def test_next_that_needs_me_follows_my_queue(make_user, make_article, client_for):
    r1, lead = make_user("reviewer"), make_user("lead")
    article = make_article(text=THREE)
    ids = [c.id for c in article.claims]
    with transaction() as s:
        assignments.assign(s, actor=lead, user_id=r1.id, article_id=article.id, claim_ids=ids[1:])
    c = client_for(r1)
    page = c.get(f"/articles/{article.id}").get_data(as_text=True)
    assert 'needs-count">2</strong> <span class="needs-word">need you</span>' in page
    assert "needs you: assigned to you" in page
    resp = c.get(f"/articles/{article.id}/next?status=open")
    assert resp.status_code == 302 and f"claim={ids[1]}" in resp.headers["Location"]
    assert "status=open" in resp.headers["Location"]  # the filters stay in the URL
    assert c.get(f"/articles/{article.id}/next?after={ids[1]}", headers=JSON).json == {
        "claim_id": ids[2],
        "reason": "assigned to you",
        "left": 2,
    }
    review(r1, ids[1])
    review(r1, ids[2])
    resp = c.get(f"/articles/{article.id}/next", follow_redirects=True)
    assert "Nothing on this article needs you now." in resp.get_data(as_text=True)


def test_filters_are_kept_in_the_url(make_user, make_article, client_for):
    r1 = make_user("reviewer")
    article = make_article(text=THREE)
    ids = [c.id for c in article.claims]
    review(r1, ids[0])
    c = client_for(r1)
    page = c.get(f"/articles/{article.id}?status=reviewed").get_data(as_text=True)
    listed = re.findall(r'class="claim-item[^"]*" data-claim-id="(\d+)"', page)
    assert listed == [str(ids[0])]
    assert (
        f"/articles/{article.id}?status=reviewed&amp;claim={ids[0]}#panel" in page
    )  # links keep it
    assert "(1 of 3 shown)" in page
    page = c.get(f"/articles/{article.id}?status=excluded").get_data(as_text=True)
    assert "No claim matches these filters." in page


def test_bulk_approve_by_form_without_javascript(make_user, make_article, client_for):
    r1, r2, lead = make_user("reviewer"), make_user("reviewer"), make_user("lead")
    article = make_article(text=THREE)
    ids = [c.id for c in article.claims]
    review(r1, ids[0])
    review(r1, ids[1])
    review(r2, ids[1], verdict="disputed")
    c = client_for(lead)
    page = c.get(f"/articles/{article.id}?status=reviewed&select=all").get_data(as_text=True)
    assert page.count('name="claim_ids"') == 2 and page.count("checked>") >= 2
    resp = c.post(
        f"/articles/{article.id}/bulk",
        data={
            "action": "approve",
            "claim_ids": [str(i) for i in ids[:2]],
            "note": "",
            "status": "reviewed",
        },
    )
    assert resp.status_code == 302 and resp.headers["Location"].endswith(
        f"/articles/{article.id}?status=reviewed"
    )
    page = html.unescape(c.get(resp.headers["Location"]).get_data(as_text=True))
    assert "1 of 2 claims approved." in page
    assert "Claim 2: the reviews disagree: decide this claim on its own" in page
    assert claim(ids[0]).status == "approved" and claim(ids[1]).status == "reviewed"


def test_bulk_by_json_gives_a_result_per_claim(make_user, make_article, client_for, snapshot):
    r1, lead = make_user("reviewer"), make_user("lead")
    article = make_article(text=THREE)
    ids = [c.id for c in article.claims]
    review(r1, ids[0])
    c = client_for(lead)
    resp = c.post(
        f"/articles/{article.id}/bulk",
        headers=JSON,
        data={
            "action": "approve",
            "claim_ids": [str(ids[0]), str(ids[2])],
            f"v-{ids[0]}": str(claim(ids[0]).version),
        },
    )
    assert resp.status_code == 200
    assert resp.json["summary"] == "1 of 2 claims approved." and resp.json["done"] == 1
    assert [(r["seq"], r["ok"]) for r in resp.json["results"]] == [(1, True), (3, False)]
    reviewer = client_for(r1)
    before = snapshot()
    resp = c.post(f"/articles/{article.id}/bulk", headers=JSON, data={"action": "approve"})
    assert resp.status_code == 422 and resp.json["errors"] == {
        "claim_ids": "a non-empty list of claim ids"
    }
    resp = reviewer.post(
        f"/articles/{article.id}/bulk",
        headers=JSON,
        data={"action": "approve", "claim_ids": [str(ids[1])]},
    )
    assert resp.status_code == 403 and snapshot() == before


def test_actions_answer_the_page_script_in_json(make_user, make_article, client_for):
    r1, lead = make_user("reviewer"), make_user("lead")
    article = make_article(text=THREE)
    ids = [c.id for c in article.claims]
    review(r1, ids[0])
    c = client_for(lead)
    v = claim(ids[0]).version
    resp = c.post(
        f"/claims/{ids[0]}/approve",
        headers=JSON,
        data={"verdict": "confirmed", "note": "", "version": v - 1},
    )
    assert resp.status_code == 409 and resp.json["stale"] is True
    resp = c.post(
        f"/claims/{ids[1]}/approve",
        headers=JSON,
        data={"verdict": "confirmed", "version": claim(ids[1]).version},
    )
    assert resp.status_code == 409 and resp.json["stale"] is False  # a state refusal is not "stale"
    resp = c.post(
        f"/claims/{ids[0]}/approve",
        headers=JSON,
        data={"verdict": "confirmed", "note": "", "version": v},
    )
    assert resp.status_code == 200 and resp.json == {
        "message": "Final verdict approved.",
        "claim_id": ids[0],
    }
    resp = c.post(
        f"/claims/{ids[1]}/split",
        headers=JSON,
        data={"at": claim(ids[1]).start + 5, "version": claim(ids[1]).version},
    )
    assert resp.status_code == 200 and resp.json["claim_id"] == ids[1]


def test_refusal_stays_in_the_workspace_once_and_keeps_input(make_user, make_article, client_for):
    r1, lead = make_user("reviewer"), make_user("lead")
    article = make_article(text=THREE)
    cid = article.claims[0].id
    review(r1, cid, links=[])  # a confirmed verdict needs evidence in the reviews
    c = client_for(lead)
    resp = c.post(
        f"/claims/{cid}/approve",
        data={
            "verdict": "confirmed",
            "note": "NOTE-kept-4711",
            "version": claim(cid).version,
            "back": "workspace",
        },
    )
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "data-workspace" in page and 'class="claim-list"' in page  # still the workspace
    assert page.count("needs at least one evidence link") == 1  # once, next to the verdict
    assert "current version" not in page and "changed this claim meanwhile" not in page  # not stale
    approve_form = page[page.index('class="approve-form"') :]
    assert "NOTE-kept-4711" in approve_form[: approve_form.index("</form>")]
    review_form = page[page.index('class="review-form"') :]
    review_form = review_form[: review_form.index("</form>")]
    assert "NOTE-kept-4711" not in review_form  # the approval never pre-fills the review
    assert "checked" not in review_form


def test_stale_save_says_so(make_user, make_article, client_for):
    r1 = make_user("reviewer")
    article = make_article(text=THREE)
    cid = article.claims[0].id
    c = client_for(r1)
    resp = c.post(
        f"/claims/{cid}/edit",
        data={"speaker": "Minister", "statement": "", "version": 99, "back": "workspace"},
    )
    page = resp.get_data(as_text=True)
    assert resp.status_code == 409 and page.count("changed this claim meanwhile") == 1
    assert 'value="Minister"' in page


def test_a_link_to_a_gone_claim_says_so(make_user, make_article, client_for):
    r1 = make_user("reviewer")
    article, other = make_article(text=THREE), make_article(text=THREE)
    c = client_for(r1)
    page = c.get(f"/articles/{article.id}?claim=987654").get_data(as_text=True)
    assert "Claim 987654 does not exist any more" in page
    resp = c.get(f"/articles/{article.id}?claim={other.claims[0].id}")
    assert (
        resp.status_code == 302
        and f"/articles/{other.id}?claim={other.claims[0].id}" in resp.headers["Location"]
    )


def test_every_bulk_change_is_audited_per_claim(make_user, make_article, client_for):
    r1, lead = make_user("reviewer"), make_user("lead")
    article = make_article(text=THREE)
    ids = [c.id for c in article.claims]
    c = client_for(lead)
    c.post(
        f"/articles/{article.id}/bulk",
        data={"action": "assign", "claim_ids": [str(i) for i in ids], "user_id": r1.id},
    )
    c.post(
        f"/articles/{article.id}/bulk",
        data={"action": "due", "claim_ids": [str(i) for i in ids], "due_on": "2030-03-01"},
    )
    db.session.rollback()
    counts = dict(
        db.session.execute(
            select(AuditEvent.action, func.count()).group_by(AuditEvent.action)
        ).all()
    )
    assert counts["assignment.created"] == 3 and counts["assignment.due_set"] == 3


def test_the_queue_lists_claims_under_their_article(make_user, make_article, client_for):
    """One heading row per article with its claims under it, not its title on every row."""
    r1, lead = make_user("reviewer"), make_user("lead")
    first = make_article(text=THREE, title="Prices and jobs")
    second = make_article(text="Crime fell 12% in 2024. Arrests doubled.\n", title="Crime figures")
    with transaction() as s:
        for a in (first, second):
            assignments.assign(s, actor=lead, user_id=r1.id, article_id=a.id)
    page = client_for(r1).get("/queue").get_data(as_text=True)
    mine = page[page.index('id="q-mine"') : page.index('id="q-mine-returned"')]
    headings = re.findall(r'<tr class="article-row"><th scope="colgroup" colspan="2">'
                          r'<a href="/articles/(\d+)"><bdi>([^<]*)</bdi>', mine)  # fmt: skip
    assert sorted(headings) == sorted([(str(first.id), "Prices and jobs"),
                                       (str(second.id), "Crime figures")])  # fmt: skip
    claim_rows = re.findall(r'<td><a href="/claims/(\d+)">', mine)
    assert sorted(map(int, claim_rows)) == sorted(c.id for a in (first, second) for c in a.claims)
    # each claim follows its own article's heading
    for a in (first, second):
        start = mine.index(f'<a href="/articles/{a.id}"><bdi>')
        after = mine[start:]
        nxt = after.find('class="article-row"', 10)
        block = after if nxt < 0 else after[:nxt]
        assert {int(i) for i in re.findall(r'href="/claims/(\d+)"', block)} == {
            c.id for c in a.claims
        }


def test_the_badge_says_99_plus_past_its_cap(make_user, make_article, client_for, monkeypatch):
    """The navigation badge stops counting at BADGE_CAP ("99+" with the cap at 100); the
    queue page keeps the exact total."""
    lead, rev = make_user("lead"), make_user("reviewer")
    article = make_article(text=THREE)
    for c in article.claims:
        review(rev, c.id)
    monkeypatch.setattr(assignments, "BADGE_CAP", 3)
    page = client_for(lead).get("/articles").get_data(as_text=True)
    assert '<span class="pill" aria-label="More than 2 need you">2+</span>' in page
    monkeypatch.setattr(assignments, "BADGE_CAP", 100)
    page = client_for(lead).get("/articles").get_data(as_text=True)
    assert '<span class="pill" aria-label="3 need you">3</span>' in page
    queue = client_for(lead).get("/queue").get_data(as_text=True)
    assert "<strong>3</strong> awaiting approval" in queue
