"""Approving an article with its public address, in Chromium (issue #18 item 2): the
approval form shows the published-at field (prefilled from FACTCHECK_PUBLISHED_BASE_URL)
and the 75-character guidance; the ClaimReview then points at that address."""

from __future__ import annotations

import json

from browser.pages import axe_check, sign_in
from playwright.sync_api import expect
from settings_helpers import override_settings

from factcheck.extensions import db
from factcheck.models import Article

TEXT = (
    "Prices rose 5% in 2021, the bank said. Unemployment fell to 3.9% in March.\n\n"
    "Exports doubled since 2019, according to the ministry's annual trade figures for the year.\n"
)


def test_lead_approves_with_the_published_address(live_server, new_page, app, make_article,
                                                  make_user, review_all, tmp_path):  # fmt: skip
    override_settings(app, PUBLISHED_BASE_URL="https://news.example/fact-checks")
    reviewer, lead = make_user("reviewer"), make_user("lead")
    article = make_article(text=TEXT, source_url="https://paper.example/1")
    review_all(article.id, reviewer, lead, approve_article=False)
    page = new_page()
    sign_in(page, live_server, lead)
    page.goto(f"{live_server}/articles/{article.id}")
    field = page.locator("form.approve-article-form input[name=published_url]")
    expect(field).to_have_value(f"https://news.example/fact-checks/{article.id}")
    expect(page.locator("#long-statements")).to_contain_text("less than 75 characters")
    axe_check(page)
    page.locator("form.approve-article-form").screenshot(path="/tmp/reports-approval-form.png")
    page.screenshot(path="/tmp/reports-approval-page.png", full_page=False)
    field.fill("https://paper.example/checks/prices-2021")
    page.click("form.approve-article-form button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("Article approved")
    db.session.rollback()
    assert db.session.get(Article, article.id).published_url == (
        "https://paper.example/checks/prices-2021"
    )
    resp = page.request.get(f"{live_server}/articles/{article.id}/export?format=claimreview")
    items = json.loads(resp.body())
    assert {i["url"].split("#")[0] for i in items} == {"https://paper.example/checks/prices-2021"}
    report = page.request.get(f"{live_server}/articles/{article.id}/export?format=html")
    (tmp_path / "report.html").write_bytes(report.body())  # standalone: its own CSP
    page.goto((tmp_path / "report.html").as_uri())
    page.screenshot(path="/tmp/reports-report-html.png", full_page=True)
