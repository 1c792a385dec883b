"""The article page shows the language and corrects it (the claims are split again)."""

from __future__ import annotations

from sqlalchemy import select

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import Article, AuditEvent
from factcheck.services import reviews

ES = "Paro\n\nEl ministro dijo que el paro bajó al 3,2% en 2023. Según el Sr. Pérez, es la cifra más baja.\n"
LINK = [{"url": "https://example.org/s", "title": "S", "stance": "supports"}]


def _latest():
    db.session.rollback()
    return db.session.scalars(select(Article).order_by(Article.id.desc())).first()


def _form(page: str) -> str:
    return page.split('id="language-menu"', 1)[1].split("</details>", 1)[0]


def test_import_form_offers_the_languages_and_detects_by_default(client, login, make_user):
    login(make_user())
    page = client.get("/articles/new").get_data(as_text=True)
    assert 'name="language"' in page and "Detect from the text" in page and "Portuguese" in page
    resp = client.post("/articles/new", data={"text": ES, "language": ""})
    assert resp.status_code == 302 and _latest().language == "es"
    resp = client.post("/articles/new", data={"text": ES, "language": "fr"})
    assert resp.status_code == 302 and _latest().language == "fr"
    resp = client.post("/articles/new", data={"text": ES, "language": "xx"})
    assert resp.status_code == 422 and "one of en, es, fr, de, pt" in resp.get_data(as_text=True)


def test_the_page_corrects_the_language(client, login, make_user, make_article, snapshot):
    article = make_article(text=ES, language="en")
    stale = article.version
    login(make_user())
    page = client.get(f"/articles/{article.id}").get_data(as_text=True)
    form = _form(page)
    assert "Language: English" in page and 'lang="en"' in page
    assert '<option selected value="en">English</option>' in form
    resp = client.post(f"/articles/{article.id}/language", data={"language": "es", "version": article.version},
                       follow_redirects=True)  # fmt: skip
    page = resp.get_data(as_text=True)
    assert "Language set to Spanish" in page and "Language: Spanish" in page and 'lang="es"' in page
    assert "article.language_changed" in page  # the history shows the event
    assert _latest().language == "es"
    before = snapshot()  # a stale version or an unknown code change nothing
    for data in ({"language": "de", "version": stale}, {"language": "xx", "version": stale + 1}):
        page = client.post(f"/articles/{article.id}/language", data=data, follow_redirects=True)
        assert "Language not changed" in page.get_data(as_text=True)
    assert snapshot() == before


def test_once_reviewed_the_page_says_why_the_language_is_fixed(
    client, login, make_user, make_article
):
    article = make_article(text=ES)
    reviewer = make_user()
    with transaction() as s:
        reviews.submit_review(
            s, actor=reviewer, claim_id=article.claims[0].id, verdict="confirmed", links=LINK
        )
    login(reviewer)
    form = _form(client.get(f"/articles/{article.id}").get_data(as_text=True))
    assert "<select" not in form and "work on its claims has started" in form
    resp = client.post(f"/articles/{article.id}/language", data={"language": "pt", "version": article.version},
                       follow_redirects=True)  # fmt: skip
    assert "Language not changed" in resp.get_data(as_text=True)
    db.session.rollback()
    assert not db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "article.language_changed")
    ).all()
