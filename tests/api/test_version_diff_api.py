"""GET /api/v1/articles/{id}/versions/diff: the text diff and each claim's outcome, as JSON."""

from __future__ import annotations

from version_helpers import build_three


def _ids(body, group):
    return sorted(c["id"] for c in body["claims"][group])


def test_the_diff_groups_claims_and_marks_words(make_article, make_user, api_as):
    article_id, ids, user = build_three(make_article, make_user)
    api = api_as(user)
    r = api.get(f"/articles/{article_id}/versions/diff?from=1&to=2")
    assert r.status_code == 200, r.get_data(as_text=True)
    body = r.get_json()
    assert (body["from_version"], body["to_version"], body["versions"]) == (1, 2, [1, 2, 3])
    assert _ids(body, "edited") == [ids["roads"]]
    assert _ids(body, "orphaned") == [ids["Opponents"]]
    assert _ids(body, "new") == [ids["mayor promised"]]
    assert _ids(body, "moved") == sorted([ids["vote was"], ids["council approved"]])
    assert _ids(body, "unchanged") == [ids["approves budget"]]
    edited = body["claims"]["edited"][0]
    assert "12%" in edited["old_text"] and "15%" in edited["new_text"]
    assert edited["link"] == f"/articles/{article_id}?claim={ids['roads']}#panel"
    assert "final_verdict" not in edited and isinstance(edited["number"], int)
    pieces = [(p["op"], p["text"]) for b in body["text"]["blocks"] for p in b["pieces"]]
    assert ("del", "12") in pieces and ("ins", "15") in pieces
    assert body["text"]["changed_paragraphs"] >= 1 and not body["text"]["coarse"]


def test_default_and_several_steps(make_article, make_user, api_as):
    article_id, ids, user = build_three(make_article, make_user)
    api = api_as(user)
    body = api.get(f"/articles/{article_id}/versions/diff").get_json()
    assert (body["from_version"], body["to_version"]) == (2, 3)
    assert _ids(body, "orphaned") == [ids["mayor promised"]] and _ids(body, "new") == [ids["Taxes"]]
    body = api.get(f"/articles/{article_id}/versions/diff?to=2").get_json()  # from the one before
    assert (body["from_version"], body["to_version"]) == (1, 2)
    body = api.get(f"/articles/{article_id}/versions/diff?from=1&to=3").get_json()
    every = {c["id"] for items in body["claims"].values() for c in items}
    assert ids["mayor promised"] not in every
    assert _ids(body, "new") == [ids["Taxes"]] and _ids(body, "orphaned") == [ids["Opponents"]]
    assert "18%" in body["claims"]["edited"][0]["new_text"]


def test_bad_version_numbers(make_article, make_user, api_as, problem):
    article_id, _ids, user = build_three(make_article, make_user)
    api = api_as(user)
    problem(api.get(f"/articles/{article_id}/versions/diff?from=7"), 404, "from")
    problem(api.get(f"/articles/{article_id}/versions/diff?to=7"), 404, "to")
    problem(api.get(f"/articles/{article_id}/versions/diff?from=3&to=1"), 422, "from")
    problem(api.get(f"/articles/{article_id}/versions/diff?from=x"), 422)
    problem(api.get(f"/articles/{article_id}/versions/diff?from=0"), 422)
    problem(api.get(f"/articles/{article_id + 40}/versions/diff"), 404)
