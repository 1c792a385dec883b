"""Two reviewers and a lead take a claim from open to approved in the workspace, the
reviewers with the keyboard only; saving a review does not reload the page."""

from __future__ import annotations

import re

from browser.pages import axe_check, check_page, sign_in
from playwright.sync_api import expect

from factcheck.database import transaction
from factcheck.services import reviews

LINK = {"url": "https://www.rfa.org/english/", "title": "RFA", "stance": "supports"}


def test_second_reviewer_is_blind_then_the_lead_approves(
    live_server, new_page, make_user, make_article
):
    base = live_server
    r1, r2, lead = (
        make_user("reviewer", name="Rita"),
        make_user("reviewer", name="Sam"),
        make_user("lead"),
    )
    article = make_article()
    claim = article.claims[1]
    with transaction() as s:
        reviews.submit_review(s, actor=r1, claim_id=claim.id, verdict="confirmed",
                              note="Matches the **wire** copy", links=[LINK])  # fmt: skip

    page = new_page()
    sign_in(page, base, r2)
    page.goto(f"{base}/articles/{article.id}?claim={claim.id}")
    panel = page.locator("#panel")
    expect(panel).to_contain_text("hidden until you submit")
    assert "Matches the" not in panel.inner_text()  # blind until submitted
    page.evaluate("window.__marker = 'same page'")
    for key in ("1", "l"):
        page.keyboard.press(key)
    page.keyboard.type("https://example.org/second")
    page.keyboard.press("Escape")
    page.keyboard.press("+")  # the link's stance: supports
    page.keyboard.press("s")
    expect(page.locator(".panel-status")).to_have_text(re.compile("Review saved"))
    expect(panel).to_contain_text("Matches the wire copy")  # now visible
    assert page.evaluate("window.__marker") == "same page"
    check_page(page)

    lead_page = new_page()
    sign_in(lead_page, base, lead)
    lead_page.goto(f"{base}/articles/{article.id}?claim={claim.id}")
    lead_page.keyboard.press("a")  # the approval form, with the reviewers' common verdict
    expect(lead_page.locator(".approve-form button[type=submit]")).to_be_focused()
    lead_page.keyboard.press("Enter")
    lead_page.wait_for_load_state()
    expect(lead_page.locator(".flash-success")).to_contain_text("Final verdict approved.")
    expect(lead_page.locator(f".claim-mark[data-claim-id='{claim.id}']")).to_have_class(
        re.compile("verdict-confirmed")
    )
    axe_check(lead_page)
    lead_page.goto(f"{base}/queue")
    expect(lead_page.locator("svg.chart")).to_have_count(1)
    axe_check(lead_page)
