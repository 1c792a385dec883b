"""Importing from HTML and from a URL, end to end through the service and the API."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from settings_helpers import SettingsProxy

from factcheck.database import transaction
from factcheck.errors import InvalidInput
from factcheck.services import articles, sources

PAGE = """<!doctype html><html><head><title>Council approves budget | Daily Bugle</title>
<meta property="og:site_name" content="Daily Bugle"><meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
<link rel="canonical" href="https://bugle.example/news/budget"></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Council approves budget</h1>
<p>The city council approved a $4.2 million budget on Tuesday, Mayor Ann Lee said.</p>
<p>It raises spending on roads by 12% compared with last year.</p>
<script>alert("x")</script></article><footer>Subscribe to our newsletter</footer></body></html>"""


def test_html_file_import_keeps_the_page_and_splits_its_text(make_user, session):
    source, user = sources.from_file(PAGE.encode(), "budget.html"), make_user("reviewer")
    with transaction() as s:
        article = articles.import_article(s, actor=user, source=source)
        article_id = article.id
    article = session.get(type(article), article_id)
    assert article.raw_input == PAGE and article.input_kind == "file"
    assert "alert" not in article.body and "$4.2 million" in article.body
    assert article.publisher == "Daily Bugle" and article.byline == "Jane Doe"
    assert (
        article.published_at == "2024-03-05"
        and article.source_url == "https://bugle.example/news/budget"
    )
    assert any("$4.2 million" in c.text for c in article.claims)
    assert all(article.body[c.start : c.end] == c.text for c in article.claims)


def test_api_html_field(make_user, api_as):
    resp = api_as(make_user("reviewer")).post("/articles", json={"html": PAGE})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["input_kind"] == "html"


@pytest.fixture
def page_server(app):
    """A 'public' news site on 127.0.0.5, allowed by configuration for this test only."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's naming
            body = PAGE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.5", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    LIMITS = SettingsProxy(app)  # this app's settings only
    saved = (LIMITS.FETCH_ALLOWED_ADDRESSES, LIMITS.FETCH_ALLOWED_PORTS)
    LIMITS.FETCH_ALLOWED_ADDRESSES, LIMITS.FETCH_ALLOWED_PORTS = (
        "127.0.0.5",
        str(server.server_port),
    )
    try:
        yield f"http://127.0.0.5:{server.server_port}/news/budget"
    finally:
        LIMITS.FETCH_ALLOWED_ADDRESSES, LIMITS.FETCH_ALLOWED_PORTS = saved
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_url_import_through_the_api_and_the_form(page_server, make_user, api_as, client, login):
    user = make_user("reviewer")
    resp = api_as(user).post("/articles", json={"url": page_server})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["input_kind"] == "url"
    login(user)
    resp = client.post("/articles/new", data={"url": page_server})
    assert resp.status_code == 302


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/", "http://169.254.169.254/latest", "file:///etc/passwd", "ftp://x.org/"],
)
def test_disallowed_urls_are_refused_and_change_nothing(url, make_user, api_as, snapshot):
    api = api_as(make_user("reviewer"))
    before = snapshot()
    resp = api.post("/articles", json={"url": url})
    assert resp.status_code == 422 and resp.content_type == "application/problem+json"
    assert snapshot() == before
    with pytest.raises(InvalidInput):
        sources.from_url(url, sources.fetch_policy())
