"""Who may call what: one table of (method, path, role, expected status) over every route.

Each role gets a fresh database with its own copy of the objects below; within a role the
rows run in table order, every state-changing row on an object of its own, so an allowed
change never disturbs a later row. A route in app.url_map missing from the table fails
`test_every_route_is_in_the_table`: add new routes here with the status each role gets.
"""

from __future__ import annotations

import re

import pytest

from factcheck.database import transaction
from factcheck.models import SystemActor, WebhookEvent
from factcheck.services import (
    approvals,
    claims,
    discussion,
    notifications,
    reviews,
    url_imports,
    users,
    versions,
    webhooks,
)
from factcheck.services.common import get_article, get_claim
from factcheck.services.sources import Source

PASSWORD = "correct-horse-battery"
ROLES = ("anonymous", "reviewer", "lead", "admin")
LINK = {"url": "https://example.org/source", "title": "Source", "stance": "supports"}
BIG = " ".join(f"Item {i} rose {i + 2}% in 2021." for i in range(24)) + "\n"
SHORT = "Prices rose 5% in 2021, the bank said. Unemployment fell to 3.9% in March.\n"
CORRECTED = "Prices rose 6% in 2021, the bank said. Unemployment fell to 3.9% in March.\n"
CLAIM_NAMES = [
    "c_read",
    "c_edit_api",
    "c_edit_html",
    "c_confirm_html",
    "c_split_api",
    "c_split_html",
    "c_merge_api",
    "c_merge_api_n",
    "c_merge_html",
    "c_merge_html_n",
    "c_exclude_api",
    "c_exclude_html",
    "c_include_html",
    "c_review_api",
    "c_review_html",
    "c_approve_api",
    "c_approve_html",
    "c_return_api",
    "c_return_html",
    "c_reopen_api",
    "c_reopen_html",
    "c_gap_api",
    "c_gap_html",
]


def _review_form(verdict):
    return {"verdict": verdict, "note": "", "links-0-url": "https://example.org/x", "links-0-title": "X",
            "links-0-stance": "supports", "version": ""}  # fmt: skip


A, R, L, D = "anonymous", "reviewer", "lead", "admin"

# (method, path template, body(world) or None, {role: status}); API anonymous → 401, pages → 302 /login.
OK_ALL_PAGES = {A: 302, R: 200, L: 200, D: 200}
API_READ = {A: 401, R: 200, L: 200, D: 200}
LEAD_PAGE = {A: 302, R: 403, L: 200, D: 200}
ADMIN_PAGE = {A: 302, R: 403, L: 403, D: 200}
ROUTES = [
    ("GET", "/static/{css}", None, {A: 200, R: 200, L: 200, D: 200}),
    ("GET", "/login", None, {A: 200, R: 302, L: 302, D: 302}),
    ("GET", "/healthz", None, {A: 200, R: 200, L: 200, D: 200}),
    ("GET", "/", None, {A: 302, R: 302, L: 302, D: 302}),
    ("GET", "/articles", None, OK_ALL_PAGES),
    ("GET", "/articles/new", None, OK_ALL_PAGES),
    ("GET", "/articles/{big}", None, OK_ALL_PAGES),
    ("GET", "/articles/{big}/export?format=html", None, OK_ALL_PAGES),
    ("GET", "/articles/{big}/renders/{big}?format=pdf", None, OK_ALL_PAGES),  # no such request: "ready"
    ("GET", "/articles/{diffed}/versions/diff?from=1&to=2", None, OK_ALL_PAGES),
    ("GET", "/claims/{c_read}", None, OK_ALL_PAGES),
    ("GET", "/account", None, OK_ALL_PAGES),
    ("GET", "/queue", None, OK_ALL_PAGES),
    ("GET", "/inbox", None, OK_ALL_PAGES),
    ("GET", "/search?q=rose&status=open", None, OK_ALL_PAGES),
    ("POST", "/inbox/{notice}/read", lambda w: {}, {A: 302, R: 404, L: 404, D: 404}),  # another's notice
    ("GET", "/imports/{helper_import}", None, {A: 302, R: 404, L: 200, D: 200}),  # another's URL import
    ("POST", "/imports/{helper_import}/retry", lambda w: {}, {A: 302, R: 404, L: 302, D: 302}),
    ("POST", "/inbox/read-all", lambda w: {}, {A: 302, R: 302, L: 302, D: 302}),
    ("POST", "/account/notices", lambda w: {"kinds": ["assigned"]}, {A: 302, R: 302, L: 302, D: 302}),
    ("POST", "/account/language", lambda w: {"locale": "es"}, {A: 302, R: 302, L: 302, D: 302}),
    ("GET", "/exports", None, OK_ALL_PAGES),
    ("GET", "/exports/bulk?since=2000-01-01&until=2999-12-31", None, OK_ALL_PAGES),
    ("GET", "/exports/bulk/status?since=2000-01-01&until=2999-12-31&format=pdf", None, OK_ALL_PAGES),
    ("GET", "/audit", None, LEAD_PAGE),
    ("GET", "/audit/export?format=csv", None, LEAD_PAGE),
    ("GET", "/audit/verify", None, ADMIN_PAGE),
    ("GET", "/admin/users", None, ADMIN_PAGE),
    ("GET", "/admin/users/{target}", None, ADMIN_PAGE),
    ("POST", "/articles/new", lambda w: {"text": SHORT}, {A: 302, R: 302, L: 302, D: 302}),
    ("POST", "/articles/{ok_html}/approve", lambda w: {"version": w["ok_html_v"]}, {A: 302, R: 403, L: 302, D: 302}),
    ("POST", "/articles/{ver_html}/versions", lambda w: {"text": CORRECTED, "version": w["ver_html_v"]},
     {A: 302, R: 302, L: 302, D: 302}),
    ("POST", "/articles/{lang_html}/language", lambda w: {"language": "es", "version": w["lang_html_v"]},
     {A: 302, R: 302, L: 302, D: 302}),
    ("POST", "/articles/{big}/assign", lambda w: {"user_id": str(w["helper_id"])}, {A: 302, R: 403, L: 302, D: 302}),
    ("POST", "/articles/{big}/claims", lambda w: {"start": w["gap_html"][0], "end": w["gap_html"][1]},
     {A: 302, R: 302, L: 302, D: 302}),
    ("POST", "/articles/{big}/undo", lambda w: {"event_id": "1"}, {A: 302, R: 302, L: 302, D: 302}),
    ("GET", "/articles/{big}/next", None, {A: 302, R: 302, L: 302, D: 302}),  # to the next claim, or the article
    ("POST", "/articles/{big}/bulk", lambda w: {"action": "due", "claim_ids": "1", "due_on": "2030-01-01"},
     {A: 302, R: 403, L: 302, D: 302}),  # a refused claim is a result, not an error
    ("POST", "/claims/{c_review_html}/review", lambda w: _review_form("confirmed"), {A: 302, R: 302, L: 302, D: 302}),
    ("POST", "/claims/{c_approve_html}/approve", lambda w: {"verdict": "confirmed", "note": "", "version": w["v"]["c_approve_html"]},
     {A: 302, R: 403, L: 302, D: 302}),
    ("POST", "/claims/{c_return_html}/return", lambda w: {"comment": "why?", "version": w["v"]["c_return_html"]},
     {A: 302, R: 403, L: 302, D: 302}),
    ("POST", "/claims/{c_reopen_html}/reopen", lambda w: {"reason": "new facts", "version": w["v"]["c_reopen_html"]},
     {A: 302, R: 403, L: 302, D: 302}),
    ("POST", "/claims/{c_edit_html}/edit", lambda w: {"speaker": "RFA", "statement": "", "version": w["v"]["c_edit_html"]},
     {A: 302, R: 302, L: 302, D: 302}),
    ("POST", "/claims/{c_confirm_html}/speaker/confirm", lambda w: {"version": w["v"]["c_confirm_html"]},
     {A: 302, R: 302, L: 302, D: 302}),
    # an article in review: a reviewer no longer splits or merges (blind review: whether a
    # claim has a review they may not read is not theirs to learn); leads still do
    ("POST", "/claims/{c_split_html}/split", lambda w: {"at": w["at"]["c_split_html"], "version": w["v"]["c_split_html"]},
     {A: 302, R: 409, L: 302, D: 302}),
    ("POST", "/claims/{c_merge_html}/merge", lambda w: {"with_id": w["c_merge_html_n"], "version": w["v"]["c_merge_html"]},
     {A: 302, R: 409, L: 302, D: 302}),
    ("POST", "/claims/{c_exclude_html}/exclude", lambda w: {"reason": "opinion", "version": w["v"]["c_exclude_html"]},
     {A: 302, R: 302, L: 302, D: 302}),
    ("POST", "/claims/{c_include_html}/include", lambda w: {"version": w["v"]["c_include_html"]},
     {A: 302, R: 302, L: 302, D: 302}),
    ("POST", "/claims/{c_read}/comments", lambda w: {"body": "A thought."}, {A: 302, R: 302, L: 302, D: 302}),
    ("POST", "/comments/{my_comment_html}/edit", lambda w: {"body": "Changed."}, {A: 302, R: 302, L: 302, D: 302}),
    ("POST", "/comments/{other_comment_html}/delete", lambda w: {}, {A: 302, R: 403, L: 302, D: 302}),  # author or lead
    ("POST", "/account/tokens", lambda w: {"name": "script"}, {A: 302, R: 201, L: 201, D: 201}),
    ("POST", "/account/tokens/{my_token}/revoke", lambda w: {}, {A: 302, R: 302, L: 302, D: 302}),
    ("POST", "/account/password", lambda w: {"current": "wrong-password-1", "password": "x" * 12, "confirm": "x" * 12},
     {A: 302, R: 422, L: 422, D: 422}),
    # two-step sign-in: not started yet, so the set-up page and its form send you back
    ("GET", "/account/two-step", None, {A: 302, R: 302, L: 302, D: 302}),
    ("POST", "/account/two-step", lambda w: {"code": "123456"}, {A: 302, R: 302, L: 302, D: 302}),
    ("POST", "/account/two-step/disable", lambda w: {}, {A: 302, R: 422, L: 422, D: 422}),
    ("POST", "/account/two-step/start", lambda w: {}, {A: 302, R: 302, L: 302, D: 302}),
    ("GET", "/account/reauth", None, OK_ALL_PAGES),
    ("POST", "/account/reauth", lambda w: {"password": "wrong-password-1"}, {A: 302, R: 422, L: 422, D: 422}),
    # nobody in the world has two-step sign-in on: the admin's reset is a 409 for the target
    ("POST", "/admin/users/{target}/two-step/reset", lambda w: {"reason": "lost phone"},
     {A: 302, R: 403, L: 403, D: 409}),
    ("POST", "/admin/users", lambda w: {"email": "made@example.org", "display_name": "Made", "role": "reviewer",
                                        "password": "a-long-password"}, {A: 302, R: 403, L: 403, D: 302}),
    ("POST", "/admin/users/{target}", lambda w: {"display_name": "Target", "role": "lead", "active": "y"},
     {A: 302, R: 403, L: 403, D: 302}),
    ("POST", "/admin/users/{target}/password", lambda w: {"password": "a-new-long-password"}, {A: 302, R: 403, L: 403, D: 302}),
    ("GET", "/admin/webhooks", None, ADMIN_PAGE),
    ("GET", "/admin/webhooks/{hook}", None, ADMIN_PAGE),
    ("POST", "/admin/webhooks", lambda w: {"url": "https://93.184.216.34/new", "events": ["claim.approved"]},
     {A: 302, R: 403, L: 403, D: 201}),
    ("POST", "/admin/webhooks/{hook}", lambda w: {"events": ["claim.approved"], "description": "d", "active": "y"},
     {A: 302, R: 403, L: 403, D: 302}),
    ("POST", "/admin/webhooks/{hook}/toggle", lambda w: {}, {A: 302, R: 403, L: 403, D: 302}),
    ("POST", "/admin/webhooks/{hook}/rotate", lambda w: {}, {A: 302, R: 403, L: 403, D: 200}),
    ("POST", "/admin/webhooks/{hook}/deliveries/{delivery}/retry", lambda w: {}, {A: 302, R: 403, L: 403, D: 302}),
    ("POST", "/admin/webhooks/{hook_del}/delete", lambda w: {}, {A: 302, R: 403, L: 403, D: 302}),
    # --- JSON API ---
    ("GET", "/api/v1/openapi.json", None, {A: 200, R: 200, L: 200, D: 200}),
    ("GET", "/api/v1/schemas/report-v1.json", None, {A: 200, R: 200, L: 200, D: 200}),
    ("POST", "/api/v1/tokens", lambda w: {"email": w["helper_email"], "password": PASSWORD}, {A: 201, R: 201, L: 201, D: 201}),
    ("GET", "/api/v1/me", None, API_READ),
    ("GET", "/api/v1/notifications", None, API_READ),
    ("GET", "/api/v1/articles/{big}/changes", None, API_READ),
    ("GET", "/api/v1/search/claims?q=rose", None, API_READ),
    ("POST", "/api/v1/notifications/{notice}/read", None, {A: 401, R: 404, L: 404, D: 404}),  # another's
    ("GET", "/api/v1/imports/{helper_import}", None, {A: 401, R: 404, L: 200, D: 200}),  # another's
    ("POST", "/api/v1/notifications/read-all", None, API_READ),
    ("GET", "/api/v1/me/email-notices", None, API_READ),
    ("PUT", "/api/v1/me/email-notices", lambda w: {"kinds": ["assigned"]}, API_READ),
    ("GET", "/api/v1/articles", None, API_READ),
    ("GET", "/api/v1/articles/{big}", None, API_READ),
    ("GET", "/api/v1/articles/{big}/export?format=json", None, API_READ),
    ("GET", "/api/v1/articles/{big}/agreement", None, API_READ),
    ("GET", "/api/v1/articles/{diffed}/versions/diff?from=1&to=2", None, API_READ),
    ("GET", "/api/v1/articles/{big}/needs-me", None, API_READ),
    ("GET", "/api/v1/claims/{c_read}", None, API_READ),
    ("GET", "/api/v1/claims/{c_read}/history", None, API_READ),
    ("GET", "/api/v1/claims/{c_read}/similar", None, API_READ),
    ("GET", "/api/v1/claims/{c_read}/comments", None, API_READ),
    ("GET", "/api/v1/queue", None, API_READ),
    ("GET", "/api/v1/exports?since=2000-01-01&until=2999-12-31", None, API_READ),
    ("POST", "/api/v1/articles/{ver_api}/versions", lambda w: {"text": CORRECTED, "version": w["ver_api_v"]},
     {A: 401, R: 200, L: 200, D: 200}),
    ("GET", "/api/v1/audit", None, {A: 401, R: 403, L: 200, D: 200}),
    ("GET", "/api/v1/audit/verify", None, {A: 401, R: 403, L: 403, D: 200}),
    ("GET", "/api/v1/users", None, {A: 401, R: 403, L: 403, D: 200}),
    ("GET", "/api/v1/users/{target}", None, {A: 401, R: 403, L: 403, D: 200}),
    ("POST", "/api/v1/articles", lambda w: {"text": SHORT}, {A: 401, R: 201, L: 201, D: 201}),
    ("POST", "/api/v1/articles/{big}/claims", lambda w: {"start": w["gap_api"][0], "end": w["gap_api"][1]},
     {A: 401, R: 201, L: 201, D: 201}),
    ("PUT", "/api/v1/articles/{lang_api}/language", lambda w: {"language": "es", "version": w["lang_api_v"]},
     {A: 401, R: 200, L: 200, D: 200}),
    # a review started on the article: its claims can no longer be split again
    ("PUT", "/api/v1/articles/{lang_busy}/language", lambda w: {"language": "es", "version": w["lang_busy_v"]},
     {A: 401, R: 409, L: 409, D: 409}),
    ("POST", "/api/v1/articles/{ok_api}/approve", lambda w: {"version": w["ok_api_v"]}, {A: 401, R: 403, L: 200, D: 200}),
    ("PATCH", "/api/v1/claims/{c_edit_api}", lambda w: {"speaker": "RFA", "version": w["v"]["c_edit_api"]},
     {A: 401, R: 200, L: 200, D: 200}),
    ("POST", "/api/v1/claims/{c_split_api}/split", lambda w: {"at": w["at"]["c_split_api"], "version": w["v"]["c_split_api"]},
     {A: 401, R: 409, L: 200, D: 200}),
    ("POST", "/api/v1/claims/{c_merge_api}/merge", lambda w: {"with": w["c_merge_api_n"], "version": w["v"]["c_merge_api"]},
     {A: 401, R: 409, L: 200, D: 200}),
    ("POST", "/api/v1/claims/{c_exclude_api}/exclude", lambda w: {"reason": "opinion", "version": w["v"]["c_exclude_api"]},
     {A: 401, R: 200, L: 200, D: 200}),
    ("PUT", "/api/v1/claims/{c_review_api}/reviews/me", lambda w: {"verdict": "unconfirmed"}, {A: 401, R: 201, L: 201, D: 201}),
    ("POST", "/api/v1/claims/{c_approve_api}/approve", lambda w: {"verdict": "confirmed", "version": w["v"]["c_approve_api"]},
     {A: 401, R: 403, L: 200, D: 200}),
    ("POST", "/api/v1/claims/{c_return_api}/return", lambda w: {"comment": "why?", "version": w["v"]["c_return_api"]},
     {A: 401, R: 403, L: 200, D: 200}),
    ("POST", "/api/v1/claims/{c_reopen_api}/reopen", lambda w: {"reason": "new facts", "version": w["v"]["c_reopen_api"]},
     {A: 401, R: 403, L: 200, D: 200}),
    ("POST", "/api/v1/claims/{c_read}/comments", lambda w: {"body": "A thought."}, {A: 401, R: 201, L: 201, D: 201}),
    ("PATCH", "/api/v1/comments/{my_comment_api}", lambda w: {"body": "Changed."}, {A: 401, R: 200, L: 200, D: 200}),
    ("PATCH", "/api/v1/comments/{other_comment_api}", lambda w: {"body": "Not mine."}, {A: 401, R: 403, L: 403, D: 403}),
    ("DELETE", "/api/v1/comments/{other_comment_api}", None, {A: 401, R: 403, L: 200, D: 200}),  # author or lead
    ("POST", "/api/v1/assignments", lambda w: {"user_id": w["assignee"], "article_id": w["big"]},
     {A: 401, R: 403, L: 201, D: 201}),
    ("POST", "/api/v1/claims/bulk", lambda w: {"action": "due", "claim_ids": [1], "due_on": "2030-01-01"},
     {A: 401, R: 403, L: 200, D: 200}),  # a refused claim is a result, not an error
    ("POST", "/api/v1/users", lambda w: {"email": "api-made@example.org", "password": "a-long-password"},
     {A: 401, R: 403, L: 403, D: 201}),
    ("PATCH", "/api/v1/users/{target}", lambda w: {"display_name": "Renamed"}, {A: 401, R: 403, L: 403, D: 200}),
    # --- last: these end or start the page session ---
    ("POST", "/logout", lambda w: {}, {A: 302, R: 302, L: 302, D: 302}),
    ("POST", "/login", lambda w: {"email": w["helper_email"], "password": PASSWORD}, {A: 302, R: 302, L: 302, D: 302}),
]  # fmt: skip

# Rows where the app is known to answer differently from the table (the lead fixes them);
# test_route_table skips them and test_known_route_bugs expects them to fail (strict xfail).
BUGS: dict = {}  # (method, path, role) -> "BUG: ..." rows run as strict xfails until fixed

TABLE = [
    (method, path, role, expected[role])
    for method, path, _body, expected in ROUTES
    for role in ROLES
]
BODIES = {(method, path): body for method, path, body, _expected in ROUTES}


def _world(make_user, make_article, role):
    """The objects every row points at, made through the services."""
    sys = SystemActor("test")
    helper, lead2 = make_user("reviewer"), make_user("lead")
    me = make_user(role) if role != A else None
    target, assignee = make_user("reviewer"), make_user("reviewer")
    big = make_article(text=BIG, actor=helper)
    assert len(big.claims) >= len(CLAIM_NAMES), [c.text for c in big.claims]
    w = {
        "css": "css/app.css",
        "big": big.id,
        "target": target.id,
        "helper_email": helper.email,
        "me": me,
        "helper_id": helper.id,
        "assignee": assignee.id,
    }
    w.update({name: c.id for name, c in zip(CLAIM_NAMES, big.claims, strict=False)})
    w["at"] = {n: c.start + 4 for n, c in zip(CLAIM_NAMES, big.claims, strict=False)}

    with transaction() as s:
        for name in ("c_gap_api", "c_gap_html"):  # shrink a claim: the rest becomes a gap to add
            c = get_claim(s, w[name])
            w[name.replace("c_", "")] = (c.start + 6, c.end)
            claims.update_claim(
                s, actor=helper, claim_id=c.id, version=c.version, start=c.start, end=c.start + 6
            )
        for name in (
            "c_approve_api",
            "c_approve_html",
            "c_return_api",
            "c_return_html",
            "c_reopen_api",
            "c_reopen_html",
        ):
            reviews.submit_review(
                s, actor=helper, claim_id=w[name], verdict="confirmed", links=[LINK]
            )
    with transaction() as s:
        for name in ("c_reopen_api", "c_reopen_html"):
            c = get_claim(s, w[name])
            approvals.approve_claim(
                s, actor=lead2, claim_id=c.id, verdict="confirmed", note="", version=c.version
            )
        c = get_claim(s, w["c_include_html"])
        claims.exclude_claim(s, actor=helper, claim_id=c.id, reason="opinion", version=c.version)
    for key in ("ver_api", "ver_html", "lang_api", "lang_html", "lang_busy"):
        art = make_article(text=SHORT, actor=helper)
        w[key], w[f"{key}_v"] = art.id, art.version
    diffed = make_article(text=SHORT, actor=helper)  # in two versions, for the diff
    with transaction() as s:
        versions.import_new_version(s, actor=helper, article_id=diffed.id, version=diffed.version,
                                    source=Source(text=CORRECTED, raw=CORRECTED, kind="text"))  # fmt: skip
    w["diffed"] = diffed.id
    with transaction() as s:
        claim_id = get_article(s, w["lang_busy"]).claims[0].id
        reviews.submit_review(s, actor=helper, claim_id=claim_id, verdict="confirmed", links=[LINK])
    for key in ("ok_api", "ok_html"):
        art = make_article(text=SHORT, actor=helper)
        with transaction() as s:
            for c in art.claims:
                reviews.submit_review(
                    s, actor=helper, claim_id=c.id, verdict="confirmed", links=[LINK]
                )
        with transaction() as s:
            for c in get_article(s, art.id).claims:
                approvals.approve_claim(
                    s, actor=lead2, claim_id=c.id, verdict="confirmed", note="", version=c.version
                )
            w[key], w[f"{key}_v"] = art.id, get_article(s, art.id).version
    with transaction() as s:  # webhooks last, so the desk's changes above queue nothing
        for key in ("hook_del", "hook"):
            hook, _secret = webhooks.create_endpoint(s, actor=sys, url="https://93.184.216.34/hook",
                                                     events=["claim.approved"])  # fmt: skip
            w[key] = hook.id
        webhooks.enqueue(s, WebhookEvent.CLAIM_APPROVED, {"claim_id": w["c_read"]})
        s.flush()
        w["delivery"] = next(d.id for d in hook.deliveries if d.endpoint_id == w["hook"])
    with transaction() as s:  # a URL import another reviewer asked for (never fetched here)
        w["helper_import"] = url_imports.request_url_import(
            s, actor=helper, url="https://93.184.216.34/news"
        )[0].id
    with transaction() as s:
        w["v"] = {name: get_claim(s, w[name]).version for name in CLAIM_NAMES}
        if me is not None:
            w["my_token"] = users.create_token(s, actor=sys, user_id=me.id, name="to revoke")[0].id
            w["bearer"] = users.create_token(s, actor=sys, user_id=me.id, name="bearer")[1]
        else:
            w["my_token"] = users.create_token(s, actor=sys, user_id=helper.id, name="not yours")[
                0
            ].id
    with transaction() as s:  # comments: one's own to change, another's to delete
        for key in ("html", "api"):
            w[f"my_comment_{key}"] = discussion.add_comment(
                s, actor=me or helper, claim_id=w["c_read"], body="Mine."
            ).id
            w[f"other_comment_{key}"] = discussion.add_comment(
                s, actor=helper, claim_id=w["c_read"], body="The helper's."
            ).id
    with transaction() as s:  # a notice for someone else: nobody else may read it
        w["notice"] = notifications.notify(s, recipient=helper.id, kind="assigned", actor=sys,
                                           article=big.id).id  # fmt: skip
    return w


@pytest.mark.parametrize("role", ROLES)
def test_route_table(app, fresh_contexts, make_user, make_article, login, role):
    w = _world(make_user, make_article, role)
    page = app.test_client()
    if w["me"] is not None:
        login(w["me"], c=page)
    api = app.test_client()
    api_headers = {"Authorization": f"Bearer {w['bearer']}"} if w["me"] is not None else {}
    mismatches, rows = [], 0
    for method, template, row_role, expected in TABLE:
        if row_role != role or (method, template, role) in BUGS:
            continue
        path = template.format(**{k: v for k, v in w.items() if isinstance(v, (int, str))})
        rows += 1
        body_fn = BODIES[(method, template)]
        body = body_fn(w) if body_fn else None
        if template.startswith("/api/"):
            headers = {} if template == "/api/v1/tokens" else api_headers
            resp = api.open(path, method=method, json=body, headers=headers)
            if resp.status_code >= 400:
                assert resp.mimetype == "application/problem+json", (method, path)
        else:
            resp = page.open(path, method=method, data=body)
            if role == A and expected == 302 and template not in ("/login",):
                assert "/login" in resp.headers.get("Location", ""), (method, path)
        if resp.status_code != expected:
            mismatches.append(f"{method} {template} as {role}: expected {expected}, got {resp.status_code}: "
                              f"{resp.get_data(as_text=True)[:200]!r}")  # fmt: skip
    assert rows == len(ROUTES) - sum(1 for key in BUGS if key[2] == role)
    assert not mismatches, "\n".join(mismatches)


def _run_row(app, login, w, method, template, role):
    page, api = app.test_client(), app.test_client()
    if w["me"] is not None:
        login(w["me"], c=page)
    body_fn = BODIES[(method, template)]
    path = template.format(**{k: v for k, v in w.items() if isinstance(v, (int, str))})
    if template.startswith("/api/"):
        headers = {"Authorization": f"Bearer {w['bearer']}"} if w["me"] is not None else {}
        return api.open(path, method=method, json=body_fn(w) if body_fn else None, headers=headers)
    return page.open(path, method=method, data=body_fn(w) if body_fn else None)


@pytest.mark.parametrize(
    ("method", "template", "role"),
    [
        pytest.param(*key, marks=pytest.mark.xfail(strict=True, reason=reason))
        for key, reason in BUGS.items()
    ],
)
def test_known_route_bugs(
    app, fresh_contexts, make_user, make_article, login, method, template, role
):
    w = _world(make_user, make_article, role)
    expected = next(exp[role] for m, t, _b, exp in ROUTES if (m, t) == (method, template))
    assert _run_row(app, login, w, method, template, role).status_code == expected


def _shape(path: str) -> str:
    path = path.split("?")[0]
    return re.sub(r"\{[^}]+\}", "{}", re.sub(r"<[^>]+>", "{}", path))


def test_every_route_is_in_the_table(app):
    covered = {(method, _shape(path)) for method, path, _role, _status in TABLE}
    missing = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if (method, _shape(rule.rule)) not in covered:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not missing, "routes missing from the permission table:\n" + "\n".join(missing)


def test_table_has_every_role_for_every_route():
    for method, path, _body, expected in ROUTES:
        assert set(expected) == set(ROLES), (method, path)
    assert len(TABLE) == len(ROUTES) * len(ROLES)


# --------------------------------------------------------------------------- the table itself


def test_every_permission_has_rules_and_every_predicate_explains_itself():
    from factcheck.errors import InvalidTransition, PermissionDenied
    from factcheck.permissions import RULES, Permission

    assert set(RULES) == set(Permission)
    for permission, predicates in RULES.items():
        assert predicates, permission
        for pred in predicates:
            doc = (pred.__doc__ or "").strip()
            assert doc and "\n" not in doc, f"{pred.__name__}: a one-line docstring"
            assert pred.message and pred.error in (PermissionDenied, InvalidTransition), pred
            # a predicate that judges the object's state refuses with 409, a role with 403
            assert pred.reads_object or pred.error is PermissionDenied, pred.__name__


def test_owner_or_admin_is_one_predicate(make_user):
    from factcheck.models import ApiToken
    from factcheck.permissions import Permission, can

    me, other, admin = make_user("reviewer"), make_user("lead"), make_user("admin")
    assert can(me, Permission.MANAGE_ACCOUNT, me) and can(admin, Permission.MANAGE_ACCOUNT, me)
    assert not can(other, Permission.MANAGE_ACCOUNT, me)
    token = ApiToken(user_id=me.id)
    assert can(me, Permission.MANAGE_ACCOUNT, token) and not can(
        other, Permission.MANAGE_ACCOUNT, token
    )


def test_the_second_factor_policy_is_one_predicate(app, make_user, monkeypatch):
    from settings_helpers import SettingsProxy

    from factcheck.permissions import Permission, can, why_not

    lead, reviewer = make_user("lead"), make_user("reviewer")
    monkeypatch.setattr(SettingsProxy(app), "REQUIRE_TOTP_FOR", "lead,admin")
    assert can(reviewer, Permission.USE_DESK) and not can(lead, Permission.USE_DESK)
    assert "two-step" in why_not(lead, Permission.USE_DESK)
