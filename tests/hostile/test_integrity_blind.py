"""HOSTILE.md §4 item 2 (issue #17.2, #18.4): blind review holds in aggregates, and
agreement is computed on first verdicts.

INT-03: a lead returns a conflicting claim and a reviewer revises into agreement: the
agreement (page and API) stays on first verdicts (83 %), the conflict stays listed and
marked resolved, the revision is marked "revised after seeing the others" in the review
(claim page, API) and the report (JSON, Markdown, HTML).
INT-04: a reviewer who has not submitted a review of a claim learns nothing of the others
from the conflict filter, the agreement API, the report exports or the queue: what they
see is the same before and after the others reviewed (and it changes once they submit).
"""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import Claim
from factcheck.services import approvals, articles, reviews

SIX = (
    "Prices rose 5% in 2021. Unemployment fell to 3.9% in March. Exports doubled since 2019. "
    "Wages grew 4% last year. Rents climbed 12% in the capital. Debt reached 60% of GDP in 2020.\n"
)
LINK = {"url": "https://example.org/source", "title": "Source", "stance": "supports"}


def _six(make_user):
    a, b, lead = make_user("reviewer"), make_user("reviewer"), make_user("lead")
    with transaction() as s:
        art_id = articles.import_article(s, actor=a, text=SIX, title="Six").id
    ids = list(
        db.session.scalars(select(Claim.id).where(Claim.article_id == art_id).order_by(Claim.start))
    )
    assert len(ids) == 6
    return a, b, lead, art_id, ids


def _review(who, cid, verdict, version=None):
    with transaction() as s:
        saved, _ = reviews.submit_review(s, actor=who, claim_id=cid, verdict=verdict, note="n",
                                         links=[LINK], version=version)  # fmt: skip
    return saved


def test_int03_agreement_on_first_verdicts_and_resolved_conflicts(
    app, fresh_contexts, make_user, api_as, login, client, figure
):
    a, b, lead, art, ids = _six(make_user)
    for cid in ids:
        _review(a, cid, "confirmed")
        _review(b, cid, "disputed" if cid == ids[-1] else "confirmed")
    lead_api, api_b = api_as(lead), api_as(b)
    before = lead_api.get(f"/articles/{art}/agreement").get_json()
    with transaction() as s:
        approvals.return_claim(s, actor=lead, claim_id=ids[-1], comment="look again",
                               version=s.get(Claim, ids[-1]).version)  # fmt: skip
    r = api_b.put(f"/claims/{ids[-1]}/reviews/me", json={"verdict": "confirmed", "version": 1, "note": "n",
                                                          "links": [LINK]})  # fmt: skip
    assert r.status_code == 200, r.get_json()
    mine = r.get_json()
    assert mine["first_verdict"] == "disputed" and mine["revised_after_seen"] is True
    after = lead_api.get(f"/articles/{art}/agreement").get_json()
    assert before["share_agreeing"] == after["share_agreeing"] == 0.833
    assert after["conflicts"] == [ids[-1]] and after["resolved_conflicts"] == [ids[-1]]
    assert after["revised_after_seen"] == [ids[-1]] and after["current_share_agreeing"] == 1.0
    assert after["alpha"] == before["alpha"]
    # the lead's article page: 83 %, the conflict kept and marked resolved, the revision marked
    c = login(lead, c=client.application.test_client())
    page = c.get(f"/articles/{art}").get_data(as_text=True)
    section = page[page.index('id="agreement-h"') :][:3000]
    assert (
        "5 of 6" in section and "(83%)" in section and "After revisions, 6 agree (100%)" in section
    )
    assert re.search(r"claim 6</a> <span class=\"badge\">resolved</span>", section)
    assert "Revised after seeing the others" in section
    claim_page = c.get(f"/claims/{ids[-1]}").get_data(as_text=True)
    assert "revised after seeing the others" in claim_page and "first submitted as" in claim_page
    # the report: the review keeps its first verdict and the mark
    doc = json.loads(lead_api.get(f"/articles/{art}/export?format=json").get_data(as_text=True))
    last = next(cl for cl in doc["claims"] if cl["id"] == ids[-1])
    revised = [rv for rv in last["reviews"] if rv["revised_after_seen"]]
    assert (
        len(revised) == 1
        and revised[0]["first_verdict"] == "disputed"
        and revised[0]["verdict"] == "confirmed"
    )
    md = lead_api.get(f"/articles/{art}/export?format=md").get_data(as_text=True)
    assert "first submitted as" in md and "revised after seeing the other reviews" in md
    figure("INT-03", cases=7, ok=f"share {before['share_agreeing']} -> {after['share_agreeing']} (current "
           f"{after['current_share_agreeing']}); alpha {before['alpha']} -> {after['alpha']}; conflict kept, "
           "resolved; marked in review, page, API, JSON, Markdown", rows="-")  # fmt: skip


def _seen_by(c, api, art) -> dict:
    """What a reviewer can read of the article's reviews in aggregate (no timestamps or hashes)."""
    listing = c.get("/articles?conflicts=1").get_data(as_text=True)
    agreement = api.get(f"/articles/{art}/agreement").get_json()
    doc = json.loads(api.get(f"/articles/{art}/export?format=json").get_data(as_text=True))
    queue = c.get("/queue").get_data(as_text=True)
    return {
        "conflict filter lists it": f'/articles/{art}"' in listing,
        "agreement": agreement,
        "export reviews": [[rv["verdict"] for rv in cl["reviews"]] for cl in doc["claims"]],
        "export summary": {k: v for k, v in doc.get("summary", {}).items()},
        "queue conflicts": "disagree" in queue,
    }


def test_int04_blind_review_in_aggregates(
    app, fresh_contexts, make_user, api_as, login, client, figure
):
    a, b, lead, art, ids = _six(make_user)
    c_user = make_user("reviewer")
    c = login(c_user, c=client.application.test_client())
    api_c = api_as(c_user)
    alone = _seen_by(c, api_c, art)
    for cid in ids:
        _review(a, cid, "confirmed")
        _review(b, cid, "disputed" if cid in ids[-2:] else "confirmed")
    others = _seen_by(c, api_c, art)
    leaks = {k: (alone[k], others[k]) for k in alone if alone[k] != others[k]}
    # A reviewer of the conflicting claims sees the conflict (they submitted first).
    seen_a = _seen_by(login(a, c=client.application.test_client()), api_as(a), art)
    assert seen_a["conflict filter lists it"] and seen_a["agreement"]["claims_compared"] == 6
    # C submits on one conflicting claim: only that claim's figures open up to C.
    _review(c_user, ids[-1], "unconfirmed")
    after_own = _seen_by(c, api_c, art)
    assert after_own["conflict filter lists it"]
    assert after_own["agreement"]["claims_compared"] == 1
    assert sum(len(v) for v in after_own["export reviews"]) == 3  # the one claim's three reviews
    figure("INT-04", cases=f"{len(alone)} aggregates", ok=f"{len(leaks)} leaks before submitting; "
           "opens on the claim submitted only", rows="-", notes=str(leaks)[:100])  # fmt: skip
    assert not leaks, leaks
