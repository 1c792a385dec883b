"""GET /api/v1/search/claims: words, filters, pages, documented limits, blind review."""

from __future__ import annotations

from factcheck.database import transaction
from factcheck.services import reviews

TEXT = "Prices rose 5% in 2021. Unemployment fell to 3.9% in March. Exports doubled since 2019.\n"
LINK = [{"url": "https://example.org/x", "title": "X", "stance": "supports"}]


def _article(api, text=TEXT, **meta) -> dict:
    resp = api.post("/articles", json={"text": text, **meta})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def test_search_answers_a_page_of_hits(make_user, api_as):
    api = api_as(make_user("reviewer"))
    art = _article(api, title="Économie")
    claim = art["claims"][1]
    resp = api.get("/search/claims?q=unemployment")
    assert resp.status_code == 200
    body = resp.get_json()
    assert (body["total"], body["page"], body["per_page"]) == (1, 1, 20)
    hit = body["items"][0]
    assert hit["claim_id"] == claim["id"] and hit["article_title"] == "Économie"
    assert hit["link"] == f"/articles/{art['id']}?claim={claim['id']}#panel"
    assert hit["number"] == 2 and hit["status"] == "open" and hit["final_verdict"] is None
    s, e = hit["snippet"]["highlights"][0]
    assert hit["snippet"]["text"][s:e] == "Unemployment"


def test_filters_and_pages(make_user, api_as):
    api = api_as(make_user("reviewer"))
    art = _article(api)
    _article(api, "Los precios subieron un 5% en 2021. El paro bajó en marzo.\n", language="es")
    body = api.get(f"/search/claims?article_id={art['id']}&per_page=2&page=2").get_json()
    assert body["total"] == 3 and [i["claim_id"] for i in body["items"]] == [art["claims"][2]["id"]]
    assert api.get("/search/claims?language=es").get_json()["total"] == 2
    assert api.get("/search/claims?q=precios&language=en").get_json()["total"] == 0
    assert api.get("/search/claims?status=approved").get_json()["total"] == 0
    assert api.get("/search/claims?status=&verdict=&q=prices").get_json()["total"] == 1
    assert api.get("/search/claims?since=2000-01-01&q=rose").get_json()["total"] == 1
    assert api.get("/search/claims?until=2000-01-01&q=rose").get_json()["total"] == 0


def test_limits_are_refused_clearly(make_user, api_as):
    api = api_as(make_user("reviewer"))
    _article(api)
    for bad in ("q=" + "a" * 201, "per_page=101", "page=0", "status=lost", "verdict=true",
                "speaker=" + "x" * 201, "speaker=a%00b", "language=xx", "since=yesterday",
                "article_id=0"):  # fmt: skip
        resp = api.get("/search/claims?" + bad)
        assert resp.status_code == 422, bad
        assert resp.mimetype == "application/problem+json"
    for odd in ('q="', "q=NEAR(", "q=*", "q=%00", "q=" + "(" * 200, "q=a%20OR%20-b"):
        assert api.get("/search/claims?" + odd).status_code == 200, odd


def test_blind_review_over_the_api(make_user, api_as):
    mine, other, lead = make_user("reviewer"), make_user("reviewer"), make_user("lead")
    api = api_as(mine)
    claim_id = _article(api)["claims"][0]["id"]
    with transaction() as s:
        reviews.submit_review(s, actor=other, claim_id=claim_id, verdict="disputed",
                              note="Quokka statistics are wrong", links=LINK)  # fmt: skip
    assert api.get("/search/claims?q=quokka").get_json() == {
        "items": [], "page": 1, "per_page": 20, "total": 0, "total_exact": True
    }  # fmt: skip
    hits = api.get("/search/claims?q=prices").get_json()["items"]
    assert hits and "quokka" not in str(hits).lower()
    assert api_as(lead).get("/search/claims?q=quokka").get_json()["total"] == 1


def test_anonymous_is_refused(client):
    assert client.get("/api/v1/search/claims?q=x").status_code == 401


def test_a_word_found_everywhere_gives_a_lower_bound(make_user, api_as, monkeypatch):
    """total_exact: false when only the newest hits were ranked (search.CANDIDATES)."""
    from factcheck.services import search

    api = api_as(make_user("reviewer"))
    _article(api, " ".join(f"Item {i} rose {i + 2}% in 2021." for i in range(6)) + "\n")
    body = api.get("/search/claims?q=prices").get_json()
    assert body["total_exact"] is True and body["total"] == 0
    monkeypatch.setattr(search, "CANDIDATES", 2)
    body = api.get("/search/claims?q=rose").get_json()
    assert (body["total"], body["total_exact"], len(body["items"])) == (2, False, 2)
    assert api.get("/search/claims?q=item+1").get_json()["total_exact"] is True
