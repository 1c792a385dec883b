"""A PDF too long to render while the lead waits: the page says it is being prepared,
checks again by itself and starts the download when the background render is kept."""

from __future__ import annotations

import os
import zipfile

from browser.pages import axe_check, check_page, sign_in
from flask import current_app
from playwright.sync_api import expect
from settings_helpers import override_settings

from factcheck.jobs import worker


def test_a_long_pdf_is_prepared_then_downloads_by_itself(app, live_server, new_page, make_user,
                                                          make_article):  # fmt: skip
    override_settings(app, PDF_INLINE_MAX_KIB=0)  # every PDF counts as long
    lead = make_user("lead")
    article = make_article()
    page = new_page()
    sign_in(page, live_server, lead)
    page.goto(f"{live_server}/articles/{article.id}")
    page.get_by_text("Export report").click()
    page.get_by_role("button", name="PDF", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Preparing the PDF")
    expect(page.get_by_role("status")).to_contain_text("queued for rendering")
    check_page(page)
    axe_check(page)
    if os.environ.get("FACTCHECK_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["FACTCHECK_SCREENSHOTS"], "preparing.png"))

    drained = worker.run(current_app._get_current_object(), kinds=["render"])  # the worker
    assert drained.done == 1
    with page.expect_download(timeout=15_000) as download:
        pass  # the page reloads within 3 s, sees the file kept and starts the download
    assert download.value.suggested_filename == f"factcheck-report-{article.id}-draft.pdf"
    assert download.value.path().read_bytes().startswith(b"%PDF")  # the whole file arrived
    expect(page.get_by_role("heading", level=1)).to_have_text("The PDF is ready")
    check_page(page)
    if os.environ.get("FACTCHECK_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["FACTCHECK_SCREENSHOTS"], "ready.png"))


def test_a_bulk_export_waits_for_long_pdfs_then_downloads(app, live_server, new_page, make_user,
                                                           make_article, review_all):  # fmt: skip
    override_settings(app, PDF_INLINE_MAX_KIB=0)
    reviewer, lead = make_user("reviewer"), make_user("lead")
    article = make_article()
    review_all(article.id, reviewer, lead)
    page = new_page()
    sign_in(page, live_server, lead)
    page.goto(f"{live_server}/exports")
    page.fill("#since", "2000-01-01")
    page.select_option("#format", "pdf")
    page.get_by_role("button", name="Download ZIP").click()

    expect(page.get_by_role("heading", level=2)).to_have_text("Preparing the PDF files")
    expect(page.get_by_role("status")).to_contain_text("1 of the 1 report")
    check_page(page)
    axe_check(page)
    if os.environ.get("FACTCHECK_SCREENSHOTS"):
        page.screenshot(
            path=os.path.join(os.environ["FACTCHECK_SCREENSHOTS"], "bulk-preparing.png")
        )

    assert worker.run(current_app._get_current_object(), kinds=["render"]).done == 1
    with page.expect_download(timeout=15_000) as download:
        pass  # the page checks within 3 s, sees every file kept and starts the download
    assert download.value.suggested_filename.endswith("-pdf.zip")
    assert zipfile.is_zipfile(download.value.path())  # the whole ZIP arrived
    expect(page.get_by_role("heading", level=2)).to_have_text("The ZIP is ready")
    check_page(page)
