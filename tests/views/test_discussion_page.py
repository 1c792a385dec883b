"""The claim panel's Discussion: comment, change and delete without JS; blind review on
the page; a refused comment keeps the page and says why."""

from __future__ import annotations

import re

from sqlalchemy import select

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import ClaimComment
from factcheck.services import discussion, reviews

LINK = [{"url": "https://example.org/a", "title": "A", "stance": "supports"}]


def _section(html: str) -> str:
    m = re.search(r'<section class="card discussion".*?</section>', html, re.S)
    assert m, "no Discussion section"
    return m.group(0)


def test_comment_edit_and_delete_through_the_forms(client, login, make_user, make_article):
    ana = make_user("reviewer", email="ana@desk.org", name="Ana")
    cid = make_article(actor=ana).claims[0].id
    login(ana)
    r = client.post(
        f"/claims/{cid}/comments", data={"body": "See the *minutes*, <script>x</script>"}
    )
    assert r.status_code == 302 and r.headers["Location"] == f"/claims/{cid}"
    page = client.get(f"/claims/{cid}").get_data(as_text=True)
    section = _section(page)
    assert "<em>minutes</em>" in section and "<script>" not in section  # Markdown, sanitised
    assert "Comment added." in page
    db.session.rollback()
    comment_id = db.session.scalar(select(ClaimComment.id))
    assert f'action="/comments/{comment_id}/edit"' in section
    assert f'action="/comments/{comment_id}/delete"' in section
    r = client.post(f"/comments/{comment_id}/edit", data={"body": "Second thoughts"})
    assert r.status_code == 302
    section = _section(client.get(f"/claims/{cid}").get_data(as_text=True))
    assert "Second thoughts" in section and "edited" in section
    r = client.post(f"/comments/{comment_id}/delete", data={})
    assert r.status_code == 302
    section = _section(client.get(f"/claims/{cid}").get_data(as_text=True))
    assert "This comment was deleted." in section and "Second thoughts" not in section


def test_a_blank_comment_is_refused_on_the_page_and_changes_nothing(client, login, make_user,
                                                                   make_article, snapshot):  # fmt: skip
    ana = make_user("reviewer")
    cid = make_article(actor=ana).claims[0].id
    login(ana)
    before = snapshot()
    r = client.post(f"/claims/{cid}/comments", data={"body": "   "})
    assert r.status_code == 422
    assert 'class="field wide has-error"' in _section(r.get_data(as_text=True))
    r = client.post(f"/claims/{cid}/comments", data={"body": "x" * 10_001})
    assert r.status_code == 422 and "at most 10000 characters" in _section(r.get_data(as_text=True))
    assert snapshot() == before


def test_the_page_keeps_the_review_blind_in_the_discussion(client, login, make_user, make_article):
    ana, bo = make_user("reviewer", name="Ana"), make_user("reviewer", name="Bo")
    cid = make_article(actor=ana).claims[0].id
    with transaction() as s:
        discussion.add_comment(s, actor=ana, claim_id=cid, body="ANA-SAYS-DISPUTED")
    login(bo)
    section = _section(client.get(f"/claims/{cid}").get_data(as_text=True))
    assert "ANA-SAYS-DISPUTED" not in section
    assert "1 comment by others is hidden until you submit your own review" in section
    with transaction() as s:
        reviews.submit_review(s, actor=bo, claim_id=cid, verdict="confirmed", links=LINK)
    section = _section(client.get(f"/claims/{cid}").get_data(as_text=True))
    assert "ANA-SAYS-DISPUTED" in section and "hidden until" not in section
    assert "/delete" not in section  # not Bo's: no delete button for a reviewer


def test_the_workspace_panel_has_the_discussion_and_comes_back_to_it(client, login, make_user,
                                                                     make_article):  # fmt: skip
    ana = make_user("reviewer")
    article = make_article(actor=ana)
    cid = article.claims[1].id
    login(ana)
    html = client.get(f"/articles/{article.id}?claim={cid}").get_data(as_text=True)
    assert 'id="discussion"' in html and 'name="back" value="workspace"' in _section(html)
    r = client.post(
        f"/claims/{cid}/comments", data={"body": "From the workspace", "back": "workspace"}
    )
    assert r.headers["Location"] == f"/articles/{article.id}?claim={cid}#panel"


def test_a_refused_edit_opens_that_comments_form_with_the_reason(client, login, make_user,
                                                                 make_article):  # fmt: skip
    ana = make_user("reviewer")
    cid = make_article(actor=ana).claims[0].id
    with transaction() as s:
        first = discussion.add_comment(s, actor=ana, claim_id=cid, body="First").id
        second = discussion.add_comment(s, actor=ana, claim_id=cid, body="Second").id
    login(ana)
    r = client.post(f"/comments/{second}/edit", data={"body": "y" * 10_001})
    assert r.status_code == 422
    section = _section(r.get_data(as_text=True))
    assert section.count('<details class="comment-edit" open>') == 1
    opened = section[section.index(f'id="comment-{second}"') :]
    assert opened.index("open>") < opened.index("at most 10000 characters")
    assert (
        f'id="comment-{first}"' in section and db.session.get(ClaimComment, second).body == "Second"
    )
    assert client.post("/comments/999999/edit", data={"body": "x"}).status_code == 404
