"""The workspace as a queue in Chromium: a reviewer goes through what needs them with `g`
and saves move on by themselves; a lead selects the agreeing claims and approves them in
bulk without a reload (refused claims listed with their reasons); a lead's approval and
split save in place; a link to a claim that is gone says so. Each state is checked with
axe-core and shot at 1440×900 and 360 px (/tmp/desk-*.png)."""

from __future__ import annotations

import re

from browser.pages import axe_check, check_page, sign_in
from playwright.sync_api import expect

from factcheck.database import transaction
from factcheck.services import assignments, reviews

WIDE = {"width": 1440, "height": 900}
NARROW = {"width": 360, "height": 740}
LINK = [{"url": "https://example.org/proof", "title": "Proof", "stance": "supports"}]
TEXT = "\n\n".join(
    f"The ministry said exports of item {i} rose by {10 + i} percent in {1990 + i}."
    for i in range(12)
)


def _review(actor, claim_id, verdict="confirmed"):
    with transaction() as s:
        reviews.submit_review(s, actor=actor, claim_id=claim_id, verdict=verdict, links=LINK)


def _shoot(page, name):
    page.screenshot(path=f"/tmp/desk-{name}.png")


def _desk(make_user, make_article):
    r1, r2, lead = (
        make_user("reviewer", name="Rita"),
        make_user("reviewer", name="Ravi"),
        make_user("lead", name="Lena"),
    )
    article = make_article(text=TEXT)
    ids = [c.id for c in article.claims]
    return article, ids, r1, r2, lead


def test_reviewer_goes_through_the_queue_with_g(live_server, new_page, make_user, make_article):
    article, ids, r1, _r2, lead = _desk(make_user, make_article)
    with transaction() as s:
        assignments.assign(s, actor=lead, user_id=r1.id, article_id=article.id, claim_ids=ids[3:6])
    page = new_page(WIDE)
    sign_in(page, live_server, r1)
    page.goto(f"{live_server}/articles/{article.id}")
    expect(page.locator("#needs-you")).to_contain_text("3 need you")
    page.evaluate("window.__marker = 'same page'")
    page.keyboard.press("g")
    expect(page.locator("#panel .panel-body")).to_have_attribute("data-claim-id", str(ids[3]))
    _shoot(page, "reviewer-queue-1440")
    expect(page.locator("#panel form.review-form")).to_be_in_viewport()  # above the fold
    expect(page.locator(".claim-list")).to_be_in_viewport()
    axe_check(page)
    page.keyboard.press("1")
    page.keyboard.press("l")
    page.keyboard.type("https://example.org/source")
    page.keyboard.press("Escape")
    page.keyboard.press("+")  # the link supports the verdict
    page.keyboard.press("s")  # saved: on to the next claim that needs me
    expect(page.locator("#panel .panel-body")).to_have_attribute("data-claim-id", str(ids[4]))
    expect(page.locator(".panel-status")).to_contain_text("Review saved.")
    expect(page.locator("#needs-you")).to_contain_text("2 need you")
    assert page.evaluate("window.__marker") == "same page"
    _shoot(page, "reviewer-saved-advanced-1440")
    axe_check(page)
    page.goto(
        f"{live_server}/articles/{article.id}?status=open&assignee={r1.id}"
    )  # filters in the URL
    expect(page.locator(".claim-list li.claim-item")).to_have_count(2)
    _shoot(page, "reviewer-filtered-1440")
    axe_check(page)
    phone = new_page(NARROW)
    sign_in(phone, live_server, r1)
    phone.goto(f"{live_server}/articles/{article.id}?claim={ids[4]}")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    _shoot(phone, "reviewer-queue-360")
    axe_check(phone)


def test_lead_approves_the_agreeing_claims_in_bulk_without_reload(
    live_server, new_page, make_user, make_article
):
    article, ids, r1, r2, lead = _desk(make_user, make_article)
    for cid in ids[:10]:
        _review(r1, cid)
        _review(r2, cid, "disputed" if cid == ids[2] else "confirmed")
    page = new_page(WIDE)
    sign_in(page, live_server, lead)
    page.goto(f"{live_server}/articles/{article.id}?status=reviewed")
    expect(page.locator(".claim-list li.claim-item")).to_have_count(10)
    axe_check(page)
    page.evaluate("window.__marker = 'same page'")
    page.click("button.select-shown")  # 1 action
    expect(page.locator(".bulk-count")).to_have_text("10 selected")
    page.click("#bulk-form button[value=approve]")  # 2 actions
    expect(page.locator(".bulk-results")).to_contain_text("9 of 10 claims approved.")
    expect(page.locator(".bulk-results .refused")).to_contain_text("Claim 3: the reviews disagree")
    assert page.evaluate("window.__marker") == "same page"
    # the list shows reviewed claims: the approved ones left it, the refused one stays selected
    expect(page.locator(".claim-list li.claim-item")).to_have_count(1)
    expect(page.locator(f'.claim-mark[data-claim-id="{ids[0]}"]')).to_have_class(
        re.compile("status-approved")
    )
    expect(page.locator(f'.claim-item[data-claim-id="{ids[2]}"] input.pick')).to_be_checked()
    _shoot(page, "lead-bulk-results-1440")
    axe_check(page)
    # the conflict on its own: the lead's approval needs a note, shown once in the form
    page.click(f'.claim-item[data-claim-id="{ids[2]}"] > a')
    form = page.locator("#panel form.approve-form")
    form.locator("input[value=disputed]").check()
    form.locator("button[type=submit]").click()
    expect(form.locator("[data-field=note] .error")).to_contain_text("required")
    expect(page.locator("#panel")).not_to_contain_text("changed this claim meanwhile")
    _shoot(page, "lead-refusal-inline-1440")
    expected = [e for e in page.console_errors if "status of 422" in e]  # the refusal's own answer
    assert len(expected) == 1
    page.console_errors.remove(expected[0])
    axe_check(page)
    form.locator("textarea[name=note]").fill("The minutes contradict the ministry.")
    form.locator("button[type=submit]").click()
    expect(page.locator(".panel-status")).to_contain_text("Final verdict approved.")
    expect(page.locator(f'.claim-mark[data-claim-id="{ids[2]}"]')).to_have_class(
        re.compile("verdict-disputed")
    )
    assert page.evaluate("window.__marker") == "same page"
    phone = new_page(NARROW)
    sign_in(phone, live_server, lead)
    phone.goto(f"{live_server}/articles/{article.id}")
    _shoot(phone, "lead-bulk-360")
    wide = phone.evaluate("""[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 361)
        .map(e => e.tagName + '.' + e.className + '<' + e.parentElement.className + '<' + e.parentElement.parentElement.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 8)""")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360, wide
    axe_check(phone)
    check_page(page)


def test_split_in_place_and_a_gone_claim(live_server, new_page, make_user, make_article):
    article, ids, r1, _r2, _lead = _desk(make_user, make_article)
    page = new_page(WIDE)
    sign_in(page, live_server, r1)
    page.goto(f"{live_server}/articles/{article.id}?claim={ids[0]}")
    page.evaluate("window.__marker = 'same page'")
    page.locator("#panel form.split-form input[name=at]").fill(str(article.claims[0].start + 14))
    page.locator("#panel form.split-form button[type=submit]").click()
    expect(page.locator(".panel-status")).to_contain_text("Claim split in two.")
    expect(page.locator(".claim-list li.claim-item")).to_have_count(13)
    assert page.evaluate("window.__marker") == "same page"
    page.goto(f"{live_server}/articles/{article.id}?claim=987654")
    expect(page.locator(".panel-missing")).to_contain_text("Claim 987654 does not exist any more")
    _shoot(page, "gone-claim-1440")
    axe_check(page)
    assert re.search(r"/articles/\d+\?claim=987654", page.url)
