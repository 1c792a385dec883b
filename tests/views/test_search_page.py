"""The search page as people use it: the box in the top bar, results with escaped marked
snippets and links to the claim, filters kept across pages, hostile words, blind review."""

from __future__ import annotations

from factcheck.database import transaction
from factcheck.services import claims as claim_service
from factcheck.services import reviews

LINK = [{"url": "https://example.org/a", "title": "A", "stance": "supports"}]
TEXT = "Prices rose 5% in 2021. Unemployment fell to 3.9% in March. Exports doubled since 2019.\n"


def test_the_top_bar_has_the_search_box(client, login, make_user):
    login(make_user("reviewer"))
    html = client.get("/articles").get_data(as_text=True)
    assert 'action="/search"' in html and 'name="q"' in html


def test_results_link_to_the_claim_and_mark_escaped_words(client, login, make_user, make_article):
    reviewer = make_user("reviewer")
    article = make_article(TEXT, actor=reviewer, title="<b>Jobs</b> & prices")
    claim = article.claims[1]
    with transaction() as s:
        claim_service.update_claim(s, actor=reviewer, claim_id=claim.id, version=claim.version,
                                   statement="Unemployment <script>alert(1)</script> fell")  # fmt: skip
    login(reviewer)
    resp = client.get("/search?q=unemployment")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert f'href="/articles/{article.id}?claim={claim.id}#panel"' in html
    assert "<mark>Unemployment</mark> &lt;script&gt;alert(1)&lt;/script&gt; fell" in html
    assert "<script>alert(1)" not in html and "&lt;b&gt;Jobs&lt;/b&gt; &amp; prices" in html
    assert "Claim 2" in html and "1 claim found" in html


def test_filters_are_kept_across_pages(client, login, make_user, make_article):
    reviewer = make_user("reviewer")
    make_article(" ".join(f"Item {i} rose {i + 2}% in 2021." for i in range(25)) + "\n",
                 actor=reviewer, language="en")  # fmt: skip
    login(reviewer)
    html = client.get("/search?q=rose&status=open&language=en").get_data(as_text=True)
    assert "25 claims found" in html and "Page 1 of 2" in html
    assert "page=2" in html and "status=open" in html
    second = client.get("/search?q=rose&status=open&language=en&page=2").get_data(as_text=True)
    assert second.count('class="search-hit"') == 5
    assert client.get("/search?q=rose&status=approved").get_data(as_text=True).count(
        'class="search-hit"') == 0  # fmt: skip


def test_hostile_and_long_words(client, login, make_user, make_article):
    make_article(TEXT)
    login(make_user("reviewer"))
    for q in ('"', "NEAR(a b", "*", "(((", "a\x00b", "' OR 1=1 --", "col:x"):
        assert client.get("/search", query_string={"q": q}).status_code == 200, q
    resp = client.get("/search", query_string={"q": "x" * 10_000})
    assert resp.status_code == 422 and "at most 200 characters" in resp.get_data(as_text=True)
    assert client.get("/search?page=abc&since=nope&status=zzz&q=prices").status_code == 200
    for odd in ("article=99999999999999999999999", "article=-1", "page=" + "9" * 30,
                "since=0001-01-01&until=9999-12-31", "speaker=" + "%00" * 300):  # fmt: skip
        assert client.get("/search?q=prices&" + odd).status_code == 200, odd


def test_nothing_asked_shows_the_prompt(client, login, make_user):
    login(make_user("reviewer"))
    html = client.get("/search").get_data(as_text=True)
    assert "Type words to look for" in html


def test_blind_review_on_the_page(client, login, make_user, make_article):
    mine, other = make_user("reviewer"), make_user("reviewer")
    article = make_article(TEXT, actor=mine)
    with transaction() as s:
        reviews.submit_review(s, actor=other, claim_id=article.claims[0].id, verdict="disputed",
                              note="Wombat tallies disagree", links=LINK)  # fmt: skip
    login(mine)
    html = client.get("/search?q=wombat").get_data(as_text=True)
    assert "No claim matches." in html and "Wombat" not in html
    html = client.get("/search?q=prices").get_data(as_text=True)
    assert "1 claim found" in html and "Wombat" not in html


def test_spanish_page(client, login, make_user, make_article):
    user = make_user("reviewer")
    make_article(TEXT, actor=user)
    login(user)
    html = client.get("/search?q=prices", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Buscar afirmaciones" in html and "1 afirmación encontrada" in html


def test_a_lower_bound_is_shown_as_such(client, login, make_user, make_article, monkeypatch):
    from factcheck.services import search

    reviewer = make_user("reviewer")
    make_article(" ".join(f"Item {i} rose {i + 2}% in 2021." for i in range(6)) + "\n",
                 actor=reviewer, language="en")  # fmt: skip
    login(reviewer)
    monkeypatch.setattr(search, "CANDIDATES", 2)
    html = client.get("/search?q=rose").get_data(as_text=True)
    assert "At least 2 claims found" in html and "2 claims found</p>" not in html
    assert "1 claim found" in client.get("/search?q=item+1").get_data(as_text=True)
