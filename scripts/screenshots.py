"""Regenerate the README screenshots (docs/screenshots/*.png) with the browser tests'
set-up: Debian's Chromium through Playwright, on a throw-away demo desk.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

A temporary instance (SQLite) gets the demo article, three accounts and a few reviews,
approvals and an exclusion, so every colour of the workspace shows.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

PASSWORD = "screenshot-password"
LINK = [{"url": "https://www.rfa.org/english/", "title": "RFA report", "stance": "supports"}]


def build_app(instance: Path):
    os.environ["FACTCHECK_INSTANCE_PATH"] = str(instance)
    from flask_migrate import upgrade

    from factcheck import create_app
    from factcheck.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'shots.db'}",
                      "SECRET_KEY": "screenshots", "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 64})  # fmt: skip
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        db.engine.dispose()
    return app


def seed(app) -> dict:
    """A desk in the middle of its work: reviews, a conflict, approvals, an exclusion."""
    from factcheck.database import transaction
    from factcheck.models import SystemActor
    from factcheck.services import approvals, articles, claims, reviews, users

    seed_text = (ROOT / "factcheck" / "demo" / "seed-rfa-passports.txt").read_text("utf-8")
    with app.app_context(), app.test_request_context():
        sysactor = SystemActor("screenshots")
        with transaction() as s:
            people = {
                role: users.create_user(s, actor=sysactor, email=f"{name.lower()}@desk.example",
                                        display_name=name, role=role, password=PASSWORD)
                for role, name in (("reviewer", "Rita"), ("admin", "Sam"), ("lead", "Lena"))
            }  # fmt: skip
            article = articles.import_article(s, actor=people["reviewer"], text=seed_text)
            ids = [c.id for c in article.claims]
            rita, sam, lena = people["reviewer"], people["admin"], people["lead"]
        plan = [(1, "confirmed", "confirmed", True), (2, "confirmed", "confirmed", True),
                (3, "disputed", "disputed", True), (4, "unconfirmed", "unconfirmed", True),
                (5, "confirmed", "disputed", False), (6, "unconfirmed", None, False)]  # fmt: skip
        for i, v1, v2, approve in plan:
            with transaction() as s:
                reviews.submit_review(s, actor=rita, claim_id=ids[i], verdict=v1, links=LINK,
                                      note="Matches the **wire** copy.")  # fmt: skip
                if v2:
                    reviews.submit_review(s, actor=sam, claim_id=ids[i], verdict=v2, links=LINK)
            if approve:
                with transaction() as s:
                    claim = claims.get_claim(s, ids[i])
                    approvals.approve_claim(s, actor=lena, claim_id=ids[i], verdict=v1, note="Checked.",
                                            version=claim.version)  # fmt: skip
        with transaction() as s:
            claim = claims.get_claim(s, ids[0])
            claims.exclude_claim(
                s, actor=rita, claim_id=ids[0], reason="headline", version=claim.version
            )
        return {
            "article": article.id,
            "claim": ids[7],
            "emails": {"reviewer": rita.email, "lead": lena.email},
        }


def sign_in(page, base, email):
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/articles")


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    from browser.chromium import DESKTOP, PHONE, available, launch, serve
    from playwright.sync_api import sync_playwright

    if not available():
        sys.exit(
            "screenshots need Debian's Chromium at /usr/bin/chromium (apt-get install chromium)"
        )
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(Path(tmp))
        world = seed(app)
        with serve(app) as base, sync_playwright() as pw:
            browser = launch(pw)
            shots = [("workspace", "reviewer", DESKTOP, f"/articles/{world['article']}?claim={world['claim']}"),
                     ("workspace-phone", "reviewer", PHONE, f"/articles/{world['article']}?claim={world['claim']}"),
                     ("desk", "lead", DESKTOP, "/queue"),
                     ("articles", "lead", DESKTOP, "/articles"),
                     ("audit", "lead", DESKTOP, "/audit")]  # fmt: skip
            for name, role, viewport, path in shots:
                context = browser.new_context(viewport=viewport, device_scale_factor=1)
                page = context.new_page()
                sign_in(page, base, world["emails"][role])
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                page.screenshot(
                    path=str(args.out / f"{name}.png"), full_page=name in ("desk", "articles")
                )
                context.close()
            report = browser.new_context(viewport=DESKTOP)
            page = report.new_page()
            sign_in(page, base, world["emails"]["lead"])
            resp = page.request.get(f"{base}/articles/{world['article']}/export?format=html")
            page.set_content(resp.text())
            page.screenshot(path=str(args.out / "report.png"), full_page=False)
            report.close()
            browser.close()
    for png in sorted(args.out.glob("*.png")):
        print(png.relative_to(ROOT) if png.is_relative_to(ROOT) else png)


if __name__ == "__main__":
    main()
