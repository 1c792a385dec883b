"""The HTML report is valid under the Nu HTML checker (issue #18 item 6): final, draft and
hostile reports, and one exported from the database through the web page."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from reports.nu_check import nu_messages

from factcheck.reports.render import render


def test_report_html_passes_the_nu_checker(tmp_path, final_report, draft_report, hostile_report,
                                           app, make_article, make_user, login):  # fmt: skip
    # Before: 89 errors, every <time datetime> with 6 fractional digits.
    files = []
    micro = dataclasses.replace(final_report, generated_at=final_report.generated_at.replace(
        microsecond=123456))  # fmt: skip
    for name, report in (("final", micro), ("draft", draft_report), ("hostile", hostile_report)):
        path = tmp_path / f"{name}.html"
        path.write_bytes(render(report, "html").content)
        files.append(path)
    user = make_user("reviewer")
    article = make_article()
    page = login(user).get(f"/articles/{article.id}/export?format=html")
    assert page.status_code == 200
    (tmp_path / "demo.html").write_bytes(page.data)
    files.append(tmp_path / "demo.html")
    messages = nu_messages(files)
    shown = [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}" for m in messages]
    print(
        "\n".join(shown)
        or "Nu HTML checker: no errors or warnings in " + ", ".join(f.name for f in files)
    )
    assert shown == []
