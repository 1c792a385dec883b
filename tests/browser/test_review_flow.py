"""Two reviewers and a lead take a claim from open to approved in the browser."""

from __future__ import annotations

PASSWORD = "correct-horse-battery"  # the conftest factories' password


def sign_in(page, base, user):
    page.goto(base + "/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/articles")


def test_open_to_approved_in_the_browser(live_server, new_page, make_user, make_article):
    base = live_server
    r1, r2, lead = (
        make_user("reviewer", name="Rita"),
        make_user("reviewer", name="Sam"),
        make_user("lead"),
    )
    article = make_article()
    claim = article.claims[1]

    page = new_page()
    sign_in(page, base, r1)
    page.goto(f"{base}/articles/{article.id}")
    marks = page.locator("[data-claim-id]")
    assert marks.count() >= len(article.claims)
    page.click(f".article-text [data-claim-id='{claim.id}']")
    page.check("input[name=verdict][value=confirmed]")
    page.fill("textarea[name=note]", "Matches the **wire** copy")
    page.fill("input[name='links-0-url']", "https://www.rfa.org/english/")
    page.fill("input[name='links-0-title']", "RFA")
    page.click("#review button[type=submit]")
    assert "Review saved." in page.content()

    page2 = new_page()
    sign_in(page2, base, r2)
    page2.goto(f"{base}/claims/{claim.id}")
    assert "Matches the" not in page2.content()  # blind until submitted
    assert "hidden until you submit" in page2.content()
    page2.check("input[name=verdict][value=confirmed]")
    page2.fill("input[name='links-0-url']", "https://example.org/second")
    page2.click("#review button[type=submit]")
    assert "Matches the" in page2.content()

    page3 = new_page()
    sign_in(page3, base, lead)
    page3.goto(f"{base}/claims/{claim.id}")
    page3.locator(".lead input[name=verdict][value=confirmed]").check()
    page3.locator(".lead button", has_text="Approve final verdict").click()
    assert "Final verdict approved." in page3.content()
    assert page3.locator(".final .verdict-confirmed").count() == 1

    for p in (page, page2, page3):
        assert p.console_errors == [], p.console_errors
