"""Live updates in Chromium, two sessions at once (issue #19 item 6): the lead approves and
edits claims through the API in one browser context while a reviewer's workspace in
another shows each change within seconds, without a reload, and never throws away what the
reviewer typed; a stale save offers to reload the claim, the typed note kept to copy back.
Shots in /tmp/live-*.png (FACTCHECK_SHOTS names another folder)."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from browser.pages import axe_check, check_page, sign_in
from playwright.sync_api import expect

from factcheck.database import transaction
from factcheck.services import reviews
from factcheck.settings import app_settings

WIDE = {"width": 1440, "height": 900}
LINK = [{"url": "https://example.org/proof", "title": "Proof", "stance": "supports"}]
TEXT = "\n\n".join(
    f"The ministry said exports of item {i} rose by {10 + i} percent in {1990 + i}."
    for i in range(5)
)
SHOTS = Path(os.environ.get("FACTCHECK_SHOTS", "/tmp"))

# The lead's page calls the JSON API with its session cookie and CSRF token.
CALL = """async ([method, url, body]) => {
  const headers = {"Content-Type": "application/json", Accept: "application/json",
                   "X-CSRFToken": document.querySelector('meta[name="csrf-token"]').content};
  const r = await fetch(url, {method, headers, credentials: "same-origin", body: body ? JSON.stringify(body) : undefined});
  return {status: r.status, body: await r.json()};
}"""


def _shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"live-{name}.png"))


def _call(page, method, url, body=None):
    out = page.evaluate(CALL, [method, "/api/v1" + url, body])
    assert out["status"] in (200, 201), out
    return out["body"]


def test_the_reviewer_sees_the_leads_changes_without_a_reload(
    app, live_server, new_page, make_user, make_article
):
    app.extensions["factcheck"] = replace(app_settings(app), LIVE_POLL_SECONDS=1)
    rita, lead = make_user("reviewer", name="Rita"), make_user("lead", name="Lena")
    article = make_article(text=TEXT, actor=rita)
    ids = [c.id for c in article.claims]
    for claim_id in ids[:1] + ids[3:4]:
        with transaction() as s:
            reviews.submit_review(s, actor=rita, claim_id=claim_id, verdict="confirmed", links=LINK)

    page = new_page(WIDE)
    sign_in(page, live_server, rita)
    page.goto(f"{live_server}/articles/{article.id}?claim={ids[1]}")
    page.evaluate("window.__marker = 'same page'")
    boss = new_page(WIDE)
    sign_in(boss, live_server, lead)
    boss.goto(f"{live_server}/articles/{article.id}")

    # 1. The lead approves claim 1: the reviewer's list and text show it, and a notice says so.
    v = _call(boss, "GET", f"/claims/{ids[0]}")["version"]
    _call(
        boss,
        "POST",
        f"/claims/{ids[0]}/approve",
        {"verdict": "confirmed", "note": "", "version": v},
    )
    notice = page.locator(".live-notice")
    expect(notice).to_contain_text("Claim 1 was approved by Lena.", timeout=5000)
    item = page.locator(f'.claim-item[data-claim-id="{ids[0]}"]')
    expect(item).to_have_class(_has("status-approved"))
    expect(page.locator(f'.claim-mark[data-claim-id="{ids[0]}"]')).to_have_class(
        _has("verdict-confirmed")
    )
    assert page.evaluate("window.__marker") == "same page"  # no reload
    _shoot(page, "approved-notice")
    axe_check(page)

    # 2. The reviewer types a note in claim 2; the lead edits claim 2: the typed note stays,
    #    the notice offers to reload the claim, and reloading keeps the note in a box.
    page.fill("#note", "My half-written note about item 1.")
    v = _call(boss, "GET", f"/claims/{ids[1]}")["version"]
    _call(boss, "PATCH", f"/claims/{ids[1]}", {"speaker": "Trade Office", "version": v})
    expect(notice).to_contain_text("Claim 2 was changed by Lena.", timeout=5000)
    expect(page.locator("#note")).to_have_value("My half-written note about item 1.")
    expect(page.locator("#panel .facts")).not_to_contain_text(
        "Trade Office"
    )  # not reloaded under her
    expect(notice.get_by_role("button", name="Reload claim")).to_be_visible()
    _shoot(page, "typed-kept")
    notice.get_by_role("button", name="Reload claim").click()
    expect(page.locator("#panel .facts")).to_contain_text("Trade Office")
    kept = page.locator("#panel .kept-input textarea")
    expect(kept).to_have_value("My half-written note about item 1.")
    expect(notice).to_be_empty()
    _shoot(page, "reloaded-kept")
    axe_check(page)

    # 3. A stale save: the reviewer's own review of claim 4 changes elsewhere (another tab)
    #    while she revises it here: the refusal offers "Reload this claim", the note kept.
    page.goto(f"{live_server}/articles/{article.id}?claim={ids[3]}")
    page.fill("#note", "Revised here, in the first tab.")
    with transaction() as s:
        reviews.submit_review(
            s, actor=rita, claim_id=ids[3], verdict="disputed", links=LINK, version=1
        )
    page.locator("#panel form.review-form button[type=submit]").click()
    status = page.locator("#panel .panel-status")
    expect(status).to_contain_text("Not saved")
    button = status.get_by_role("button", name="Reload this claim")
    expect(button).to_be_visible()
    status.scroll_into_view_if_needed()
    _shoot(page, "stale-save")
    button.click()
    expect(page.locator("#panel .kept-input textarea")).to_have_value(
        "Revised here, in the first tab."
    )
    expect(page.locator("#panel .reviews-side-by-side")).to_contain_text("Disputed")
    _shoot(page, "stale-reloaded")
    assert page.console_errors == [  # the refused save itself, as Chromium logs it
        "Failed to load resource: the server responded with a status of 409 (CONFLICT)"
    ]
    page.console_errors.clear()
    axe_check(page)
    check_page(boss)


def _has(cls):
    import re

    return re.compile(rf"(^|\s){cls}(\s|$)")


def test_a_hidden_tab_stops_asking_and_errors_back_off(
    app, live_server, new_page, make_user, make_article
):
    app.extensions["factcheck"] = replace(app_settings(app), LIVE_POLL_SECONDS=1)
    rita = make_user("reviewer", name="Rita")
    article = make_article(text=TEXT, actor=rita)
    page = new_page(WIDE)
    asked = []
    page.on("request", lambda r: asked.append(r.url) if r.url.endswith("/changes") else None)
    sign_in(page, live_server, rita)
    page.goto(f"{live_server}/articles/{article.id}")
    page.wait_for_timeout(2500)
    assert len(asked) >= 2, asked  # visible: about once a second
    # hidden (another tab in front): no more questions; shown again: one at once
    page.evaluate("""() => { Object.defineProperty(document, "hidden", {configurable: true, get: () => true});
                             document.dispatchEvent(new Event("visibilitychange")); }""")
    page.wait_for_timeout(300)
    before = len(asked)
    page.wait_for_timeout(3000)
    assert len(asked) == before, "a hidden tab kept asking"
    page.evaluate("""() => { Object.defineProperty(document, "hidden", {configurable: true, get: () => false});
                             document.dispatchEvent(new Event("visibilitychange")); }""")
    page.wait_for_timeout(500)
    assert len(asked) == before + 1
    # the server failing: 1 s, 2 s, 4 s … between questions, not one a second
    page.route("**/changes", lambda route: route.fulfill(status=503, body="{}"))
    page.wait_for_timeout(1200)  # the question due now fails
    failing = len(asked)
    page.wait_for_timeout(5000)
    assert len(asked) - failing <= 2, asked[failing:]  # ~2 s then ~4 s, not five more
    page.unroute("**/changes")
    page.console_errors.clear()  # the 503s, as Chromium logs them
    check_page(page)
