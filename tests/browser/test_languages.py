"""The main pages in Spanish in Chromium (the browser's language, then the saved one):
no English left on them; screenshots of each in /tmp/i18n-*.png (issue #20 item 4)."""

from __future__ import annotations

import re

import pytest
from browser.chromium import DESKTOP
from browser.pages import PASSWORD, check_page

# An article in Spanish, so that the desk's own data is not English on the pages.
TEXTO = (
    "El Gobierno anunció ayer que el paro bajó un 3 % en octubre. "
    "La ministra dijo que se crearon 120.000 empleos en un año. "
    "Según el informe, la mitad de los contratos son temporales."
)
PAGES = {
    "login": "/login",
    "articles": "/articles",
    "account": "/account",
    "audit": "/audit",
    "admin-users": "/admin/users",
    "exports": "/exports",
    "webhooks": "/admin/webhooks",
}
# English words that are never a Spanish word: any of them on a page is a text left untranslated.
ENGLISH = {
    "the", "and", "of", "to", "your", "you", "is", "are", "with", "for", "from", "by", "this",
    "sign", "save", "delete", "create", "export", "import", "articles", "account", "accounts",
    "password", "name", "status", "role", "actions", "filter", "search", "progress", "approved",
    "reviewed", "excluded", "queue", "my", "audit", "trail", "language", "two",
    "step", "new", "events", "delivery", "deliveries", "none", "never", "yet",
}  # fmt: skip
# The audit trail's rows and action filter show the events' identifiers and recorded values
# (claim.approved, role: admin), the same in every language: the page around them is checked.
DATA = {"audit": "table.audit tbody, #f-action option:not(:first-child)"}
VISIBLE_TEXT = """(skip) => { const body = document.body.cloneNode(true);
  if (skip) body.querySelectorAll(skip).forEach(e => e.remove());
  document.documentElement.appendChild(body); const t = body.innerText; body.remove(); return t; }"""
NOT_WORDS = ("@example.org", "fct_", "Factcheck", "JSON", "ZIP", "CSV", "URL", "API", "UTC")


def english_left(text: str) -> list[str]:
    for token in NOT_WORDS:
        text = text.replace(token, " ")
    text = re.sub(r"\b[a-z_]+\.[a-z_]+\b", " ", text)  # event names: claim.approved
    words = re.findall(r"[A-Za-z]+", text)
    return sorted({w for w in words if w.lower() in ENGLISH})


def _sign_in(page, base, user, button):
    page.goto(base + "/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name=button).click()
    page.wait_for_url(base + "/articles")


@pytest.mark.parametrize("lang, button", [("es", "Iniciar sesión")])
def test_the_main_pages_have_no_english_left(
    live_server, browser, make_user, make_article, lang, button
):
    admin = make_user("admin", name="Ana Pérez")
    make_article(text=TEXTO, actor=admin, title="El paro en octubre")
    context = browser.new_context(viewport=DESKTOP, locale=f"{lang}-ES")
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(live_server + "/login")
        assert page.locator("html").get_attribute("lang") == lang
        page.screenshot(path=f"/tmp/i18n-{lang}-login.png", full_page=True)
        assert english_left(page.inner_text("body")) == []
        _sign_in(page, live_server, admin, button)
        for name, path in PAGES.items():
            if name == "login":
                continue
            page.goto(live_server + path)
            assert page.locator("html").get_attribute("lang") == lang
            page.screenshot(path=f"/tmp/i18n-{lang}-{name}.png", full_page=True)
            text = page.evaluate(VISIBLE_TEXT, DATA.get(name))
            assert english_left(text) == [], name
        check_page(page)
    finally:
        context.close()


@pytest.mark.parametrize("lang, title", [("fr", "Votre compte"), ("de", "Ihr Konto"),
                                         ("pt", "Sua conta"), ("en", "Your account")])  # fmt: skip
def test_the_saved_language_wins_in_the_browser(live_server, browser, make_user, lang, title):
    """An English browser; the person picks a language on the account page."""
    user = make_user("reviewer")
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    page = context.new_page()
    try:
        _sign_in(page, live_server, user, "Sign in")
        page.goto(live_server + "/account")
        page.select_option("#locale", lang)
        page.locator("#language button[type=submit]").click()
        page.wait_for_url(re.compile(r".*/account#language$"))
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator("h1").inner_text() == title
        page.screenshot(path=f"/tmp/i18n-{lang}-account.png", full_page=True)
        page.goto(live_server + "/articles")
        page.screenshot(path=f"/tmp/i18n-{lang}-articles.png", full_page=True)
    finally:
        context.close()
