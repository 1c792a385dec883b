"""Articles over the API: import, list, read, add a claim, approve, export."""

from __future__ import annotations

import io
import json

from factcheck.extensions import db
from factcheck.models import Article

SHORT = "Prices rose 5% in 2021, the bank said. Unemployment fell to 3.9% in March.\n"
LINK = {"url": "https://example.org/source", "title": "Source", "stance": "supports"}
FORMATS = {
    "html": "text/html",
    "pdf": "application/pdf",
    "md": "text/markdown",
    "csv": "text/csv",
    "json": "application/json",
    "claimreview": "application/ld+json",
    "w3c": "application/ld+json",
}


def _check_spans(article: dict) -> None:
    body = article["body"]
    assert article["claims"], "an article with text has claims"
    for c in article["claims"]:
        assert body[c["start"] : c["end"]] == c["text"]


# -- import ---------------------------------------------------------------------------


def test_import_json_text(make_user, api_as, audit_mark, new_events):
    user = make_user("reviewer")
    api = api_as(user)
    mark = audit_mark()
    resp = api.post("/articles", json={"text": SHORT, "title": "Prices", "publisher": "Desk",
                                                "source_url": "https://example.org/a", "published_at": "2024-03-01"})  # fmt: skip
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["title"] == "Prices" and body["publisher"] == "Desk" and body["status"] == "draft"
    assert body["source_url"] == "https://example.org/a" and body["published_at"] == "2024-03-01"
    assert resp.headers["ETag"] == f'"{body["version"]}"'
    assert resp.headers["Location"].endswith(f"/api/v1/articles/{body['id']}")
    _check_spans(body)
    assert [c["seq"] for c in body["claims"]] == list(range(1, len(body["claims"]) + 1))
    events = new_events(mark)
    assert [e.action for e in events] == ["article.imported"]
    assert events[0].actor_id == user.id and events[0].article_id == body["id"]


def test_import_multipart_file(make_user, api_as):
    api = api_as(make_user("reviewer"))
    data = {"file": (io.BytesIO(SHORT.encode("utf-8")), "story.txt"), "title": "From a file"}
    resp = api.post("/articles", data=data, content_type="multipart/form-data")
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert (
        body["input_kind"] == "file"
        and body["filename"] == "story.txt"
        and body["title"] == "From a file"
    )
    _check_spans(body)


def test_import_seed_article_keeps_boilerplate_out(make_user, api_as):
    from pathlib import Path

    seed = (
        Path(__file__).resolve().parents[2] / "factcheck" / "demo" / "seed-rfa-passports.txt"
    ).read_text("utf-8")
    body = api_as(make_user("reviewer")).post("/articles", json={"text": seed}).get_json()
    _check_spans(body)
    assert not any("Telegram" in c["text"] for c in body["claims"])


BAD_IMPORTS = [
    ({"text": ""}, 422, "text"),
    ({"text": "   \n\t "}, 422, "text"),
    ({"text": "Prices rose\x00 5%."}, 422, "text"),
    ({"text": 42}, 422, "text"),
    ({}, 422, "text"),
    ({"text": SHORT, "status": "approved"}, 422, "status"),
    ({"text": SHORT, "created_by_id": 1}, 422, "created_by_id"),
    ({"text": SHORT, "source_url": "javascript:alert(1)"}, 422, "source_url"),
    ({"text": SHORT, "published_at": "yesterday"}, 422, "published_at"),
    ({"text": SHORT, "title": "x" * 10_001}, 422, "title"),
]


def test_import_bad_json_changes_nothing(make_user, api_as, snapshot, problem, subtests):
    api = api_as(make_user("reviewer"))
    before = snapshot()
    for payload, status, field in BAD_IMPORTS:
        with subtests.test(
            payload={k: v[:40] if isinstance(v, str) else v for k, v in payload.items()}
        ):
            problem(api.post("/articles", json=payload), status, field)
            assert snapshot() == before


def test_import_non_object_json_is_422_and_malformed_json_400(make_user, api_as, snapshot, problem):
    api = api_as(make_user("reviewer"))
    before = snapshot()
    problem(api.post("/articles", json=["text", SHORT]), 422)
    bad = problem(api.post("/articles", data="{not json", content_type="application/json"), 400)
    assert (
        bad["type"] == "urn:factcheck:problem:malformed-json" and bad["title"] == "Malformed JSON"
    )
    assert snapshot() == before


WRONG_FILES = [
    ("picture.png", b"\x89PNG\r\n\x1a\n...."),
    ("report.pdf", b"%PDF-1.7 ..."),
    ("story.exe", b"Prices rose 5%."),
    ("noextension", b"Prices rose 5%."),
    ("disguised.txt", b"\x89PNG\r\n\x1a\n...."),
    ("archive.txt", b"PK\x03\x04...."),
]


def test_import_wrong_file_type_is_415(make_user, api_as, snapshot, problem, subtests):
    api = api_as(make_user("reviewer"))
    before = snapshot()
    for name, data in WRONG_FILES:
        with subtests.test(name=name):
            form = {"file": (io.BytesIO(data), name)}
            problem(api.post("/articles", data=form, content_type="multipart/form-data"), 415)
            assert snapshot() == before


def test_import_file_not_utf8_is_422(make_user, api_as, snapshot, problem):
    api = api_as(make_user("reviewer"))
    before = snapshot()
    data = {"file": (io.BytesIO("Prices rose 5% in Zürich.".encode("latin-1")), "story.txt")}
    problem(api.post("/articles", data=data, content_type="multipart/form-data"), 422, "file")
    assert snapshot() == before


def test_import_multipart_without_file_is_422(make_user, api_as, snapshot, problem):
    api = api_as(make_user("reviewer"))
    before = snapshot()
    problem(
        api.post("/articles", data={"text": SHORT}, content_type="multipart/form-data"), 422, "file"
    )
    assert snapshot() == before


def test_import_wrong_body_type_is_415(make_user, api_as, snapshot, problem, subtests):
    api = api_as(make_user("reviewer"))
    before = snapshot()
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "application/xml"):
        with subtests.test(content_type=content_type):
            problem(
                api.post("/articles", data=json.dumps({"text": SHORT}), content_type=content_type),
                415,
            )
            assert snapshot() == before


def test_import_too_large_is_413(app, make_user, api_as, snapshot, problem):
    from factcheck.settings import app_settings

    LIMITS = app_settings(app)
    api = api_as(make_user("reviewer"))
    before = snapshot()
    problem(
        api.post(
            "/articles", json={"text": "Prices rose 5%. " * (LIMITS.MAX_ARTICLE_CHARS // 16 + 1)}
        ),
        413,
    )
    assert snapshot() == before


# -- list -------------------------------------------------------------------------------


def test_list_paginates(make_user, api_as, make_article):
    user = make_user("reviewer")
    ids = [make_article(text=SHORT, actor=user, title=f"A{i}").id for i in range(3)]
    api = api_as(user)
    page1 = api.get("/articles?per_page=2").get_json()
    assert page1["total"] == 3 and page1["page"] == 1 and page1["per_page"] == 2
    assert len(page1["items"]) == 2
    page2 = api.get("/articles?per_page=2&page=2").get_json()
    assert len(page2["items"]) == 1
    assert {i["id"] for i in page1["items"] + page2["items"]} == set(ids)
    item = page1["items"][0]
    assert {"id", "title", "status", "created_at", "progress"} <= set(item)
    assert set(item["progress"]) == {"total", "reviewed", "approved", "excluded"}
    assert item["created_at"].endswith("Z")
    assert api.get("/articles?per_page=2&page=9").get_json()["items"] == []
    assert api.get("/articles?q=A1").get_json()["total"] == 1


def test_list_bad_query_is_422(make_user, api_as, problem, subtests):
    api = api_as(make_user("reviewer"))
    for query in ("per_page=501", "per_page=0", "page=0", "page=x", "per_page=-1", "status=bogus"):
        with subtests.test(query=query):
            problem(api.get(f"/articles?{query}"), 422)


def test_list_per_page_500_is_allowed(make_user, api_as):
    assert api_as(make_user("reviewer")).get("/articles?per_page=500").status_code == 200


def test_list_filters_by_status(make_user, api_as, make_article):
    user = make_user("reviewer")
    draft = make_article(text=SHORT, actor=user)
    api = api_as(user)
    reviewed = make_article(text=SHORT, actor=user)
    resp = api.put(f"/claims/{reviewed.claims[0].id}/reviews/me", json={"verdict": "unconfirmed"})
    assert resp.status_code == 201
    assert [a["id"] for a in api.get("/articles?status=draft").get_json()["items"]] == [draft.id]
    assert [a["id"] for a in api.get("/articles?status=in_review").get_json()["items"]] == [
        reviewed.id
    ]
    assert api.get("/articles?status=approved").get_json()["total"] == 0


# -- read -------------------------------------------------------------------------------


def test_read_article(make_user, api_as, make_article):
    user = make_user("reviewer")
    article = make_article(actor=user)
    resp = api_as(make_user("reviewer")).get(f"/articles/{article.id}")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["id"] == article.id and body["body"] == article.body
    assert resp.headers["ETag"] == f'"{body["version"]}"'
    assert body["progress"]["total"] == len(body["claims"]) == len(article.claims)
    _check_spans(body)
    keys = {"id", "article_id", "seq", "start", "end", "text", "statement", "speaker", "is_quote",
            "checkworthiness", "reasons", "status", "final_verdict", "approved_by", "approved_at",
            "approval_note", "version"}  # fmt: skip
    for c in body["claims"]:
        assert keys <= set(c)
        assert 0 <= c["checkworthiness"] <= 1 and c["status"] == "open"
    starts = [c["start"] for c in body["claims"]]
    assert starts == sorted(starts)


# -- add a claim -----------------------------------------------------------------------


def _gap(article: Article) -> tuple[int, int]:
    """A span of the body not covered by any claim that holds some text."""
    pos = 0
    for c in article.claims:
        if article.body[pos : c.start].strip():
            return pos, c.start
        pos = c.end
    return pos, len(article.body)


def test_add_claim_from_a_span(make_user, api_as, make_article, audit_mark, new_events):
    user = make_user("reviewer")
    article = make_article(actor=user)
    start, end = _gap(article)
    assert article.body[start:end].strip(), "the seed article has uncovered text (boilerplate)"
    api = api_as(user)
    mark = audit_mark()
    resp = api.post(f"/articles/{article.id}/claims", json={"start": start, "end": end})
    assert resp.status_code == 201, resp.get_json()
    claim = resp.get_json()
    assert claim["text"] == article.body[start:end].strip()
    assert article.body[claim["start"] : claim["end"]] == claim["text"]
    assert [e.action for e in new_events(mark)] == ["claim.added"]
    read = api_as(user).get(f"/articles/{article.id}").get_json()
    assert claim["id"] in [c["id"] for c in read["claims"]]
    _check_spans(read)


BAD_SPANS = [{"start": -1, "end": 5}, {"start": 0, "end": 10**9}, {"start": 5, "end": 5}, {"start": "0", "end": "5"},
             {"start": 0}, {"start": 0, "end": 5, "text": "x"}, {"start": None, "end": None}]  # fmt: skip


def test_add_claim_bad_span_is_422(make_user, api_as, make_article, snapshot, problem, subtests):
    user = make_user("reviewer")
    article = make_article(actor=user)
    api = api_as(user)
    before = snapshot()
    for payload in BAD_SPANS:
        with subtests.test(payload=payload):
            problem(api.post(f"/articles/{article.id}/claims", json=payload), 422)
            assert snapshot() == before


def test_add_claim_overlapping_is_422(make_user, api_as, make_article, snapshot, problem):
    user = make_user("reviewer")
    article = make_article(text=SHORT, actor=user)
    c = article.claims[0]
    api = api_as(user)
    before = snapshot()
    problem(
        api.post(f"/articles/{article.id}/claims", json={"start": c.start, "end": c.end}),
        422,
        "span",
    )
    assert snapshot() == before


# -- approve an article -----------------------------------------------------------------


def _approve_all_claims(api_rev, api_lead, article_id):
    claims = api_rev.get(f"/articles/{article_id}").get_json()["claims"]
    for c in claims:
        r = api_rev.put(
            f"/claims/{c['id']}/reviews/me", json={"verdict": "confirmed", "links": [LINK]}
        )
        assert r.status_code == 201, r.get_json()
        v = api_lead.get(f"/claims/{c['id']}").get_json()["version"]
        r = api_lead.post(
            f"/claims/{c['id']}/approve", json={"verdict": "confirmed", "note": "", "version": v}
        )
        assert r.status_code == 200, r.get_json()


def test_approve_article_flow(
    make_user, api_as, make_article, snapshot, problem, audit_mark, new_events
):
    rev, lead = make_user("reviewer"), make_user("lead")
    api_rev, api_lead = api_as(rev), api_as(lead)
    article = make_article(text=SHORT, actor=rev)
    version = api_lead.get(f"/articles/{article.id}").get_json()["version"]
    # claims still open: refused, nothing changes
    before = snapshot()
    problem(api_lead.post(f"/articles/{article.id}/approve", json={"version": version}), 409)
    problem(api_rev.post(f"/articles/{article.id}/approve", json={"version": version}), 403)
    assert snapshot() == before
    _approve_all_claims(api_rev, api_lead, article.id)
    version = api_lead.get(f"/articles/{article.id}").get_json()["version"]
    before = snapshot()
    problem(api_lead.post(f"/articles/{article.id}/approve", json={}), 428)
    problem(api_lead.post(f"/articles/{article.id}/approve", json={"version": version + 7}), 409)
    problem(
        api_lead.post(f"/articles/{article.id}/approve", json={"version": version, "status": "x"}),
        422,
    )
    assert snapshot() == before
    mark = audit_mark()
    resp = api_lead.post(f"/articles/{article.id}/approve", json={"version": version})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert (
        body["status"] == "approved"
        and body["approved_by"] == lead.id
        and body["approved_at"].endswith("Z")
    )
    assert [e.action for e in new_events(mark)] == ["article.approved"]
    # approved again → 409; claims of an approved article are locked
    problem(
        api_lead.post(f"/articles/{article.id}/approve", json={"version": body["version"]}), 409
    )
    c = body["claims"][0]
    problem(
        api_rev.patch(f"/claims/{c['id']}", json={"speaker": "x", "version": c["version"]}), 409
    )


def test_approve_article_with_if_match(make_user, api_as, make_article):
    rev, lead = make_user("reviewer"), make_user("lead")
    api_rev, api_lead = api_as(rev), api_as(lead)
    article = make_article(text=SHORT, actor=rev)
    _approve_all_claims(api_rev, api_lead, article.id)
    etag = api_lead.get(f"/articles/{article.id}").headers["ETag"]
    resp = api_lead.post(f"/articles/{article.id}/approve", json={}, headers={"If-Match": etag})
    assert resp.status_code == 200, resp.get_json()


# -- export -----------------------------------------------------------------------------


def test_export_each_format_of_a_draft(make_user, api_as, make_article, snapshot, subtests):
    user = make_user("reviewer")
    article = make_article(text=SHORT, actor=user)
    api = api_as(user)
    before = snapshot()
    for fmt in sorted(FORMATS):
        with subtests.test(fmt=fmt):
            resp = api.get(f"/articles/{article.id}/export?format={fmt}")
            if fmt == "claimreview":  # nothing unapproved can be published
                assert resp.status_code == 409 and "not approved" in resp.get_json()["detail"]
                continue
            assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
            assert resp.mimetype == FORMATS[fmt]
            cd = resp.headers["Content-Disposition"]
            assert cd.startswith("attachment;") and f"-{article.id}-" in cd and "draft" in cd
            if fmt == "html":
                assert "DRAFT" in resp.get_data(as_text=True)
            if fmt in ("json", "claimreview", "w3c"):
                json.loads(resp.get_data(as_text=True))
            if fmt == "pdf":
                assert resp.get_data().startswith(b"%PDF")
            assert snapshot() == before  # exporting a draft changes nothing, audits nothing


def test_export_final_report_is_audited(make_user, api_as, make_article, audit_mark, new_events):
    rev, lead = make_user("reviewer"), make_user("lead")
    api_rev, api_lead = api_as(rev), api_as(lead)
    article = make_article(text=SHORT, actor=rev)
    _approve_all_claims(api_rev, api_lead, article.id)
    version = api_lead.get(f"/articles/{article.id}").get_json()["version"]
    assert (
        api_lead.post(f"/articles/{article.id}/approve", json={"version": version}).status_code
        == 200
    )
    mark = audit_mark()
    resp = api_rev.get(f"/articles/{article.id}/export?format=html")
    assert resp.status_code == 200 and "final" in resp.headers["Content-Disposition"]
    assert "DRAFT" not in resp.get_data(as_text=True)
    events = new_events(mark)
    assert [(e.action, e.after) for e in events] == [
        ("report.exported", {"format": "html", "language": "en"})
    ]


def test_export_unknown_format_is_422(make_user, api_as, make_article, problem, subtests):
    user = make_user("reviewer")
    article = make_article(text=SHORT, actor=user)
    api = api_as(user)
    for fmt in ("exe", "HTML", "", "../../etc/passwd"):
        with subtests.test(fmt=fmt):
            problem(
                api.get(f"/articles/{article.id}/export", query_string={"format": fmt}),
                422,
                "format",
            )


def test_export_of_missing_article_is_404(make_user, api_as, problem):
    problem(api_as(make_user("reviewer")).get("/articles/424242/export?format=json"), 404)


def test_article_row_count_unchanged_by_reads(make_user, api_as, make_article, snapshot):
    user = make_user("reviewer")
    article = make_article(actor=user)
    api = api_as(user)
    before = snapshot()
    api.get("/articles")
    api.get(f"/articles/{article.id}")
    assert snapshot() == before
    assert db.session.get(Article, article.id) is not None
