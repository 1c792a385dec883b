"""A desk day in Chromium (issue #19): a 50-claim article, two reviewers review every claim
(one conflict), a lead returns one claim, its reviewer revises it, and the lead approves
them all. Prints the keys, clicks, page loads and seconds each role spent.

    .venv/bin/python tests/benchmarks/bench_desk_day.py                    # this checkout
    .venv/bin/python tests/benchmarks/bench_desk_day.py --root /work/main  # before (main)

The script plays what a person would do with the pages it finds: where the workspace has
the queue (`g`, saving moves on) and bulk decisions it uses them; on a checkout without
them it moves with `j` and approves claim by claim (`a`, Enter), as the desk did before.
Typed text (the note, an evidence URL) is counted apart from keys. Each run builds its own
temporary SQLite database and serves the app from a thread on a loopback port.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLAIMS = 50
CONFLICT, RETURNED = 7, 12  # 0-based positions of the conflict and the returned claim
URL = "https://example.org/source"


class Meter:
    """Counts what one person does on one page."""

    def __init__(self, page):
        self.page, self.keys, self.clicks, self.typed, self.loads, self.seconds = (
            page,
            0,
            0,
            0,
            0,
            0.0,
        )
        page.on("load", lambda _p: setattr(self, "loads", self.loads + 1))

    def press(self, key):
        self.keys += 1
        self.page.keyboard.press(key)

    def type(self, text):
        self.typed += len(text)
        self.page.keyboard.type(text)

    def fill(self, selector, text):
        self.clicks += 1  # into the field
        self.typed += len(text)
        self.page.fill(selector, text)

    def click(self, selector):
        self.clicks += 1
        self.page.click(selector)

    def goto(self, url):
        self.page.goto(url)


def settle(page):
    page.wait_for_load_state("load")
    page.wait_for_timeout(50)
    page.wait_for_function("!document.querySelector('.panel-status')?.textContent.includes('…')")


def review_all(m: Meter, base, article_id, claim_ids, verdicts, queue: bool):
    """Review every claim: a verdict key, an evidence URL and its stance, save (a checkout
    whose links default to "supports" ignores the stance key; it is counted all the same)."""
    m.goto(f"{base}/articles/{article_id}")
    m.press("g" if queue else "j")
    for i, cid in enumerate(claim_ids):
        m.page.wait_for_selector(f"#panel .panel-body[data-claim-id='{cid}'] form.review-form")
        m.press({"confirmed": "1", "disputed": "3"}[verdicts[i]])
        m.press("l")
        m.type(URL)
        m.press("Escape")
        m.press({"confirmed": "+", "disputed": "-"}[verdicts[i]])  # the link's stance
        m.press("s")
        m.page.wait_for_selector(".panel-status:has-text('Review saved')")
        if not queue and i + 1 < len(claim_ids):
            m.press("j")
        settle(m.page)


def revise_returned(m: Meter, base, article_id, cid, queue: bool):
    m.goto(f"{base}/articles/{article_id}")
    if queue:
        m.press("g")
    else:
        m.click(f".claim-item[data-claim-id='{cid}'] > a")
    m.page.wait_for_selector(f"#panel .panel-body[data-claim-id='{cid}'] form.review-form")
    m.press("1")
    m.press("s")
    m.page.wait_for_selector(".panel-status:has-text('Review saved')")


def lead_return(m: Meter, base, article_id, cid):
    m.goto(f"{base}/articles/{article_id}?claim={cid}")
    m.fill("#panel textarea[name=comment]", "Check the year against the minutes.")
    m.click("#panel form:has(textarea[name=comment]) button[type=submit]")
    m.page.wait_for_selector(f".claim-mark[data-claim-id='{cid}'].status-returned")
    settle(m.page)


def lead_approve_all(m: Meter, base, article_id, claim_ids, bulk: bool) -> dict:
    """Approve the agreeing claims (in bulk, or one by one), then the conflict with a note."""
    start = (m.keys, m.clicks, m.loads)
    agreeing = [c for i, c in enumerate(claim_ids) if i != CONFLICT]
    if bulk:
        m.goto(f"{base}/articles/{article_id}?status=reviewed")
        m.click("button.select-agreeing")
        m.click("#bulk-form button[value=approve]")
        m.page.wait_for_selector(".bulk-results:has-text('claims approved')")
    else:
        m.goto(f"{base}/articles/{article_id}?claim={agreeing[0]}")
        for cid in agreeing:
            if cid != agreeing[0]:
                m.click(f".claim-item[data-claim-id='{cid}'] > a")
            m.page.wait_for_selector(f"#panel .panel-body[data-claim-id='{cid}'] form.approve-form")
            settle(m.page)
            m.press("a")
            m.page.wait_for_function(
                "document.activeElement?.matches('form.approve-form button[type=submit]')"
            )
            m.press("Enter")
            m.page.wait_for_selector(f".claim-item[data-claim-id='{cid}'].status-approved")
    bulk_step = {
        "actions": m.keys + m.clicks - start[0] - start[1],
        "loads": m.loads - start[2] - 1,
    }
    cid = claim_ids[CONFLICT]
    m.click(f".claim-item[data-claim-id='{cid}'] > a")
    m.page.wait_for_selector(f"#panel .panel-body[data-claim-id='{cid}'] form.approve-form")
    m.click("#panel form.approve-form input[value=disputed]")
    m.fill("#panel form.approve-form textarea[name=note]", "The minutes contradict the ministry.")
    m.click("#panel form.approve-form button[type=submit]")
    m.page.wait_for_selector(f".claim-mark[data-claim-id='{cid}'].status-approved")
    return bulk_step


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=str(HERE.parent.parent), help="the checkout to measure")
    args = ap.parse_args()
    root = Path(args.root).resolve()
    sys.path.insert(0, str(root))
    sys.path.insert(0, str(root / "tests"))
    tmp = Path(tempfile.mkdtemp(prefix="bench-desk-day-"))
    os.environ["FACTCHECK_INSTANCE_PATH"] = str(tmp / "instance")
    from browser.chromium import launch, serve
    from flask_migrate import upgrade
    from playwright.sync_api import sync_playwright

    from factcheck import create_app
    from factcheck.database import transaction
    from factcheck.models import SystemActor
    from factcheck.services import articles, assignments, users

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'desk.db'}", "SECRET_KEY": "bench",
                      "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 64})  # fmt: skip
    password = "correct-horse-battery"
    with app.app_context():
        upgrade(directory=str(root / "migrations"))
        with transaction() as s:
            people = {role: users.create_user(s, actor=SystemActor("bench"), email=f"{role}@example.org",
                                              display_name=role, role=kind, password=password)
                      for role, kind in (("r1", "reviewer"), ("r2", "reviewer"), ("lead", "lead"))}  # fmt: skip
            text = "\n\n".join(f"The ministry said exports of item {i} rose by {10 + i} percent in {1950 + i}."
                               for i in range(CLAIMS))  # fmt: skip
            article = articles.import_article(
                s, actor=people["lead"], text=text, title="A desk day"
            )
            ids, article_id = [c.id for c in article.claims], article.id
            for who in ("r1", "r2"):
                assignments.assign(
                    s, actor=people["lead"], user_id=people[who].id, article_id=article_id
                )
            emails = {k: u.email for k, u in people.items()}
    assert len(ids) == CLAIMS, len(ids)
    rows = []
    with serve(app) as base, sync_playwright() as pw:
        browser = launch(pw)

        def person(role):
            page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
            page.goto(base + "/login")
            page.fill("#email", emails[role])
            page.fill("#password", password)
            page.click("button[type=submit]")
            page.wait_for_url(base + "/articles")
            return Meter(page)

        meters = {role: person(role) for role in ("r1", "r2", "lead")}
        m = meters["r1"]
        m.goto(f"{base}/articles/{article_id}")
        queue = m.page.locator("a.next-link").count() > 0
        bulk = None
        for role, verdicts in (("r1", ["confirmed"] * CLAIMS),
                               ("r2", ["disputed" if i == CONFLICT else "confirmed" for i in range(CLAIMS)])):  # fmt: skip
            t = time.perf_counter()
            review_all(meters[role], base, article_id, ids, verdicts, queue)
            meters[role].seconds += time.perf_counter() - t
        lead = meters["lead"]
        t = time.perf_counter()
        lead_return(lead, base, article_id, ids[RETURNED])
        lead.seconds += time.perf_counter() - t
        t = time.perf_counter()
        revise_returned(meters["r1"], base, article_id, ids[RETURNED], queue)
        meters["r1"].seconds += time.perf_counter() - t
        t = time.perf_counter()
        bulk_page = lead.page.goto(f"{base}/articles/{article_id}")
        has_bulk = lead.page.locator("#bulk-form").count() > 0 and bulk_page is not None
        bulk = lead_approve_all(lead, base, article_id, ids, has_bulk)
        lead.seconds += time.perf_counter() - t
        for role, mm in meters.items():
            per = ""
            if role != "lead":
                per = f"{mm.keys / CLAIMS:.1f}"
            rows.append((role, mm.keys, mm.clicks, mm.typed, mm.loads, f"{mm.seconds:.1f}", per))
        browser.close()
    print(f"\nDesk day on {root} ({CLAIMS} claims; queue: {queue}; bulk: {has_bulk})\n")
    print("| role | keys | clicks | typed chars | page loads | seconds | keys per claim reviewed |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(map(str, row)) + " |")
    print(f"\nLead, approving the {CLAIMS - 1} agreeing claims: {bulk['actions']} actions (keys + clicks), "
          f"{bulk['loads']} page loads after the first (target: 20 claims in ≤ 5 actions, no reload)")  # fmt: skip


if __name__ == "__main__":
    main()
