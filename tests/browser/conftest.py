"""Browser tests: the real pages in Debian's Chromium, driven by Playwright.

They run when /usr/bin/chromium exists and are skipped with a clear reason otherwise;
with CI set in the environment a missing Chromium is an error, so CI always runs them.
The app is served from a thread on a free loopback port, on the same test database as
the other fixtures, with CSRF protection on (as in production). Every page records its
console errors, dialogs and Content Security Policy violations; `check_page` asserts
there are none and `axe_check` runs axe-core on the page.
"""

from __future__ import annotations

import os

import pytest
from browser.chromium import CHROMIUM, DESKTOP, available, launch, serve

MISSING = f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"

if not available():
    if os.environ.get("CI"):
        raise RuntimeError(MISSING + "; CI must run them")
    pytest.skip(MISSING, allow_module_level=True)


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(f"browser tests: Chromium at {CHROMIUM}")


@pytest.fixture
def live_server(app):
    """The test app on 127.0.0.1:<free port>, CSRF on; yields its base URL."""
    app.config["WTF_CSRF_ENABLED"] = True
    with serve(app) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch(pw)
        yield browser
        browser.close()


CSP_LISTENER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.fixture
def new_page(browser):
    """new_page(viewport=DESKTOP) -> a page in a fresh context recording errors and CSP violations."""
    contexts = []

    def make(viewport=DESKTOP):
        context = browser.new_context(viewport=viewport, accept_downloads=True)
        context.add_init_script(CSP_LISTENER)
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on(
            "console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None
        )
        page.on("pageerror", lambda exc: page.console_errors.append(f"pageerror: {exc}"))
        page.on(
            "dialog", lambda d: (page.console_errors.append(f"dialog: {d.message}"), d.dismiss())
        )
        return page

    yield make
    for context in contexts:
        context.close()
