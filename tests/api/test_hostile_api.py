"""Hostile input to the API (HOSTILE.md §3): odd types, huge numbers, spoofed headers, markup."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import AuditEvent, SystemActor
from factcheck.services import users

THREE = "Prices rose 5% in 2021. Unemployment fell to 3.9% in March. Exports doubled since 2019.\n"
LINK = {"url": "https://example.org/source", "title": "Source", "stance": "supports"}
HUGE = 10**20


def test_huge_numbers_are_4xx_not_500(make_user, api_as):
    api = api_as(make_user("lead"))
    failures = []
    for path in (f"/articles/{HUGE}", f"/claims/{HUGE}", f"/claims/{HUGE}/history", f"/articles?page={HUGE}",
                 f"/audit?article_id={HUGE}", f"/audit?page={HUGE}"):  # fmt: skip
        status = api.get(path).status_code
        if not 400 <= status < 500:
            failures.append(f"{path}: {status}")
    assert not failures, failures


def test_huge_ids_on_pages_are_404(make_user, login, client, fresh_contexts):
    login(make_user("reviewer"))
    assert client.get(f"/articles/{HUGE}").status_code == 404
    assert client.get(f"/claims/{HUGE}").status_code == 404


def test_merge_with_a_boolean_is_422(make_user, api_as, make_article, snapshot, problem):
    user = make_user("reviewer")
    api = api_as(user)
    article = make_article(text=THREE, actor=user)
    second = article.claims[1]
    assert article.claims[0].id == 1  # so `true` names a real, adjacent claim
    before = snapshot()
    problem(
        api.post(f"/claims/{second.id}/merge", json={"with": True, "version": second.version}),
        422,
        "with",
    )
    assert snapshot() == before


def test_assign_to_a_boolean_user_is_422(make_user, api_as, make_article, snapshot, problem):
    lead = make_user("lead")
    assert lead.id == 1
    api = api_as(lead)
    article = make_article(text=THREE, actor=lead)
    before = snapshot()
    problem(
        api.post("/assignments", json={"user_id": True, "article_id": article.id}), 422, "user_id"
    )
    assert snapshot() == before


@pytest.mark.parametrize("value", [True, 1.5, "two", [1], {"v": 1}])
def test_odd_versions_are_422(make_user, api_as, make_article, snapshot, problem, value):
    user = make_user("reviewer")
    api = api_as(user)
    claim = make_article(text=THREE, actor=user).claims[0]
    before = snapshot()
    problem(
        api.patch(f"/claims/{claim.id}", json={"speaker": "x", "version": value}), 422, "version"
    )
    assert snapshot() == before


def test_if_match_star_or_garbage_is_refused(make_user, api_as, make_article, snapshot):
    user = make_user("reviewer")
    api = api_as(user)
    claim = make_article(text=THREE, actor=user).claims[0]
    before = snapshot()
    for value in ("*", "W/", '"abc"'):
        assert api.patch(
            f"/claims/{claim.id}", json={"speaker": "x"}, headers={"If-Match": value}
        ).status_code in (412, 422, 428)
    assert snapshot() == before


def test_client_address_is_the_peer_not_x_forwarded_for(make_user, api_as):
    api = api_as(make_user("reviewer"))
    resp = api.post("/articles", json={"text": THREE}, headers={"X-Forwarded-For": "1.2.3.4", "X-Request-ID": "req-42.a_b"},
                    environ_base={"REMOTE_ADDR": "10.9.8.7"})  # fmt: skip
    assert resp.status_code == 201
    assert resp.headers["X-Request-ID"] == "req-42.a_b"
    db.session.rollback()
    ev = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "article.imported")).one()
    assert ev.client_addr == "10.9.8.7" and ev.request_id == "req-42.a_b"


def test_bad_request_id_is_replaced(make_user, api_as):
    api = api_as(make_user("reviewer"))
    resp = api.get("/me", headers={"X-Request-ID": "bad id <script>"})
    assert resp.status_code == 200
    assert "<" not in resp.headers["X-Request-ID"] and " " not in resp.headers["X-Request-ID"]


def test_demoted_lead_token_loses_lead_rights_at_once(
    make_user, api_as, make_article, problem, snapshot
):
    rev, lead = make_user("reviewer"), make_user("lead")
    api_rev, api_lead = api_as(rev), api_as(lead)
    claim = make_article(text=THREE, actor=rev).claims[0]
    assert (
        api_rev.put(
            f"/claims/{claim.id}/reviews/me", json={"verdict": "confirmed", "links": [LINK]}
        ).status_code
        == 201
    )
    version = api_lead.get(f"/claims/{claim.id}").get_json()["version"]
    with transaction() as s:
        users.update_user(s, actor=SystemActor("t"), user_id=lead.id, role="reviewer")
    api_new = api_as(lead)
    before = snapshot()
    problem(  # a role change revokes the account's tokens (HOSTILE §4.5)
        api_lead.post(
            f"/claims/{claim.id}/approve", json={"verdict": "confirmed", "version": version}
        ),
        401,
    )
    problem(  # a new token carries the new role only
        api_new.post(
            f"/claims/{claim.id}/approve", json={"verdict": "confirmed", "version": version}
        ),
        403,
    )
    assert snapshot() == before


def test_span_invariant_with_unicode_and_crlf(make_user, api_as):
    api = api_as(make_user("reviewer"))
    text = ("Preise stiegen 2021 um 5 % 🎉 in Zürich.\r\nUnemployment fell to 3.9% in March — "
            "officials said.\r\n\r\nالأسعار ارتفعت 5% في 2021.\r\nCafe\u0301 prices doubled since 2019.\r\n")  # fmt: skip
    body = api.post("/articles", json={"text": text}).get_json()
    assert "\r" not in body["body"]
    assert body["claims"]
    for c in body["claims"]:
        assert body["body"][c["start"] : c["end"]] == c["text"]
    first = body["claims"][0]
    split_at = first["start"] + first["text"].index("🎉")
    resp = api.post(
        f"/claims/{first['id']}/split", json={"at": split_at, "version": first["version"]}
    )
    assert resp.status_code == 200
    read = api.get(f"/articles/{body['id']}").get_json()
    for c in read["claims"]:
        assert read["body"][c["start"] : c["end"]] == c["text"]


def test_note_markdown_is_sanitised(make_user, api_as, make_article, login, client, fresh_contexts):
    user = make_user("reviewer")
    api = api_as(user)
    claim = make_article(text=THREE, actor=user).claims[0]
    note = "<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3)) **ok**"
    review = api.put(
        f"/claims/{claim.id}/reviews/me", json={"verdict": "unconfirmed", "note": note}
    ).get_json()
    assert review["note"] == note  # stored as written
    html = review["note_html"]
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "<strong>ok</strong>" in html
    login(user)
    page = client.get(f"/claims/{claim.id}").get_data(as_text=True)
    assert (
        "<script>alert(1)" not in page
        and "<img src=x" not in page
        and 'href="javascript' not in page
    )


def test_too_many_links_is_422(make_user, api_as, make_article, snapshot, problem):
    from factcheck.settings import settings_of

    LIMITS = settings_of()  # the app's
    user = make_user("reviewer")
    api = api_as(user)
    claim = make_article(text=THREE, actor=user).claims[0]
    before = snapshot()
    links = [
        dict(LINK, url=f"https://example.org/{i}") for i in range(LIMITS.MAX_LINKS_PER_REVIEW + 1)
    ]
    problem(
        api.put(f"/claims/{claim.id}/reviews/me", json={"verdict": "confirmed", "links": links}),
        422,
        "links",
    )
    assert snapshot() == before


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/claims/{id}/approve"), ("GET", "/claims/{id}/reviews/me"), ("DELETE", "/claims/{id}"),
     ("GET", "/tokens"), ("PUT", "/articles"), ("TRACE", "/me")],
)  # fmt: skip
def test_wrong_method_is_405_problem(
    make_user, api_as, make_article, problem, snapshot, method, path
):
    user = make_user("lead")
    api = api_as(user)
    claim = make_article(text=THREE, actor=user).claims[0]
    before = snapshot()
    body = problem(api(method, path.format(id=claim.id)), 405)
    assert body["status"] == 405
    assert snapshot() == before
