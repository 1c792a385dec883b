"""The article page's language control in Chromium: detected on import, corrected through
the form (the claims are split again), and fixed once review work started."""

from __future__ import annotations

import re

from browser.pages import axe_check, sign_in
from playwright.sync_api import expect

DE = (
    "Prozess in Berlin\n\nBERLIN (dpa) - Die 27. Große Strafkammer verhandelt seit dem "
    "25. November gegen den Angeklagten. Laut Anklage, soll er Nr. 5 der Liste gefälscht "
    "haben.\n\nMehr zum Thema\n\n3 Kommentare\n"
)


def test_language_detected_then_corrected(live_server, new_page, make_user):
    base = live_server
    page = new_page()
    sign_in(page, base, make_user("reviewer"))
    page.goto(base + "/articles/new")
    page.fill("#text", DE)
    page.select_option("#language", "en")  # wrong on purpose: the desk corrects it below
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/articles/\d+$"))
    expect(page.locator("#language-menu summary")).to_have_text("Language: English")
    english = page.locator(".article-text .body .claim-mark").count()
    page.click("#language-menu summary")
    page.screenshot(path="/tmp/lang-article-language-open.png", full_page=False)
    axe_check(page)
    page.select_option("#language-menu select", "de")
    page.click("#language-menu button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("Language set to German")
    expect(page.locator("#language-menu summary")).to_have_text("Language: German")
    expect(page.locator(".article-text .body")).to_have_attribute("lang", "de")
    german = page.locator(".article-text .body .claim-mark").count()
    assert german < english  # "27." and "25." no longer end sentences
    page.screenshot(path="/tmp/lang-article-language-changed.png", full_page=False)
    axe_check(page)


def test_language_fixed_once_reviewed(live_server, new_page, make_user, make_article):
    from factcheck.database import transaction
    from factcheck.services import reviews

    reviewer = make_user("reviewer")
    article = make_article(text=DE)
    link = [{"url": "https://example.org/s", "title": "S", "stance": "supports"}]
    with transaction() as s:
        reviews.submit_review(
            s, actor=reviewer, claim_id=article.claims[1].id, verdict="confirmed", links=link
        )
    page = new_page()
    sign_in(page, live_server, reviewer)
    page.goto(f"{live_server}/articles/{article.id}")
    expect(page.locator("#language-menu summary")).to_have_text("Language: German")
    page.click("#language-menu summary")
    expect(page.locator("#language-menu")).to_contain_text("work on its claims has started")
    assert page.locator("#language-menu select").count() == 0
    page.screenshot(path="/tmp/lang-article-language-fixed.png", full_page=False)
    axe_check(page)
