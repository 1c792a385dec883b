"""Bulk export: all reports approved in a date range as one streamed ZIP (web, API, CLI)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pytest
from sqlalchemy import func, select

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import Article, AuditEvent, Claim
from factcheck.services import approvals, articles, claims, reviews

LINK = [{"url": "https://example.org/b", "title": "B", "stance": "supports"}]


def _approve_article(article, rev, lead):
    for i, c in enumerate(article.claims):
        if i == 0:
            with transaction() as s:
                reviews.submit_review(s, actor=rev, claim_id=c.id, verdict="confirmed", links=LINK)
            with transaction() as s:
                approvals.approve_claim(
                    s,
                    actor=lead,
                    claim_id=c.id,
                    verdict="confirmed",
                    note="",
                    version=s.get(Claim, c.id).version,
                )
        else:
            with transaction() as s:
                claims.exclude_claim(
                    s, actor=rev, claim_id=c.id, reason="n/a", version=s.get(Claim, c.id).version
                )
    with transaction() as s:
        articles.approve_article(
            s, actor=lead, article_id=article.id, version=s.get(Article, article.id).version
        )


@pytest.fixture
def approved_pair(make_article, make_user):
    rev, lead = make_user("reviewer"), make_user("lead")
    done = [
        make_article(
            text=f"Story {n}\n\nThe mayor said {n} buses were bought in 2024. It cost $3 million."
        )
        for n in (1, 2)
    ]
    make_article(text="Draft story\n\nNothing approved here yet.")
    for a in done:
        _approve_article(a, rev, lead)
    return [a.id for a in done], rev


def _names(data: bytes) -> list[str]:
    return zipfile.ZipFile(io.BytesIO(data)).namelist()


def test_api_zip_has_each_approved_report_and_a_manifest(approved_pair, api_as):
    ids, rev = approved_pair
    today = date.today().isoformat()
    before = db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "report.exported")
    )
    resp = api_as(rev).get(f"/exports?since=2000-01-01&until={today}&format=md")
    assert resp.status_code == 200 and resp.mimetype == "application/zip"
    names = _names(resp.get_data())
    assert sorted(names) == sorted(
        [f"factcheck-report-{i}-final.md" for i in ids] + ["manifest.json"]
    )
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(resp.get_data())).read("manifest.json"))
    assert [r["article_id"] for r in manifest["reports"]] == ids and manifest["reports"][0][
        "last_event_hash"
    ]
    db.session.rollback()
    after = db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "report.exported")
    )
    assert after == before + 2


@pytest.mark.parametrize(
    ("query", "status"),
    [("since=2025-02-01&until=2025-01-01&format=md", 422), ("since=2025-01-01&until=2025-01-31&format=docx", 422),
     ("since=yesterday&until=2025-01-31", 422)],
)  # fmt: skip
def test_bad_ranges_are_refused(approved_pair, api_as, query, status):
    _ids, rev = approved_pair
    resp = api_as(rev).get(f"/exports?{query}")
    assert resp.status_code == status and resp.content_type == "application/problem+json"


def test_page_and_cli(approved_pair, client, login, runner, tmp_path):
    ids, rev = approved_pair
    login(rev)
    assert "Reports approved in a date range" in client.get("/exports").get_data(as_text=True)
    resp = client.get(f"/exports/bulk?since=2000-01-01&until={date.today().isoformat()}&format=csv")
    assert resp.status_code == 200 and len(_names(resp.get_data())) == 3
    out = tmp_path / "all.zip"
    result = runner.invoke(
        args=[
            "export",
            "--since",
            "2000-01-01",
            "--until",
            date.today().isoformat(),
            "--format",
            "json",
            "-o",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    assert len(_names(out.read_bytes())) == 3
    assert runner.invoke(args=["export", "--since", "2000-01-01"]).exit_code != 0
