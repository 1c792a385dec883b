"""The PDF (issue #18 item 6): compact (claims flow on the page), tagged (PDF/UA-1), a
fallback font for emoji and other scripts, the DRAFT mark in the margin, never over the
text; `qpdf --check` passes (CI has qpdf; elsewhere the check skips without it)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from factcheck.reports.render import render


def _reader(content: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(content))


def test_claims_flow_on_the_page(report_25):
    # Before: one claim per A4 page, 27 pages for 25 claims.
    pages = len(_reader(render(report_25, "pdf").content).pages)
    assert pages <= 15, pages


def test_the_pdf_is_tagged_pdf_ua(report_25):
    reader = _reader(render(report_25, "pdf").content)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en"
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()


def test_emoji_and_cjk_have_a_font(report_25):
    reader = _reader(render(report_25, "pdf").content)
    fonts = set()
    for page in reader.pages[:2]:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1].replace("-", ""))
    assert any("Symbola" in f for f in fonts), sorted(fonts)  # 🚓
    assert any("DroidSansFallback" in f for f in fonts), sorted(fonts)  # 中文


def test_the_draft_mark_is_in_the_margin_not_over_the_text(draft_report):
    html = render(draft_report, "html").content.decode()
    assert 'class="draft-mark"' not in html  # the fixed corner tag that hid the banner's words
    assert '@top-center { content: "DRAFT"' in html
    first = _reader(render(draft_report, "pdf").content).pages[0].extract_text()
    assert first.lstrip().startswith("DRAFT")  # the margin box, at the top of the page
    banner = "This article has not been approved: verdicts may still change. Do not publish."
    assert banner in " ".join(first.split())  # every word of the banner is there


def test_qpdf_check_passes(report_25, final_report, tmp_path):
    if not shutil.which("qpdf"):
        if os.environ.get("CI"):
            pytest.fail("qpdf is missing (apt-get install qpdf: see .ci/run)")
        pytest.skip("qpdf is not installed")
    for name, report in (("draft", report_25), ("final", final_report)):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(render(report, "pdf").content)
        result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True,
                                check=False)  # fmt: skip
        print(f"qpdf --check {name}.pdf:", result.stdout.strip().replace("\n", " | "))
        assert result.returncode == 0, result.stdout + result.stderr
