"""A claim's discussion in Chromium, without JS in the way: comment with a mention, edit in
place through the <details> form, the mentioned reviewer sees the thread hidden until they
review, the lead comments and deletes in the workspace, in place (desk.js); axe-core on each state, shots in $FACTCHECK_SHOTS (default
/tmp/shots) as discussion-*.png."""

from __future__ import annotations

import os

from browser.pages import axe_check, check_page, sign_in
from playwright.sync_api import expect

WIDE = {"width": 1440, "height": 900}
NARROW = {"width": 360, "height": 740}
TEXT = "\n\n".join(
    f"The ministry said exports of item {i} rose by {10 + i} percent in {1990 + i}."
    for i in range(4)
)


def _shoot(page, name):
    folder = os.environ.get("FACTCHECK_SHOTS", "/tmp/shots")
    os.makedirs(folder, exist_ok=True)
    page.screenshot(path=f"{folder}/discussion-{name}.png", full_page=True)
    page.locator("#discussion").screenshot(path=f"{folder}/discussion-{name}-section.png")


def test_discussion_on_the_claim_page(live_server, new_page, make_user, make_article):
    ana = make_user("reviewer", email="ana@desk.org", name="Ana")
    bo = make_user("reviewer", email="bo@desk.org", name="Bo")
    lena = make_user("lead", email="lena@desk.org", name="Lena")
    article = make_article(text=TEXT, actor=lena, title="Exports up, the ministry says")
    cid = article.claims[1].id

    page = new_page(WIDE)
    sign_in(page, live_server, ana)
    page.goto(f"{live_server}/claims/{cid}")
    section = page.locator("#discussion")
    expect(section).to_contain_text("No comments yet.")
    section.get_by_label("Your comment", exact=True).fill(
        "The 1991 figure is in the **annual report**, @bo."
    )
    section.get_by_role("button", name="Add comment").click()
    expect(page.locator(".flash-success")).to_contain_text("Comment added.")
    expect(section.locator(".comment strong", has_text="annual report")).to_be_visible()
    check_page(page)
    axe_check(page)
    _shoot(page, "added")

    section.locator("summary", has_text="Edit").click()
    section.locator(".comment-edit-form textarea").fill(
        "The 1991 figure is on page 4 of the annual report, @bo."
    )
    section.get_by_role("button", name="Save comment").click()
    expect(page.locator(".flash-success")).to_contain_text("Comment changed.")
    expect(section.locator(".comment")).to_contain_text("page 4")
    expect(section.locator(".comment .meta")).to_contain_text("edited")
    check_page(page)
    _shoot(page, "edited")
    section.get_by_label("Your comment", exact=True).fill("   ")
    section.get_by_role("button", name="Add comment").click()  # blank: refused (422), nothing saved
    expect(section.locator(".comment-form .error")).to_be_visible()
    expect(section.locator(".comment")).to_have_count(1)
    page.console_errors.remove(  # the refusal's own status, the only error expected
        "Failed to load resource: the server responded with a status of 422 (UNPROCESSABLE ENTITY)"
    )
    axe_check(page)
    _shoot(page, "refused")

    bo_page = new_page(NARROW)
    sign_in(bo_page, live_server, bo)
    bo_page.goto(f"{live_server}/inbox")
    expect(bo_page.locator(".notice").first).to_contain_text("Ana")
    bo_page.goto(f"{live_server}/claims/{cid}")
    expect(bo_page.locator("#discussion")).to_contain_text("1 comment by others is hidden")
    expect(bo_page.locator("#discussion")).not_to_contain_text("page 4")
    expect(bo_page.locator("#discussion")).not_to_contain_text("No comments yet.")
    check_page(bo_page)
    axe_check(bo_page)
    _shoot(bo_page, "blind-narrow")

    lead_page = new_page(WIDE)
    sign_in(lead_page, live_server, lena)
    lead_page.goto(f"{live_server}/articles/{article.id}?claim={cid}#panel")
    thread = lead_page.locator("#discussion")
    expect(thread).to_contain_text("page 4")
    thread.get_by_label("Your comment", exact=True).fill("Thanks, Ana.")
    thread.get_by_role("button", name="Add comment").click()  # in place: the panel reloads
    expect(lead_page.locator(".panel-status")).to_contain_text("Comment added.")
    expect(lead_page.locator("#discussion .comment")).to_have_count(2)
    lead_page.locator("#discussion .comment").first.get_by_role(
        "button", name="Delete comment"
    ).click()
    expect(lead_page.locator(".panel-status")).to_contain_text("Comment deleted.")
    expect(lead_page.locator("#discussion")).to_contain_text("This comment was deleted.")
    expect(lead_page.locator("#discussion")).to_contain_text("Thanks, Ana.")
    check_page(lead_page)
    axe_check(lead_page)
    _shoot(lead_page, "deleted-workspace")
