"""PUT /api/v1/articles/{id}/language, and the language field on import and read."""

from __future__ import annotations

from factcheck.database import transaction
from factcheck.services import reviews

ES = "Paro\n\nEl ministro dijo que el paro bajó al 3,2% en 2023. Según el Sr. Pérez, es la cifra más baja.\n"
LINK = [{"url": "https://example.org/s", "title": "S", "stance": "supports"}]


def test_import_detects_or_takes_the_language(api_as, make_user):
    api = api_as(make_user())
    made = api.post("/articles", json={"text": ES})
    assert made.status_code == 201 and made.get_json()["language"] == "es"
    given = api.post("/articles", json={"text": ES, "language": "pt"}).get_json()
    assert given["language"] == "pt"
    bad = api.post("/articles", json={"text": ES, "language": "xx"})
    assert bad.status_code == 422 and "language" in bad.get_json()["errors"]
    listed = api.get("/articles").get_json()["items"]
    assert {a["language"] for a in listed} == {"es", "pt"}


def test_put_language_splits_again_and_is_versioned(api_as, make_user, snapshot):
    api = api_as(make_user())
    art = api.post("/articles", json={"text": ES, "language": "en"}).get_json()
    path = f"/articles/{art['id']}/language"
    before = snapshot()
    assert api.put(path, json={"language": "es", "version": art["version"] + 7}).status_code == 409
    assert api.put(path, json={"language": "es"}).status_code == 428
    assert api.put(path, json={"language": "Spanish", "version": art["version"]}).status_code == 422
    assert snapshot() == before
    resp = api.put(path, json={"language": "es", "version": art["version"]})
    body = resp.get_json()
    assert resp.status_code == 200 and body["language"] == "es" and body["claims"]
    assert resp.headers["ETag"]


def test_put_language_refused_once_reviewed(api_as, make_user, make_article, snapshot):
    reviewer = make_user()
    article = make_article(text=ES)
    with transaction() as s:
        reviews.submit_review(
            s, actor=reviewer, claim_id=article.claims[0].id, verdict="confirmed", links=LINK
        )
    api = api_as(reviewer)
    before = snapshot()
    resp = api.put(
        f"/articles/{article.id}/language", json={"language": "pt", "version": article.version}
    )
    assert resp.status_code == 409 and "work on its claims has started" in resp.get_json()["detail"]
    assert snapshot() == before


def test_the_openapi_document_describes_it(api_as, make_user):
    doc = api_as(make_user()).get("/openapi.json").get_json()
    op = doc["paths"]["/articles/{article_id}/language"]["put"]
    assert "split again" in op["summary"]
    schema = doc["components"]["schemas"]
    assert "language" in schema["ArticleLanguage"]["properties"]
    assert "language" in schema["Article"]["properties"]
