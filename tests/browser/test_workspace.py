"""The reviewer workspace in Chromium: import, keyboard-only review, editing the split
with undo, export download, hostile text, and the pages at 360 px, each page checked
with axe-core and for console errors and CSP violations."""

from __future__ import annotations

import os
import re

from browser.chromium import PHONE
from browser.pages import axe_check, check_page, sign_in
from playwright.sync_api import expect

from factcheck.database import transaction
from factcheck.models import SystemActor
from factcheck.services import users

HOSTILE = (
    "Prices rose 5% in 2021, the bank said. <script>alert(1)</script>\n\n"
    'Unemployment fell to 3.9% in March <img src=x onerror="alert(2)">, officials said.\n\n'
    "The mayor said \u202etxet desrever\u202c that 12 schools closed in 2020.\n"
)


def _selected(page, seq: int) -> None:
    expect(page.locator(f"#panel .panel-body[data-seq='{seq}']")).to_have_count(1)


def test_import_then_review_with_the_keyboard_only(live_server, new_page, make_user):
    base = live_server
    page = new_page()
    sign_in(page, base, make_user("reviewer"))
    axe_check(page)
    page.goto(base + "/articles/new")
    axe_check(page)
    page.fill("#text", HOSTILE)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/articles/\d+$"))
    expect(page.locator(".flash-success")).to_contain_text("Article imported")
    marks = page.locator(".article-text .body .claim-mark")
    assert marks.count() == 3
    assert page.locator(".article-text script, .article-text img").count() == 0  # text, not markup
    assert page.evaluate("document.querySelectorAll('[onerror], [onload]').length") == 0
    axe_check(page)

    page.evaluate("window.__marker = 'same page'")
    page.keyboard.press("j")
    _selected(page, 1)
    page.keyboard.press("j")
    _selected(page, 2)
    page.keyboard.press("k")
    _selected(page, 1)
    expect(page.locator(".claim-item.selected")).to_have_attribute(
        "data-claim-id", re.compile(r"\d+")
    )
    page.keyboard.press("1")
    expect(page.locator("#panel input[name=verdict][value=confirmed]")).to_be_checked()
    page.keyboard.press("n")
    page.keyboard.type("jk 123 s: shortcuts stay quiet while I type")
    page.keyboard.press("Escape")
    _selected(page, 1)  # j and k were typed, not obeyed
    expect(page.locator("#panel input[name=verdict][value=confirmed]")).to_be_checked()
    page.keyboard.press("l")
    page.keyboard.type("https://example.org/wire")
    page.keyboard.press("Escape")
    page.keyboard.press("s")  # no stance chosen: refused next to the field, nothing saved
    expect(page.locator("#panel #links-0-stance-error")).to_have_text(
        "choose a stance: supports, contradicts or context"
    )
    page.screenshot(path="/tmp/reports-stance-refused.png", full_page=False)
    page.keyboard.press("-")  # contradicts a confirmed verdict: saved, and flagged
    expect(page.locator("#panel select[name=links-0-stance]")).to_have_value("contradicts")
    page.keyboard.press("s")
    expect(page.locator(".panel-status")).to_have_text("Review saved.")
    expect(page.locator("#panel .stance-conflict .flag")).to_contain_text(
        "contradicts a confirmed verdict"
    )
    page.screenshot(path="/tmp/reports-stance-flagged.png", full_page=False)
    assert page.evaluate("window.__marker") == "same page"  # no reload
    first = page.locator(".article-text .body .claim-mark").first
    expect(first).to_have_class(re.compile("status-reviewed"))
    expect(page.locator("#panel")).to_contain_text("shortcuts stay quiet")
    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_have_attribute("open", "")
    axe_check(page)
    unisolated = page.evaluate(
        """() => { const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT); let n = 0;
          while (w.nextNode()) if (w.currentNode.data.includes('\\u202e') && !w.currentNode.parentElement.closest('bdi')) n++;
          return n; }"""
    )
    assert unisolated == 0  # a bidi override never reorders text outside its claim


def test_split_merge_undo_add_and_exclude(live_server, new_page, make_user, make_article):
    base = live_server
    reviewer = make_user("reviewer")
    article = make_article(actor=reviewer)
    claim = article.claims[3]
    page = new_page()
    sign_in(page, base, reviewer)
    page.goto(f"{base}/articles/{article.id}?claim={claim.id}")
    marks = page.locator(".article-text .body .claim-mark")
    n = marks.count()

    cut = claim.text.index(" ", 10)
    box = page.locator("#panel .split-source")
    box.focus()
    page.keyboard.press("Control+Home")
    for _ in range(cut):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#panel input[name=at]")).to_have_value(str(claim.start + cut))
    page.locator("#panel .split-form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_contain_text("Claim split in two.")
    assert marks.count() == n + 1
    # The halves: the first keeps its number, the second takes the next free one; the
    # claims after them keep theirs (issue #19 item 4).
    numbers = [int(v) for v in page.locator("ol.claims li.claim-item").evaluate_all(
        "els => els.map(e => e.getAttribute('value'))")]  # fmt: skip
    assert numbers == [*range(1, 5), n + 1, *range(5, n + 1)], numbers
    expect(page.locator("#panel #claim-h")).to_have_text("Claim 4")
    if shots := os.environ.get("FACTCHECK_SHOTS"):
        page.locator("ol.claims").screenshot(path=f"{shots}/workspace-numbers-after-split.png")

    page.locator("#panel form.merge-next button").click()
    expect(page.locator(".flash-success")).to_contain_text("Claims merged.")
    assert marks.count() == n

    page.get_by_role("button", name=re.compile("Undo my last edit: merge")).click()
    expect(page.locator(".flash-success")).to_contain_text("undone")
    assert marks.count() == n + 1
    axe_check(page)

    # select plain (non-claim) text in the article to add it as a claim
    page.evaluate(
        """() => {
        const bdi = [...document.querySelectorAll('.article-text .plain bdi')]
          .find(b => b.textContent.trim().length > 8);
        const node = bdi.firstChild, text = node.textContent, from = text.search(/\\S/);
        const range = document.createRange();
        range.setStart(node, from); range.setEnd(node, from + 8);
        getSelection().removeAllRanges(); getSelection().addRange(range);
      }"""
    )
    add = page.locator("form.add-selection button")
    expect(add).to_be_enabled()
    add.click()
    expect(page.locator(".flash-success")).to_contain_text("Claim added.")
    assert marks.count() == n + 2

    page.fill("#panel #reason", "boilerplate")
    page.locator("#panel .exclude-form button").click()
    expect(page.locator(".flash-success")).to_contain_text("excluded")
    expect(page.locator(".article-text .body .claim-mark.selected")).to_have_class(
        re.compile("status-excluded")
    )
    check_page(page)


def test_export_download(live_server, new_page, make_user, make_article):
    base = live_server
    user = make_user("reviewer")
    article = make_article(actor=user)
    page = new_page()
    sign_in(page, base, user)
    page.goto(f"{base}/articles/{article.id}")
    page.get_by_text("Export report").click()
    with page.expect_download() as info:
        page.get_by_role("button", name="Markdown").click()
    download = info.value
    assert download.suggested_filename.endswith(".md")
    with open(download.path(), encoding="utf-8") as fh:
        assert "DRAFT" in fh.read()
    check_page(page)


def test_pages_fit_a_phone(live_server, new_page, make_user, make_article):
    base = live_server
    lead = make_user("lead")
    article = make_article(actor=lead)
    with transaction() as s:  # the account page lists tokens: its widest table
        users.create_token(s, actor=SystemActor("t"), user_id=lead.id, name="a long token name")
    page = new_page(PHONE)
    sign_in(page, base, lead)
    for path in ("/articles", f"/articles/{article.id}?claim={article.claims[2].id}",
                 f"/claims/{article.claims[2].id}", "/queue", "/account", "/account/reauth"):  # fmt: skip
        page.goto(base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (path, width)
        axe_check(page)


SPEAKERS = (
    "The budget grew 5% in 2021, Mayor Jane Doe said on Monday.\n\n"
    '"We will spend 40% of it on roads."\n\n'
    "The Treasury Department said revenue rose 3% in 2021.\n"
)


def test_speaker_unclear_is_confirmed_with_one_key(live_server, new_page, make_user, make_article):
    base = live_server
    user = make_user("reviewer")
    article = make_article(text=SPEAKERS, actor=user)
    page = new_page()
    sign_in(page, base, user)
    page.goto(f"{base}/articles/{article.id}")
    page.keyboard.press("j")
    page.keyboard.press("j")
    _selected(page, 2)
    unclear = page.locator("#panel .speaker-unclear")
    expect(unclear).to_contain_text("speaker unclear")
    axe_check(page)
    page.screenshot(path="/tmp/extract-speaker-unclear.png", full_page=True)
    page.keyboard.press("c")
    expect(page.locator(".flash-success")).to_contain_text("Speaker confirmed")
    _selected(page, 2)
    expect(page.locator("#panel .speaker-unclear")).to_have_count(0)
    expect(page.locator("#panel .facts")).to_contain_text("Mayor Jane Doe")
    page.screenshot(path="/tmp/extract-speaker-confirmed.png", full_page=True)
    check_page(page)
