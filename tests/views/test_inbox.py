"""The inbox as people use it: the nav badge, the page, mark read, paging, the account's
e-mail choices, and the same through the JSON API."""

from __future__ import annotations

import re

from sqlalchemy import select

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import AuditEvent, SystemActor, User
from factcheck.services import assignments, notifications, reviews

LINK = [{"url": "https://example.org/a", "title": "A", "stance": "supports"}]


def _badge(html: str, label: str) -> str | None:
    m = re.search(label + r' <span class="pill" aria-label="[^"]*">(\d+)</span>', html)
    return m.group(1) if m else None


def _assign(lead, user, article, claim_ids=None):
    with transaction() as s:
        assignments.assign(
            s, actor=lead, user_id=user.id, article_id=article.id, claim_ids=claim_ids
        )


def test_the_inbox_shows_the_notice_links_to_the_claim_and_marks_read(
    client, login, make_user, make_article
):
    lead, reviewer = make_user("lead", name="Lena"), make_user("reviewer")
    article = make_article(actor=lead)
    cid = article.claims[2].id
    _assign(lead, reviewer, article, claim_ids=[cid])
    login(reviewer)
    html = client.get("/articles").get_data(as_text=True)
    assert _badge(html, "Inbox") == "1"
    page = client.get("/inbox").get_data(as_text=True)
    assert "Lena assigned you claim 3 of" in page
    assert f'href="/articles/{article.id}?claim={cid}#panel"' in page
    notice_id = int(re.search(r'id="notice-(\d+)"', page).group(1))
    r = client.post(f"/inbox/{notice_id}/read", data={"open": "1"})
    assert (
        r.status_code == 302
        and r.headers["Location"] == f"/articles/{article.id}?claim={cid}#panel"
    )
    assert _badge(client.get("/inbox").get_data(as_text=True), "Inbox") is None
    assert "No unread notices." in client.get("/inbox?unread=1").get_data(as_text=True)


def test_mark_all_read_and_paging(client, login, make_user, make_article):
    user = make_user("reviewer")
    article = make_article(actor=user)
    with transaction() as s:
        for _ in range(30):
            notifications.notify(
                s, recipient=user.id, kind="mentioned", actor=SystemActor("t"), article=article.id
            )
    login(user)
    first = client.get("/inbox").get_data(as_text=True)
    assert first.count('class="notice unread"') == 25 and "Older" in first
    second = client.get("/inbox?page=2").get_data(as_text=True)
    assert second.count('class="notice unread"') == 5 and "Newer" in second
    assert _badge(first, "Inbox") == "30"
    assert client.post("/inbox/read-all").status_code == 302
    assert _badge(client.get("/inbox").get_data(as_text=True), "Inbox") is None


def test_someone_elses_notice_is_not_found(client, login, make_user, make_article):
    lead, r1, r2 = make_user("lead"), make_user("reviewer"), make_user("reviewer")
    _assign(lead, r1, make_article(actor=lead))
    notice = db.session.scalars(select(notifications.Notification)).one()
    login(r2)
    assert client.post(f"/inbox/{notice.id}/read").status_code == 404
    db.session.rollback()
    assert db.session.get(notifications.Notification, notice.id).read_at is None


def test_the_queue_badge_counts_what_needs_you(client, login, make_user, make_article):
    lead, r1 = make_user("lead"), make_user("reviewer")
    article = make_article(actor=lead)
    cids = [c.id for c in article.claims[:3]]
    with transaction() as s:
        reviews.submit_review(s, actor=r1, claim_id=cids[0], verdict="confirmed", links=LINK)
        reviews.submit_review(s, actor=lead, claim_id=cids[1], verdict="confirmed", links=LINK)
    login(lead)
    html = client.get("/articles").get_data(as_text=True)
    # awaiting the lead's approval: only the claim someone else reviewed (four-eyes)
    assert _badge(html, "My queue") == "1"


def test_email_choices_on_the_account_page_are_saved_and_audited(client, login, make_user):
    user = make_user("reviewer")
    login(user)
    page = client.get("/account").get_data(as_text=True)
    assert 'id="notices"' in page and re.search(r'<input checked[^>]*value="assigned"', page)
    assert not re.search(r'<input checked[^>]*value="conflict"', page)  # not by default
    r = client.post("/account/notices", data={"kinds": ["conflict", "mentioned"]})
    assert r.status_code == 302
    db.session.rollback()
    assert db.session.get(User, user.id).email_notices == ["conflict", "mentioned"]
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert event.action == "user.updated" and event.after == {
        "email_notices": ["conflict", "mentioned"]
    }
    assert client.post("/account/notices", data={"kinds": ["nonsense"]}).status_code == 422
    db.session.rollback()
    assert db.session.get(User, user.id).email_notices == ["conflict", "mentioned"]


def test_the_inbox_in_spanish(client, login, make_user, make_article):
    lead, user = make_user("lead"), make_user("reviewer")
    _assign(lead, user, make_article(actor=lead))
    login(user)
    page = client.get("/inbox", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert (
        "Bandeja de entrada" in page
        and "Asignado a ti" in page
        and "Marcar todo como leído" in page
    )


def test_the_api_lists_marks_read_and_sets_email_kinds(make_user, make_article, api_as):
    lead, user, other = make_user("lead"), make_user("reviewer"), make_user("reviewer")
    article = make_article(actor=lead)
    cid = article.claims[0].id
    _assign(lead, user, article, claim_ids=[cid])
    api = api_as(user)
    body = api.get("/notifications").get_json()
    assert body["total"] == 1 and body["unread"] == 1 and body["page"] == 1
    [item] = body["items"]
    assert item["kind"] == "assigned" and item["claim_id"] == cid
    assert item["link"] == f"/articles/{article.id}?claim={cid}#panel" and item["read_at"] is None
    assert api_as(other).post(f"/notifications/{item['id']}/read").status_code == 404
    read = api.post(f"/notifications/{item['id']}/read").get_json()
    assert read["read_at"] is not None
    assert api.get("/notifications?unread=true").get_json()["total"] == 0
    assert api.post("/notifications/read-all").get_json() == {"marked": 0}
    assert api.put("/me/email-notices", json={"kinds": ["returned"]}).get_json() == {
        "kinds": ["returned"]
    }
    assert api.get("/me/email-notices").get_json() == {"kinds": ["returned"]}
    bad = api.put("/me/email-notices", json={"kinds": ["spam"]})
    assert bad.status_code == 422 and "kinds[0]" in bad.get_json()["errors"]
    # more kinds than there are (the document's maxItems) is refused and changes nothing
    many = api.put("/me/email-notices", json={"kinds": ["returned"] * 8})
    assert many.status_code == 422 and "kinds" in many.get_json()["errors"]
    assert api.get("/me/email-notices").get_json() == {"kinds": ["returned"]}
