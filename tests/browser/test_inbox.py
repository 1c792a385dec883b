"""The inbox and the account's e-mail choices in Chromium: the badge, opening a notice goes
straight to the claim's panel and marks it read, mark all read; axe-core on each page, shot
at 1440×900 and 360 px (/tmp/shots/notify-*.png)."""

from __future__ import annotations

import os

from browser.pages import axe_check, check_page, sign_in
from playwright.sync_api import expect

from factcheck.database import transaction
from factcheck.services import approvals, assignments, reviews

WIDE = {"width": 1440, "height": 900}
NARROW = {"width": 360, "height": 740}
LINK = [{"url": "https://example.org/proof", "title": "Proof", "stance": "supports"}]
TEXT = "\n\n".join(
    f"The ministry said exports of item {i} rose by {10 + i} percent in {1990 + i}."
    for i in range(6)
)


def _shoot(page, name):
    os.makedirs("/tmp/shots", exist_ok=True)
    page.screenshot(path=f"/tmp/shots/notify-{name}.png", full_page=True)


def test_inbox_and_email_settings(live_server, new_page, make_user, make_article):
    rita, lena = make_user("reviewer", name="Rita"), make_user("lead", name="Lena")
    article = make_article(text=TEXT, actor=lena, title="Exports up, the ministry says")
    ids = [c.id for c in article.claims]
    with transaction() as s:
        assignments.assign(s, actor=lena, user_id=rita.id, article_id=article.id, claim_ids=ids[:2])
        reviews.submit_review(s, actor=rita, claim_id=ids[3], verdict="confirmed", links=LINK)
    with transaction() as s:
        claim = s.get(type(article.claims[0]), ids[3])
        approvals.return_claim(s, actor=lena, claim_id=ids[3], comment="Which year? Please check the 1993 figure.",
                               version=claim.version)  # fmt: skip
    page = new_page(WIDE)
    sign_in(page, live_server, rita)
    page.goto(f"{live_server}/inbox")
    expect(page.locator("nav[aria-label='Main'] .pill").first).to_be_visible()
    expect(page.locator(".notice.unread")).to_have_count(2)
    check_page(page)
    axe_check(page)
    _shoot(page, "inbox")
    page.get_by_role("button", name="Open and mark read").first.click()
    page.wait_for_url(f"**/articles/{article.id}?claim={ids[3]}#panel")
    page.goto(f"{live_server}/inbox")
    expect(page.locator(".notice.unread")).to_have_count(1)
    page.get_by_role("button", name="Mark all read").click()
    expect(page.locator(".notice.unread")).to_have_count(0)
    _shoot(page, "inbox-read")
    page.goto(f"{live_server}/account#notices")
    page.get_by_label("The reviews disagree").check()
    page.get_by_role("button", name="Save e-mail settings").click()
    expect(page.locator(".flash-success")).to_contain_text("E-mail settings saved.")
    expect(page.get_by_label("The reviews disagree")).to_be_checked()
    check_page(page)
    axe_check(page)
    page.locator("#notices").screenshot(path="/tmp/shots/notify-account-settings.png")
    narrow = new_page(NARROW)
    sign_in(narrow, live_server, rita)
    narrow.goto(f"{live_server}/inbox")
    _shoot(narrow, "inbox-360")
    check_page(narrow)
