"""A URL import from the web form: the page says it is fetching, checks again by itself and
opens the article once the worker has imported it; a failed fetch shows why and a retry."""

from __future__ import annotations

import os

import pytest
from browser.pages import axe_check, check_page, sign_in
from flask import current_app
from playwright.sync_api import expect
from rawserver import RawServer, response
from settings_helpers import override_settings

from factcheck.jobs import worker

PAGE = b"""<!doctype html><html><head><title>Council approves budget</title></head><body>
<article><h1>Council approves budget</h1>
<p>The city council approved a $4.2 million budget on Tuesday, Mayor Ann Lee said.</p>
<p>It raises spending on roads by 12% compared with last year.</p></article></body></html>"""


def _publisher(conn, server):
    data = conn.recv(65536)
    ok = data.startswith(b"GET /news ")
    conn.sendall(response(200, PAGE) if ok else response(404, b"not here"))


@pytest.fixture
def publisher(app):
    server = RawServer("127.0.0.5", _publisher, read_request=False)
    override_settings(app, FETCH_ALLOWED_ADDRESSES="127.0.0.5",
                      FETCH_ALLOWED_PORTS=f"80,{server.port}")  # fmt: skip
    yield server
    server.close()


def _shot(page, name: str) -> None:
    if os.environ.get("FACTCHECK_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["FACTCHECK_SCREENSHOTS"], name))


def test_a_url_import_is_fetched_in_the_background(app, live_server, new_page, make_user,
                                                   publisher):  # fmt: skip
    page = new_page()
    sign_in(page, live_server, make_user("reviewer"))
    for path, name in (("/gone", "failed"), ("/news", "done")):
        url = publisher.url(path)
        page.goto(f"{live_server}/articles/new")
        page.fill("#url", url)
        page.get_by_role("button", name="Import and split into claims").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Fetching {url}…")
        expect(page.get_by_role("status")).to_contain_text("The import is queued")
        check_page(page)
        axe_check(page)
        _shot(page, f"import-queued-{name}.png")
        assert worker.run(current_app._get_current_object(), kinds=["url_import"]).run == 1
        if name == "failed":  # the page checks again within 2 s and shows why, in place
            expect(page.get_by_role("heading", level=1)).to_have_text("The import failed")
            expect(page.get_by_role("alert")).to_have_text("source answered HTTP 404")
            expect(page.get_by_role("button", name="Try again")).to_be_visible()
            check_page(page)
            _shot(page, "import-failed.png")
        else:  # ... and opens the new article by itself
            expect(page.get_by_role("heading", level=1)).to_have_text("Council approves budget")
            expect(page.get_by_text(f"Article imported from {url}.")).to_be_visible()
            assert "/articles/" in page.url and "/imports/" not in page.url
            check_page(page)
            _shot(page, "import-done.png")
