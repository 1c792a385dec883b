"""Helpers of the browser tests: sign in, page checks, axe-core."""

from __future__ import annotations

from pathlib import Path

PASSWORD = "correct-horse-battery"  # the conftest factories' password
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def sign_in(page, base, user):
    page.goto(base + "/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/articles")


def check_page(page):
    """No console errors, dialogs or CSP violations on the page so far."""
    violations = page.evaluate("window.__csp || []")
    assert violations == [], violations
    assert page.console_errors == [], page.console_errors


def axe_check(page, *, allow=()):
    """axe-core on the current page (WCAG 2.x A/AA): no serious or critical violations."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text("utf-8") + "\n;undefined")
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag', values:
              ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})
             .then(r => r.violations.map(v => ({id: v.id, impact: v.impact,
               nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))"""
    )
    bad = [v for v in result if v["impact"] in ("serious", "critical") and v["id"] not in allow]
    assert bad == [], f"{page.url}: {bad}"
    check_page(page)
