"""No N+1 queries (issue #8): the main pages and API lists cost as many statements for a
large article (or a long list) as for a small one.

Each test builds a small desk, counts the SQL statements of every page and API list for
it, grows the desk (an article with five times the claims in the same shape, more
articles, audit events, accounts, webhook endpoints), counts again, and fails when a
count grew: a lazy load per claim, review, link, event, account or endpoint shows up as
growth. Statements are counted with a ``before_cursor_execute`` listener on the engine
during the one measured request (each request runs in its own app context, as on a
server; one warm-up request first, so caches filled once per process do not count).

``SLACK`` is the documented tolerance: 0. Every page must be exactly flat. The failure
message lists each page that grew, small → large, and the statements whose counts grew.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta

import pytest
from dbtools import count_queries

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import Claim, SystemActor, WebhookDelivery, utcnow
from factcheck.reports.render import FORMATS
from factcheck.services import (
    approvals,
    assignments,
    claims,
    discussion,
    reviews,
    sources,
    versions,
    webhooks,
)
from factcheck.services.webhooks import CheckedUrl

SLACK = 0  # extra statements allowed for the large desk over the small one
SHAPES = 7  # claim shapes, one per position modulo 7 (see build_article)
SMALL, LARGE = SHAPES, 5 * SHAPES  # claims per article: 7 and 35
CHOSEN = 2  # the claim whose own pages are measured: a conflict, between two other shapes
WORDS = ["steel", "wheat", "coffee", "timber", "copper", "cotton", "sugar", "rice", "wool", "salt"]
LINKS = [
    {"url": "https://example.org/stats", "title": "Statistics office", "stance": "supports"},
    {"url": "https://example.org/news", "title": "News report", "stance": "context"},
]
# Formats rendered per request (the PDF is rendered once and kept: too slow to compare here).
EXPORT_FORMATS = [f for f in FORMATS if f not in ("pdf", "claimreview")]  # a draft: no ClaimReview


@pytest.fixture(autouse=True)
def _fresh_context_per_request(fresh_contexts):
    """Every request runs in its own app context and session, as a server runs it."""


def _shape(statement: str) -> str:
    """A statement without its literals and IN lists, to compare what ran how often."""
    text = re.sub(r"\s+", " ", statement)
    text = re.sub(r"\((?:\s*(?:\?|%\([^)]*\)s|\$\d+|\d+)\s*,?)+\)", "(…)", text)
    text = re.sub(r"__\[POSTCOMPILE_[^\]]+\]", "…", text)
    return text[:160]


class Meter:
    """Requests a page (warm-up, then counted) and keeps the counts per label and size."""

    def __init__(self, app):
        self.app = app
        self.counts: dict[str, dict[str, list[str]]] = {}

    def measure(self, size: str, label: str, client, path: str, headers=None) -> None:
        warm = client.get(path, headers=headers)
        assert warm.status_code == 200, (label, path, warm.get_data(as_text=True)[:500])
        with count_queries() as statements:
            resp = client.get(path, headers=headers)
        assert resp.status_code == 200, (label, path, resp.get_data(as_text=True)[:500])
        db.session.rollback()  # the test's own session: see the requests' commits
        self.counts.setdefault(label, {})[size] = statements

    def table(self) -> str:
        rows = [f"{'page':58} small  large"]
        for label, by_size in self.counts.items():
            small, large = (len(by_size.get(k, [])) for k in ("small", "large"))
            rows.append(f"{label:58} {small:5}  {large:5}")
        return "\n".join(rows)

    def check(self) -> None:
        print("\nSQL statements per request\n" + self.table())
        grown = []
        for label, by_size in self.counts.items():
            assert set(by_size) == {"small", "large"}, (label, set(by_size))
            small, large = by_size["small"], by_size["large"]
            if len(large) > len(small) + SLACK:
                more = Counter(map(_shape, large)) - Counter(map(_shape, small))
                detail = "\n".join(f"      +{n} × {s}" for s, n in more.most_common(5))
                grown.append(
                    f"  {label}: {len(small)} → {len(large)} (+{len(large) - len(small)})\n{detail}"
                )
        assert not grown, (
            f"query counts grew with the data (N+1?), slack {SLACK}:\n"
            + "\n".join(grown)
            + "\n\nall pages:\n"
            + self.table()
        )


def _text(n: int, offset: int) -> list[str]:
    """n sentences of the same shape (same number of search terms: three-digit numbers)."""
    return [
        f"Exports of {WORDS[(offset + i) % len(WORDS)]} rose by {100 + offset + i} percent "
        f"in {1900 + offset + i}, the ministry said."
        for i in range(n)
    ]


class Desk:
    """People, their signed-in clients and tokens, and the articles built for them."""

    def __init__(self, app, make_user, make_article, login, token_for):
        self.app, self.make_article, self.make_user = app, make_article, make_user
        self.r1 = make_user("reviewer", name="Reviewer One")
        self.r2 = make_user("reviewer", name="Reviewer Two")
        self.lead = make_user("lead", name="Lead")
        self.admin = make_user("admin", name="Admin")
        self.web = {
            role: login(getattr(self, role), c=app.test_client())
            for role in ("r1", "lead", "admin")
        }
        self.api_client = app.test_client()
        self.tokens = {role: token_for(getattr(self, role)) for role in ("r1", "lead", "admin")}
        self.sentences = 0

    def api(self, role: str) -> dict:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def build_article(self, n: int, *, more_reviewers: int = 0) -> tuple[int, int]:
        """An article of n claims (n a multiple of SHAPES); returns (article id, chosen claim).

        Claim i has shape i % 7: 0 approved (two agreeing reviews with links), 1 reviewed by
        the second reviewer only (blind for the first), 2 a conflict, 3 returned by the
        lead, 4 open, 5 excluded, 6 reviewed then orphaned by a correction. The first
        reviewer has the whole article (overdue), the second every claim; `more_reviewers`
        new reviewers get the whole article, overdue too.
        """
        lines = _text(n, self.sentences)
        self.sentences += n
        article = self.make_article(text="\n\n".join(lines), actor=self.r1, title=f"Exports {n}")
        article_id, ids = article.id, [c.id for c in article.claims]
        assert len(ids) == n, [c.text for c in article.claims]
        lead, r1, r2 = self.lead, self.r1, self.r2
        with transaction() as s:
            assignments.assign(s, actor=lead, user_id=r1.id, article_id=article_id,
                               due_on=date.today() - timedelta(days=1))  # fmt: skip
            assignments.assign(s, actor=lead, user_id=r2.id, article_id=article_id, claim_ids=ids)
        for _ in range(more_reviewers):
            user_id = self.make_user("reviewer").id
            with transaction() as s:
                assignments.assign(s, actor=lead, user_id=user_id, article_id=article_id,
                                   due_on=date.today() - timedelta(days=2))  # fmt: skip

        def review(user, cid, verdict, links):
            with transaction() as s:
                reviews.submit_review(s, actor=user, claim_id=cid, verdict=verdict,
                                      note=f"Checked **{verdict}**.", links=links)  # fmt: skip

        def decide(fn, cid, **kw):
            with transaction() as s:
                fn(s, actor=kw.pop("actor", lead), claim_id=cid,
                   version=s.get(Claim, cid).version, **kw)  # fmt: skip

        for i, cid in enumerate(ids):
            shape = i % SHAPES
            if shape in (0, 2, 3, 6):
                review(r1, cid, "unconfirmed" if shape == 3 else "confirmed", LINKS)
            if shape in (0, 1, 2, 3):
                review(r2, cid, "disputed" if shape == 2 else "confirmed", LINKS[:1])
            if shape == 0:
                decide(approvals.approve_claim, cid, verdict="confirmed", note="")
            elif shape == 3:
                decide(approvals.return_claim, cid, comment="Check the year.")
            elif shape == 5:
                decide(claims.exclude_claim, cid, actor=r1, reason="Not check-worthy.")
        with transaction() as s:  # the chosen claim's discussion grows with the article
            for _ in range(n // SHAPES):
                for user in (r1, r2, lead):
                    discussion.add_comment(s, actor=user, claim_id=ids[CHOSEN], body="Why **so**?")
        kept = [line for i, line in enumerate(lines) if i % SHAPES != 6]
        with transaction() as s:
            versions.import_new_version(s, actor=r1, article_id=article_id,
                                        source=sources.from_text("\n\n".join(kept)),
                                        version=s.get(type(article), article_id).version)  # fmt: skip
        db.session.rollback()
        return article_id, ids[CHOSEN]


@pytest.fixture
def desk(app, make_user, make_article, login, token_for):
    return Desk(app, make_user, make_article, login, token_for)


def _article_pages(meter: Meter, desk: Desk, size: str, article_id: int, claim_id: int) -> None:
    web, api = desk.web, desk.api
    for role in ("r1", "lead", "admin"):
        meter.measure(size, f"GET /articles/<id> workspace ({role})", web[role],
                      f"/articles/{article_id}")  # fmt: skip
    for role in ("r1", "lead"):
        meter.measure(size, f"GET /articles/<id>?sort=worth ({role})", web[role],
                      f"/articles/{article_id}?sort=worth")  # fmt: skip
        meter.measure(size, f"GET /articles/<id>?claim=<id> with panel ({role})", web[role],
                      f"/articles/{article_id}?claim={claim_id}")  # fmt: skip
        meter.measure(size, f"GET /claims/<id> ({role})", web[role], f"/claims/{claim_id}")
        meter.measure(size, f"GET /articles/<id>/versions/diff ({role})", web[role],
                      f"/articles/{article_id}/versions/diff")  # fmt: skip
        meter.measure(size, f"GET /articles/<id>?status=reviewed&speaker=m filtered ({role})", web[role],
                      f"/articles/{article_id}?status=reviewed&speaker=m&worth=10&select=all")  # fmt: skip
        meter.measure(size, f"GET /articles/<id>/next (JSON, {role})", web[role],
                      f"/articles/{article_id}/next?after={claim_id}", headers={"Accept": "application/json"})  # fmt: skip
        meter.measure(size, f"GET /claims/<id>?panel=workspace ({role})", web[role],
                      f"/claims/{claim_id}?panel=workspace")  # fmt: skip
        meter.measure(size, f"GET /articles/<id>/export?format=html ({role})", web[role],
                      f"/articles/{article_id}/export?format=html")  # fmt: skip
        for path, label in (
            (f"/articles/{article_id}", "/articles/<id>"),
            (f"/articles/{article_id}/agreement", "/articles/<id>/agreement"),
            (f"/articles/{article_id}/needs-me", "/articles/<id>/needs-me"),
            (f"/articles/{article_id}/changes", "/articles/<id>/changes"),  # every page, every 4 s
            (f"/articles/{article_id}/versions/diff", "/articles/<id>/versions/diff"),
            (f"/claims/{claim_id}", "/claims/<id>"),
            (f"/claims/{claim_id}/history", "/claims/<id>/history"),
            (f"/claims/{claim_id}/similar", "/claims/<id>/similar"),
            (f"/claims/{claim_id}/comments", "/claims/<id>/comments"),
            *((f"/articles/{article_id}/export?format={f}", f"/articles/<id>/export?format={f}")
              for f in EXPORT_FORMATS),
        ):  # fmt: skip
            meter.measure(size, f"GET /api/v1{label} ({role})", desk.api_client,
                          "/api/v1" + path, headers=api(role))  # fmt: skip


def _lists(meter: Meter, desk: Desk, size: str) -> None:
    web, api = desk.web, desk.api
    for role in ("r1", "lead"):
        meter.measure(size, f"GET /articles ({role})", web[role], "/articles")
        meter.measure(size, f"GET /articles?mine=1&conflicts=1 ({role})", web[role],
                      "/articles?mine=1&conflicts=1")  # fmt: skip
        meter.measure(size, f"GET /queue ({role})", web[role], "/queue")
        meter.measure(size, f"GET /api/v1/articles ({role})", desk.api_client,
                      "/api/v1/articles", headers=api(role))  # fmt: skip
        meter.measure(size, f"GET /api/v1/queue ({role})", desk.api_client, "/api/v1/queue",
                      headers=api(role))  # fmt: skip
        meter.measure(size, f"GET /account ({role})", web[role], "/account")
        # the desk's assignments, reviews and conflicts wrote notices: more on the large desk
        meter.measure(size, f"GET /inbox ({role})", web[role], "/inbox")
        meter.measure(size, f"GET /api/v1/notifications ({role})", desk.api_client,
                      "/api/v1/notifications", headers=api(role))  # fmt: skip
        # notes match too ("Checked **confirmed**."), blind review filtering them: a page of 20
        meter.measure(size, f"GET /search?q=checked ({role})", web[role], "/search?q=checked")
        meter.measure(size, f"GET /api/v1/search/claims?q=checked ({role})", desk.api_client,
                      "/api/v1/search/claims?q=checked", headers=api(role))  # fmt: skip
    for role in ("lead", "admin"):
        meter.measure(size, f"GET /audit ({role})", web[role], "/audit")
        meter.measure(size, f"GET /audit/export?format=csv ({role})", web[role],
                      "/audit/export?format=csv")  # fmt: skip
        meter.measure(size, f"GET /api/v1/audit ({role})", desk.api_client, "/api/v1/audit",
                      headers=api(role))  # fmt: skip
        meter.measure(size, f"GET /api/v1/audit?per_page=500 ({role})", desk.api_client,
                      "/api/v1/audit?per_page=500", headers=api(role))  # fmt: skip
    meter.measure(size, "GET /audit/verify (admin)", web["admin"], "/audit/verify")
    meter.measure(size, "GET /api/v1/audit/verify (admin)", desk.api_client,
                  "/api/v1/audit/verify", headers=api("admin"))  # fmt: skip


def test_article_pages_and_lists_do_not_grow_with_claims(app, desk):
    meter = Meter(app)
    small_article, small_claim = desk.build_article(SMALL)
    _article_pages(meter, desk, "small", small_article, small_claim)
    _lists(meter, desk, "small")
    large_article, large_claim = desk.build_article(LARGE)
    for _ in range(3):  # more articles in the lists, more reviewers in the overdue list
        desk.build_article(SMALL, more_reviewers=1)
    _article_pages(meter, desk, "large", large_article, large_claim)
    _lists(meter, desk, "large")
    meter.check()


def _exports(meter: Meter, desk: Desk, size: str, article_id: int) -> None:
    """Every per-request format, web and API, as a lead (all reviews), as the first reviewer
    (reviewed every claim: sees the others') and as the second (reviewed none: blind)."""
    for role in ("lead", "r1"):
        meter.measure(size, f"GET /articles/<id>/export?format=html ({role})", desk.web[role],
                      f"/articles/{article_id}/export?format=html")  # fmt: skip
    for role in ("lead", "r1", "r2"):
        for f in EXPORT_FORMATS:
            meter.measure(size, f"GET /api/v1/articles/<id>/export?format={f} ({role})",
                          desk.api_client, f"/api/v1/articles/{article_id}/export?format={f}",
                          headers=desk.api(role))  # fmt: skip


def test_exports_do_not_grow_with_reviews_per_claim(app, desk, token_for):
    """Issue #21's export shape: the same claims with one review each, then with twelve."""
    desk.tokens["r2"] = token_for(desk.r2)
    article = desk.make_article(text="\n\n".join(_text(SMALL, 500)), actor=desk.lead,
                                title="Reviews per claim")  # fmt: skip
    article_id, ids = article.id, [c.id for c in article.claims]

    def review_all(user, n):
        with transaction() as s:
            for cid in ids:
                reviews.submit_review(s, actor=user, claim_id=cid, verdict="confirmed",
                                      note=f"Checked, pass {n}.", links=LINKS[: n % 3])  # fmt: skip

    meter = Meter(app)
    review_all(desk.r1, 1)
    _exports(meter, desk, "small", article_id)
    for n in range(2, 13):
        review_all(desk.make_user("reviewer"), n)
    _exports(meter, desk, "large", article_id)
    meter.check()
    path = f"/api/v1/articles/{article_id}/export?format=json"
    seen = {role: [len(c["reviews"]) for c in desk.api_client.get(path, headers=desk.api(role))
                   .get_json()["claims"]] for role in ("lead", "r1", "r2")}  # fmt: skip
    assert seen == {"lead": [12] * SMALL, "r1": [12] * SMALL, "r2": [0] * SMALL}  # blind review


def _add_endpoint(n_deliveries: int, tag: str) -> int:
    """A webhook endpoint with failed, pending and delivered deliveries (written directly:
    the delivery worker's bookkeeping is not a service use case)."""
    checked = CheckedUrl(url=f"https://hooks.example.org/{tag}", target=None, addresses=())
    with transaction() as s:
        endpoint, _secret = webhooks.create_endpoint(s, actor=SystemActor("test"), url=checked,
                                                     events=["claim.approved"], description=tag)  # fmt: skip
        for i in range(n_deliveries):
            status = ("failed", "pending", "delivered")[i % 3]
            s.add(WebhookDelivery(
                delivery_id=f"{tag}-{i:04d}", endpoint_id=endpoint.id, event="claim.approved",
                payload={"n": i}, status=status, attempts=1, last_attempt_at=utcnow(),
                last_error=None if status == "delivered" else f"HTTP 500 ({i})",
            ))  # fmt: skip
        return endpoint.id


def _admin_pages(meter: Meter, desk: Desk, size: str, endpoint_id: int) -> None:
    web, api = desk.web, desk.api
    meter.measure(size, "GET /admin/users (admin)", web["admin"], "/admin/users")
    meter.measure(size, "GET /admin/users/<id> (admin)", web["admin"], f"/admin/users/{desk.r1.id}")
    meter.measure(size, "GET /api/v1/users (admin)", desk.api_client, "/api/v1/users",
                  headers=api("admin"))  # fmt: skip
    meter.measure(size, "GET /api/v1/users/<id> (admin)", desk.api_client,
                  f"/api/v1/users/{desk.r1.id}", headers=api("admin"))  # fmt: skip
    meter.measure(size, "GET /api/v1/me (admin)", desk.api_client, "/api/v1/me",
                  headers=api("admin"))  # fmt: skip
    meter.measure(size, "GET /admin/webhooks (admin)", web["admin"], "/admin/webhooks")
    meter.measure(size, "GET /admin/webhooks/<id> (admin)", web["admin"],
                  f"/admin/webhooks/{endpoint_id}")  # fmt: skip


def test_admin_lists_do_not_grow_with_accounts_or_endpoints(app, desk, make_user):
    meter = Meter(app)
    first = _add_endpoint(3, "small")
    _admin_pages(meter, desk, "small", first)
    for _ in range(20):
        make_user("reviewer")
    for i in range(5):
        _add_endpoint(3, f"more{i}")
    large = _add_endpoint(60, "large")
    _admin_pages(meter, desk, "large", large)
    meter.check()


# GET routes not measured above, and why. A new GET route must be measured or listed here.
NOT_MEASURED = {
    "static": "files",
    "health.healthz": "one fixed query",
    "auth.login": "a form",
    "account.reauth": "a form",
    "articles.home": "a redirect",
    "articles.new": "a form",
    "exports.index": "a form",
    "account.totp_setup": "a redirect unless set-up started; the user's own row only",
    "api.openapi": "a constant document",
    "api.report_schema": "a constant file",
    "api.read_email_notices": "the caller's own row",
    "articles.render_status": "the article and one render request row; no list",
    "articles.import_status": "one job row; no list",
    "api.read_import": "one job row; no list",
    "exports.bulk_status": "the approved ids in the range and their open render requests: two queries",
    # One report per approved article, streamed: a fixed cost per article by design; each
    # report is the same build_report the single export above measures.
    "exports.bulk": "streamed, per article by design (report measured by the export)",
    "api.bulk_export": "streamed, per article by design (report measured by the export)",
}
MEASURED = {
    "articles.index", "articles.show", "articles.export", "claims.show", "queues.index",
    "audit.index", "audit.export", "audit.verify", "account.index", "admin.user_list",
    "admin.edit_user", "webhooks.index", "webhooks.show", "api.list_articles",
    "api.read_article", "api.agreement", "api.export", "api.read_claim", "api.claim_history",
    "api.similar", "api.queue", "api.list_audit", "api.verify_audit", "api.list_users",
    "api.read_user", "api.me", "desk.next_claim", "api.needs_me", "notifications.index",
    "api.list_notifications", "api.article_changes", "api.list_comments", "search.index",
    "api.search_claims", "articles.version_changes", "api.diff_article_versions",
}  # fmt: skip


def test_every_get_route_is_measured_or_excused(app, client):
    """Routes discovered from the app's url_map and the OpenAPI document."""
    gets = {r.endpoint for r in app.url_map.iter_rules() if "GET" in (r.methods or ())}
    assert gets - MEASURED - set(NOT_MEASURED) == set(), "measure these routes' query counts"
    assert (MEASURED | set(NOT_MEASURED)) - gets == set(), "stale entries"
    document = client.get("/api/v1/openapi.json").get_json()
    documented = {
        path for path, ops in document["paths"].items() if "get" in ops
    }  # e.g. /articles/{article_id}
    by_path = {
        re.sub(r"<(?:int:)?(\w+)>", r"{\1}", r.rule.removeprefix("/api/v1")): r.endpoint
        for r in app.url_map.iter_rules()
        if r.rule.startswith("/api/v1") and "GET" in (r.methods or ())
    }
    assert documented == set(by_path), "the OpenAPI document and the app disagree"
    assert {by_path[p] for p in documented} <= MEASURED | set(NOT_MEASURED)
