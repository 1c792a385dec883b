"""The audit trail and accounts over the API."""

from __future__ import annotations

import pytest
from dbtools import audit_triggers_lifted
from sqlalchemy import text

from factcheck.extensions import db

SHORT = "Prices rose 5% in 2021, the bank said. Unemployment fell to 3.9% in March.\n"


# -- audit ------------------------------------------------------------------------------


def test_audit_list_for_lead(make_user, api_as, make_article):
    rev, lead = make_user("reviewer"), make_user("lead")
    a1 = make_article(text=SHORT, actor=rev)
    a2 = make_article(text=SHORT, actor=lead)
    api = api_as(lead)
    body = api.get("/audit").get_json()
    assert {"items", "page", "per_page", "total"} <= set(body)
    seqs = [e["seq"] for e in body["items"]]
    assert seqs == sorted(seqs, reverse=True)  # newest first
    ev = body["items"][0]
    for key in ("id", "seq", "created_at", "actor_id", "action", "target_type", "target_id",
                "article_id", "before", "after", "hash", "prev_hash"):  # fmt: skip
        assert key in ev
    assert ev["created_at"].endswith("Z")
    imported = api.get("/audit?action=article.imported").get_json()
    assert imported["total"] == 2 and {e["article_id"] for e in imported["items"]} == {a1.id, a2.id}
    assert [e["article_id"] for e in api.get(f"/audit?article_id={a1.id}").get_json()["items"]] == [
        a1.id
    ]
    by_rev = api.get(f"/audit?actor_id={rev.id}&action=article.imported").get_json()
    assert [e["article_id"] for e in by_rev["items"]] == [a1.id]
    assert api.get("/audit?since=2999-01-01T00:00:00Z").get_json()["total"] == 0
    assert api.get("/audit?until=2000-01-01").get_json()["total"] == 0
    assert api.get("/audit?since=2000-01-01&until=2999-01-01").get_json()["total"] == body["total"]
    page = api.get("/audit?per_page=1&page=2").get_json()
    assert len(page["items"]) == 1 and page["items"][0]["seq"] == seqs[1]


def test_audit_bad_filters_are_422(make_user, api_as, problem, subtests):
    api = api_as(make_user("lead"))
    for query in (
        "article_id=x",
        "actor_id=-1",
        "since=yesterday",
        "until=31/12/2024",
        "per_page=501",
        "action=nothing.like.this",
        "before_seq=0",
        "before_seq=5&after_seq=2",
    ):
        with subtests.test(query=query):
            problem(api.get(f"/audit?{query}"), 422)


def test_audit_keyset_pages_walk_the_trail_both_ways(make_user, api_as, make_article):
    """?before_seq= / ?after_seq= page by sequence number: every event once, in order."""
    lead = make_user("lead")
    api = api_as(lead)
    for n in range(5):
        make_article(text=f"Story {n}\n\nThe mayor said {n} buses were bought in 2024.")
    everything = [e["seq"] for e in api.get("/audit?per_page=500").get_json()["items"]]
    assert everything == sorted(everything, reverse=True) and len(everything) >= 7
    first = api.get("/audit?per_page=3").get_json()
    assert first["newer_after_seq"] is None and first["older_before_seq"] == everything[2]
    seen, page = [], first
    while True:
        seen += [e["seq"] for e in page["items"]]
        assert page["total"] == len(everything)
        if page["older_before_seq"] is None:
            break
        page = api.get(f"/audit?per_page=3&before_seq={page['older_before_seq']}").get_json()
        assert page["newer_after_seq"] == page["items"][0]["seq"]
    assert seen == everything
    back, up = [], page
    while up["newer_after_seq"] is not None:
        up = api.get(f"/audit?per_page=3&after_seq={up['newer_after_seq']}").get_json()
        back = [e["seq"] for e in up["items"]] + back
    assert back + [e["seq"] for e in page["items"]] == everything
    filtered = api.get("/audit?per_page=2&action=article.imported").get_json()
    older = api.get(
        f"/audit?per_page=2&action=article.imported&before_seq={filtered['older_before_seq']}"
    )
    assert {e["action"] for e in older.get_json()["items"]} == {"article.imported"}


def test_audit_refused_to_reviewer(make_user, api_as, problem):
    api = api_as(make_user("reviewer"))
    problem(api.get("/audit"), 403)
    problem(api.get("/audit/verify"), 403)


def test_audit_verify_admin_only(make_user, api_as, make_article, problem):
    admin = make_user("admin")
    make_article(text=SHORT)
    problem(api_as(make_user("lead")).get("/audit/verify"), 403)
    body = api_as(admin).get("/audit/verify").get_json()
    assert body["ok"] is True and body["first_bad_id"] is None and body["events"] >= 3
    assert body["head"]["seq"] == body["events"] and len(body["head"]["hash"]) == 64


def test_audit_verify_names_a_tampered_event(make_user, api_as, make_article):
    admin = make_user("admin")
    api = api_as(admin)
    make_article(text=SHORT)
    target = db.session.execute(
        text("SELECT id FROM audit_events ORDER BY seq LIMIT 1 OFFSET 1")
    ).scalar()
    db.session.rollback()
    with audit_triggers_lifted() as conn:
        conn.execute(
            text("UPDATE audit_events SET action = 'forged' WHERE id = :id"), {"id": target}
        )
    body = api.get("/audit/verify").get_json()
    assert body["ok"] is False and body["first_bad_id"] == target


# -- users ------------------------------------------------------------------------------


def test_users_crud(make_user, api_as, audit_mark, new_events, problem, snapshot):
    admin = make_user("admin")
    api = api_as(admin)
    listed = api.get("/users").get_json()
    assert admin.email in [u["email"] for u in listed["items"]] and listed["total"] == len(
        listed["items"]
    )
    mark = audit_mark()
    resp = api.post("/users", json={"email": "New.Person@Example.org", "display_name": "New Person",
                                    "role": "lead", "password": "a-long-password"})  # fmt: skip
    assert resp.status_code == 201, resp.get_json()
    new = resp.get_json()
    assert (
        new["email"] == "new.person@example.org" and new["role"] == "lead" and new["active"] is True
    )
    assert "password" not in new and "password_hash" not in new
    assert api.get(f"/users/{new['id']}").get_json() == new
    resp = api.patch(f"/users/{new['id']}", json={"role": "reviewer", "display_name": "N. Person"})
    assert resp.status_code == 200 and resp.get_json()["role"] == "reviewer"
    resp = api.patch(f"/users/{new['id']}", json={"active": False})
    assert resp.status_code == 200 and resp.get_json()["active"] is False
    events = new_events(mark)
    assert [e.action for e in events] == ["user.created", "user.updated", "user.deactivated"]
    assert events[1].before["role"] == "lead" and events[1].after["role"] == "reviewer"
    # the deactivated account can no longer get a token
    problem(
        api.client.post(
            "/api/v1/tokens", json={"email": new["email"], "password": "a-long-password"}
        ),
        401,
    )
    before = snapshot()
    problem(
        api.post(
            "/users", json={"email": "new.person@example.org", "password": "another-password"}
        ),
        409,
    )
    assert snapshot() == before


BAD_NEW_USERS = [
    ({"email": "not-an-email", "password": "a-long-password"}, "email"),
    ({"email": "x@example.org", "password": "short"}, "password"),
    ({"email": "x@example.org", "password": "a-long-password", "role": "root"}, "role"),
    ({"email": "x@example.org", "password": "a-long-password", "active": False}, "active"),
    ({"email": "x@example.org", "password": "a-long-password", "id": 1}, "id"),
]


def test_create_user_bad_input(make_user, api_as, problem, snapshot, subtests):
    api = api_as(make_user("admin"))
    before = snapshot()
    for payload, field in BAD_NEW_USERS:
        with subtests.test(payload=payload):
            problem(api.post("/users", json=payload), 422, field)
            assert snapshot() == before


BAD_USER_PATCHES = [({"role": "superuser"}, "role"), ({"active": "no"}, "active"), ({"email": "x@example.org"}, "email"),
                    ({"password_hash": "x"}, "password_hash"), ({"display_name": ""}, "display_name")]  # fmt: skip


def test_update_user_bad_input(make_user, api_as, problem, snapshot, subtests):
    api = api_as(make_user("admin"))
    target = make_user("reviewer")
    before = snapshot()
    for payload, field in BAD_USER_PATCHES:
        with subtests.test(payload=payload):
            problem(api.patch(f"/users/{target.id}", json=payload), 422, field)
            assert snapshot() == before


def test_last_admin_cannot_be_demoted_or_deactivated(make_user, api_as, problem, snapshot):
    admin = make_user("admin")
    api = api_as(admin)
    before = snapshot()
    problem(api.patch(f"/users/{admin.id}", json={"role": "lead"}), 409)
    problem(api.patch(f"/users/{admin.id}", json={"active": False}), 409)
    assert snapshot() == before
    second = make_user("admin")
    assert api.patch(f"/users/{second.id}", json={"role": "lead"}).status_code == 200


@pytest.mark.parametrize("role", ["reviewer", "lead"])
def test_users_admin_only(make_user, api_as, problem, snapshot, role):
    user = make_user(role)
    api = api_as(user)
    before = snapshot()
    problem(api.get("/users"), 403)
    problem(api.get(f"/users/{user.id}"), 403)
    problem(api.post("/users", json={"email": "x@example.org", "password": "a-long-password"}), 403)
    problem(api.patch(f"/users/{user.id}", json={"role": "admin"}), 403)  # no self-promotion
    assert snapshot() == before


def test_user_404(make_user, api_as, problem):
    api = api_as(make_user("admin"))
    problem(api.get("/users/987654"), 404)
    problem(api.patch("/users/987654", json={"role": "lead"}), 404)
