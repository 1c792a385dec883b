"""Claims over the API: read, edit (speaker, statement, span), split, merge, exclude, history."""

from __future__ import annotations

SHORT = "Prices rose 5% in 2021, the bank said. Unemployment fell to 3.9% in March.\n"
THREE = "Prices rose 5% in 2021. Unemployment fell to 3.9% in March. Exports doubled since 2019.\n"


def _article(api, text=THREE) -> dict:
    resp = api.post("/articles", json={"text": text})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def _invariant(api, article_id) -> dict:
    art = api.get(f"/articles/{article_id}").get_json()
    for c in art["claims"]:
        assert art["body"][c["start"] : c["end"]] == c["text"]
    spans = [(c["start"], c["end"]) for c in art["claims"]]
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False)), "claims never overlap"
    return art


def test_read_claim(make_user, api_as):
    api = api_as(make_user("reviewer"))
    art = _article(api)
    c = art["claims"][0]
    resp = api.get(f"/claims/{c['id']}")
    assert resp.status_code == 200
    body = resp.get_json()
    assert resp.headers["ETag"] == f'"{body["version"]}"'
    assert body["text"] == art["body"][body["start"] : body["end"]]
    assert body["reviews"] == [] and body["review_count"] == 0
    assert body["history"].endswith(f"/api/v1/claims/{c['id']}/history")
    assert body["statement"] == body["text"]  # the statement defaults to the text


def test_patch_speaker_and_statement(make_user, api_as, audit_mark, new_events):
    user = make_user("reviewer")
    api = api_as(user)
    c = _article(api)["claims"][0]
    mark = audit_mark()
    resp = api.patch(f"/claims/{c['id']}", json={"speaker": "the central bank", "statement": "Prices rose 5%",
                                                 "version": c["version"]})  # fmt: skip
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["speaker"] == "the central bank" and body["statement"] == "Prices rose 5%"
    assert body["version"] == c["version"] + 1 and resp.headers["ETag"] == f'"{body["version"]}"'
    events = new_events(mark)
    assert [e.action for e in events] == ["claim.updated"]
    assert events[0].actor_id == user.id and events[0].after["speaker"] == "the central bank"
    assert events[0].before["speaker"] is None


def test_patch_with_if_match(make_user, api_as, snapshot, problem):
    api = api_as(make_user("reviewer"))
    c = _article(api)["claims"][0]
    etag = api.get(f"/claims/{c['id']}").headers["ETag"]
    resp = api.patch(f"/claims/{c['id']}", json={"speaker": "RFA"}, headers={"If-Match": etag})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["speaker"] == "RFA"
    before = snapshot()
    body = problem(
        api.patch(f"/claims/{c['id']}", json={"speaker": "X"}, headers={"If-Match": etag}), 409
    )
    assert body["current_version"] == c["version"] + 1
    assert snapshot() == before


def test_patch_without_version_is_428(make_user, api_as, snapshot, problem):
    api = api_as(make_user("reviewer"))
    c = _article(api)["claims"][0]
    before = snapshot()
    problem(api.patch(f"/claims/{c['id']}", json={"speaker": "X"}), 428)
    assert snapshot() == before


def test_patch_span(make_user, api_as, audit_mark, new_events):
    api = api_as(make_user("reviewer"))
    art = _article(api)
    c = art["claims"][0]
    mark = audit_mark()
    resp = api.patch(
        f"/claims/{c['id']}",
        json={"start": c["start"], "end": c["end"] - 1, "version": c["version"]},
    )
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["end"] == c["end"] - 1 and body["text"] == c["text"][:-1]
    assert [e.action for e in new_events(mark)] == ["claim.updated"]
    _invariant(api, art["id"])


BAD_PATCHES = [
    ({"start": -1}, "span"),
    ({"end": 10**7}, "span"),
    ({"start": 5, "end": 2}, "span"),
    ({"start": "0"}, "span"),
    ({"end": "next"}, "span"),
    ({"status": "approved"}, "status"),
    ({"final_verdict": "confirmed"}, "final_verdict"),
    ({"text": "rewritten"}, "text"),
    ({"article_id": 2}, "article_id"),
    ({"speaker": "x" * 5000}, "speaker"),
    ({"speaker": "a\x00b"}, "speaker"),
    ({"speaker": 7}, "speaker"),
]


def test_patch_bad_input_changes_nothing(make_user, api_as, snapshot, problem, subtests):
    api = api_as(make_user("reviewer"))
    c = _article(api)["claims"][0]
    before = snapshot()
    for patch, field in BAD_PATCHES:
        with subtests.test(patch=patch):
            problem(
                api.patch(f"/claims/{c['id']}", json={**patch, "version": c["version"]}), 422, field
            )
            assert snapshot() == before


def test_patch_span_overlapping_a_neighbour_is_422(make_user, api_as, snapshot, problem):
    api = api_as(make_user("reviewer"))
    art = _article(api)
    first, second = art["claims"][0], art["claims"][1]
    before = snapshot()
    problem(
        api.patch(
            f"/claims/{first['id']}", json={"end": second["start"] + 3, "version": first["version"]}
        ),
        422,
    )
    assert snapshot() == before


def test_stale_version_is_409_with_current_version(make_user, api_as, snapshot, problem):
    api = api_as(make_user("reviewer"))
    c = _article(api)["claims"][0]
    assert (
        api.patch(f"/claims/{c['id']}", json={"speaker": "A", "version": c["version"]}).status_code
        == 200
    )
    before = snapshot()
    resp = api.patch(f"/claims/{c['id']}", json={"speaker": "B", "version": c["version"]})
    body = problem(resp, 409)
    assert body["current_version"] == c["version"] + 1
    assert resp.headers["ETag"] == f'"{c["version"] + 1}"'
    assert snapshot() == before
    assert api.get(f"/claims/{c['id']}").get_json()["speaker"] == "A"


def test_missing_claim_is_404(make_user, api_as, problem):
    api = api_as(make_user("reviewer"))
    problem(api.get("/claims/987654"), 404)
    problem(api.patch("/claims/987654", json={"speaker": "x", "version": 1}), 404)
    problem(api.get("/claims/987654/history"), 404)


# -- split / merge / exclude ----------------------------------------------------------


def test_split(make_user, api_as, snapshot, audit_mark, new_events):
    api = api_as(make_user("reviewer"))
    art = _article(api, SHORT)
    c = art["claims"][0]
    at = c["start"] + c["text"].index(", the bank") + 1
    before = snapshot()
    mark = audit_mark()
    resp = api.post(f"/claims/{c['id']}/split", json={"at": at, "version": c["version"]})
    assert resp.status_code == 200, resp.get_json()
    first, second = resp.get_json()["claims"]
    assert first["id"] == c["id"] and first["end"] <= second["start"]
    assert first["text"] == c["text"][: at - c["start"]].strip()
    assert second["text"] == c["text"][at - c["start"] :].strip()
    assert snapshot()["claims"] == before["claims"] + 1
    events = new_events(mark)
    assert [e.action for e in events] == ["claim.split"]
    assert events[0].after["new_claim_id"] == second["id"]
    art = _invariant(api, art["id"])
    assert [x["id"] for x in art["claims"]][:2] == [first["id"], second["id"]]


def test_split_outside_the_claim_is_422(make_user, api_as, snapshot, problem, subtests):
    api = api_as(make_user("reviewer"))
    c = _article(api, SHORT)["claims"][0]
    before = snapshot()
    for at in (c["start"], c["end"], -1, "5", None, 10**6, True):
        with subtests.test(at=at):
            problem(
                api.post(f"/claims/{c['id']}/split", json={"at": at, "version": c["version"]}),
                422,
                "at",
            )
            assert snapshot() == before


def test_split_stale_is_409(make_user, api_as, snapshot, problem):
    api = api_as(make_user("reviewer"))
    c = _article(api, SHORT)["claims"][0]
    before = snapshot()
    problem(
        api.post(
            f"/claims/{c['id']}/split", json={"at": c["start"] + 3, "version": c["version"] + 1}
        ),
        409,
    )
    problem(api.post(f"/claims/{c['id']}/split", json={"at": c["start"] + 3}), 428)
    assert snapshot() == before


def test_merge(make_user, api_as, snapshot, audit_mark, new_events):
    api = api_as(make_user("reviewer"))
    art = _article(api)
    a, b = art["claims"][0], art["claims"][1]
    before = snapshot()
    mark = audit_mark()
    resp = api.post(f"/claims/{a['id']}/merge", json={"with": b["id"], "version": a["version"]})
    assert resp.status_code == 200, resp.get_json()
    merged = resp.get_json()
    assert merged["start"] == a["start"] and merged["end"] == b["end"]
    assert merged["text"] == art["body"][a["start"] : b["end"]]
    assert snapshot()["claims"] == before["claims"] - 1
    events = new_events(mark)
    assert [e.action for e in events] == ["claim.merged"]
    assert events[0].after["merged_claim"]["id"] == b["id"]
    art = _invariant(api, art["id"])
    assert b["id"] not in [c["id"] for c in art["claims"]]


def test_merge_refusals_change_nothing(make_user, api_as, snapshot, problem):
    api = api_as(make_user("reviewer"))
    art = _article(api)
    a, _b, c = art["claims"][:3]
    other = _article(api)["claims"][0]
    before = snapshot()
    problem(
        api.post(f"/claims/{a['id']}/merge", json={"with": c["id"], "version": a["version"]}),
        422,
        "with",
    )
    problem(
        api.post(f"/claims/{a['id']}/merge", json={"with": a["id"], "version": a["version"]}),
        422,
        "with",
    )
    problem(
        api.post(f"/claims/{a['id']}/merge", json={"with": other["id"], "version": a["version"]}),
        422,
    )
    problem(
        api.post(f"/claims/{a['id']}/merge", json={"with": 987654, "version": a["version"]}), 404
    )
    problem(
        api.post(f"/claims/{a['id']}/merge", json={"with": c["id"], "version": a["version"] + 3}),
        409,
    )
    assert snapshot() == before


def test_exclude(make_user, api_as, audit_mark, new_events, snapshot, problem):
    api = api_as(make_user("reviewer"))
    c = _article(api)["claims"][0]
    before = snapshot()
    problem(
        api.post(f"/claims/{c['id']}/exclude", json={"reason": "  ", "version": c["version"]}),
        422,
        "reason",
    )
    problem(api.post(f"/claims/{c['id']}/exclude", json={"reason": "opinion"}), 428)
    assert snapshot() == before
    mark = audit_mark()
    resp = api.post(
        f"/claims/{c['id']}/exclude", json={"reason": "opinion", "version": c["version"]}
    )
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["status"] == "excluded" and body["excluded_reason"] == "opinion"
    events = new_events(mark)
    assert [e.action for e in events] == ["claim.excluded"]
    assert events[0].after["status"] == "excluded" and events[0].before["status"] == "open"
    # excluded twice → state conflict; reviewing an excluded claim → 409
    before = snapshot()
    problem(
        api.post(
            f"/claims/{c['id']}/exclude", json={"reason": "again", "version": body["version"]}
        ),
        409,
    )
    problem(api.put(f"/claims/{c['id']}/reviews/me", json={"verdict": "confirmed"}), 409)
    assert snapshot() == before


def test_structural_edits_refused_once_reviewed(make_user, api_as, snapshot, problem):
    api = api_as(make_user("reviewer"))
    art = _article(api)
    a, b = art["claims"][0], art["claims"][1]
    assert (
        api.put(f"/claims/{a['id']}/reviews/me", json={"verdict": "unconfirmed"}).status_code == 201
    )
    v = api.get(f"/claims/{a['id']}").get_json()["version"]
    before = snapshot()
    problem(api.post(f"/claims/{a['id']}/split", json={"at": a["start"] + 4, "version": v}), 409)
    problem(api.post(f"/claims/{a['id']}/merge", json={"with": b["id"], "version": v}), 409)
    problem(api.patch(f"/claims/{a['id']}", json={"end": a["end"] - 2, "version": v}), 409)
    assert snapshot() == before


# -- history --------------------------------------------------------------------------


def test_history_oldest_first(make_user, api_as):
    api = api_as(make_user("reviewer"))
    c = _article(api)["claims"][0]
    v = c["version"]
    v = api.patch(f"/claims/{c['id']}", json={"speaker": "A", "version": v}).get_json()["version"]
    v = api.patch(f"/claims/{c['id']}", json={"statement": "S", "version": v}).get_json()["version"]
    assert (
        api.put(
            f"/claims/{c['id']}/reviews/me", json={"verdict": "unconfirmed", "note": "n"}
        ).status_code
        == 201
    )
    resp = api.get(f"/claims/{c['id']}/history")
    assert resp.status_code == 200
    body = resp.get_json()
    actions = [e["action"] for e in body["items"]]
    assert actions == ["claim.updated", "claim.updated", "review.created"]
    assert body["total"] == 3
    seqs = [e["seq"] for e in body["items"]]
    assert seqs == sorted(seqs)
    assert all(e["created_at"].endswith("Z") for e in body["items"])
