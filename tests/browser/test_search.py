"""The search page in Chromium: typing in the top bar's box finds claims across articles,
words marked in the snippet, the filters narrow the list, a result opens the claim's panel;
axe-core on the page, shot at 1440×900 and 360 px (/tmp/shots/search-*.png)."""

from __future__ import annotations

import os
import re

from browser.pages import axe_check, check_page, sign_in
from playwright.sync_api import expect

from factcheck.database import transaction
from factcheck.services import claims, reviews

WIDE = {"width": 1440, "height": 900}
NARROW = {"width": 360, "height": 740}
LINK = [{"url": "https://example.org/proof", "title": "Proof", "stance": "supports"}]
EN = (
    "The ministry said exports of wine rose by 12 percent in 2023. Unemployment fell to 3.9 "
    "percent in March, the minister said. Wine prices doubled since 2019, growers said.\n"
)
ES = "El ministro dijo que la exportación de vino creció un 12 % en 2023.\n"


def _shoot(page, name):
    os.makedirs("/tmp/shots", exist_ok=True)
    page.screenshot(path=f"/tmp/shots/search-{name}.png", full_page=True)


def test_search_from_the_top_bar(live_server, new_page, make_user, make_article):
    rita = make_user("reviewer", name="Rita")
    article = make_article(text=EN, actor=rita, title="Wine exports rise", language="en")
    make_article(text=ES, actor=rita, title="Exportación de vino", language="es")
    first = article.claims[0]
    with transaction() as s:
        claims.update_claim(s, actor=rita, claim_id=first.id, version=first.version,
                            speaker="Ministry of Agriculture")  # fmt: skip
        reviews.submit_review(s, actor=rita, claim_id=article.claims[2].id, verdict="confirmed",
                              note="Growers' association figures: wine at 8 € a bottle.",
                              links=LINK)  # fmt: skip
    page = new_page(WIDE)
    sign_in(page, live_server, rita)
    page.goto(f"{live_server}/articles")
    box = page.get_by_role("searchbox", name="Search claims")
    box.fill("wine")
    box.press("Enter")
    page.wait_for_url("**/search?q=wine")
    expect(page.locator(".search-hit")).to_have_count(2)
    expect(page.locator(".search-hit mark").first).to_have_text(re.compile("^wine$", re.I))
    check_page(page)
    axe_check(page)
    _shoot(page, "results")
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator(".search-hit")).to_have_count(0)  # "vino", not "wine"
    page.get_by_label("Words").fill("exportacion")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator(".search-hit")).to_have_count(1)
    expect(page.locator(".search-hit mark")).to_have_text("exportación")
    _shoot(page, "accents")
    narrow = new_page(NARROW)
    sign_in(narrow, live_server, rita)
    narrow.goto(f"{live_server}/search?q=growers")
    expect(narrow.locator(".search-hit")).to_have_count(1)
    check_page(narrow)
    _shoot(narrow, "narrow")
    narrow.locator(".search-hit a").first.click()
    narrow.wait_for_url(f"**/articles/{article.id}?claim={article.claims[2].id}#panel")
