"""The version diff page in Chromium: reached from the article's versions list, the picker
(a plain GET form) switches the pair, the changed words are marked; axe-core on the page,
shot at 1440×900 and 360 px (FACTCHECK_SHOTS, default /tmp/shots: diffview-*.png)."""

from __future__ import annotations

import os

from browser.pages import axe_check, check_page, sign_in
from playwright.sync_api import expect
from version_helpers import build_three

WIDE = {"width": 1440, "height": 900}
NARROW = {"width": 360, "height": 740}


def _shoot(page, name):
    folder = os.environ.get("FACTCHECK_SHOTS", "/tmp/shots")
    os.makedirs(folder, exist_ok=True)
    page.screenshot(path=f"{folder}/diffview-{name}.png", full_page=True)


def test_version_diff_page(live_server, new_page, make_article, make_user):
    article_id, ids, user = build_three(make_article, make_user)
    page = new_page(WIDE)
    sign_in(page, live_server, user)
    page.goto(f"{live_server}/articles/{article_id}")
    page.locator("#versions summary").click()
    page.locator("#versions").get_by_role("link", name="What changed").first.click()
    page.wait_for_url(f"**/articles/{article_id}/versions/diff?from=1&to=2")
    expect(page.get_by_role("heading", level=1)).to_have_text("Changes from version 1 to version 2")
    expect(page.locator(".diff-text del").filter(has_text="12")).to_have_count(1)
    expect(page.locator(".diff-text ins").filter(has_text="15")).to_have_count(1)
    expect(page.locator(".diff-edited li")).to_have_count(1)
    check_page(page)
    axe_check(page)
    _shoot(page, "1-to-2")
    page.get_by_label("From version").select_option("1")
    page.get_by_label("To version").select_option("3")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**/versions/diff?from=1&to=3")
    expect(page.locator(".diff-new li")).to_contain_text("Taxes will rise")
    expect(page.locator(".diff-edited li ins")).to_contain_text("18")
    check_page(page)
    _shoot(page, "1-to-3")
    page.locator(".diff-edited li a").first.click()
    page.wait_for_url(f"**/articles/{article_id}?claim={ids['roads']}#panel")
    narrow = new_page(NARROW)
    sign_in(narrow, live_server, user)
    narrow.goto(f"{live_server}/articles/{article_id}/versions/diff")
    check_page(narrow)
    _shoot(narrow, "360")
