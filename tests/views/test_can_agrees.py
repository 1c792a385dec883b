"""The page, the API and the service agree on every permission that depends on the object.

One table: for each action a service guards with ``require(actor, Permission.X, obj)``,
the claim (or article) states and roles in which it is allowed. Every (action, state,
role) row builds that state, then asks the three: does the page show the form, does the
service accept the call (in a transaction rolled back) or refuse it with PermissionDenied
or InvalidTransition, does the API answer 2xx or 403/409. All three must match the table.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest

from factcheck.database import transaction
from factcheck.errors import InvalidTransition, PermissionDenied
from factcheck.extensions import db
from factcheck.models import Article, Claim
from factcheck.services import approvals, articles, blind, claims, reviews, versions
from factcheck.services.sources import Source

TEXT = "Prices rose 5% in 2021, the bank said. Unemployment fell to 3.9% in March. Exports doubled since 2019.\n"
# A correction that adds a sentence: it leaves the approved claims of a settled article as
# they are (one that edits an approved claim is refused: tests/hostile/test_integrity_lock.py).
CORRECTED = TEXT + "Imports fell 2% in 2022.\n"
LINK = {"url": "https://example.org/x", "title": "X", "stance": "supports"}
ROLES = ("reviewer", "lead", "admin")
EVERYONE, LEADS = set(ROLES), {"lead", "admin"}

# Claim states: open, reviewed (by someone else), returned, approved, excluded, "mine"
# (reviewed by the actor alone: four-eyes), "locked" (an approved claim of an approved article).
CLAIM_STATES = ("open", "reviewed", "returned", "approved", "excluded", "mine", "locked")
IN_REVIEW = {"open", "reviewed", "returned", "mine"}

# action: (states where allowed, roles allowed)
CLAIM_TABLE = {
    "review": (IN_REVIEW, EVERYONE),
    "approve": ({"reviewed", "returned"}, LEADS),  # "mine": four-eyes
    "return": ({"reviewed", "mine"}, LEADS),
    "reopen": ({"approved", "locked"}, LEADS),
    "edit": (IN_REVIEW | {"excluded"}, EVERYONE),
    "split": ({"open"}, EVERYONE),
    "merge": ({"open"}, EVERYONE),
    "exclude": (IN_REVIEW, EVERYONE),
    "include": ({"excluded"}, EVERYONE),
}
ARTICLE_STATES = ("in_review", "settled", "approved")  # settled: every claim approved
ARTICLE_TABLE = {
    "add_claim": ({"in_review", "settled"}, EVERYONE),
    "import_version": ({"in_review", "settled"}, EVERYONE),
    "approve_article": ({"settled"}, LEADS),
}


@dataclass
class World:
    me: object
    claim: Claim | None = None
    neighbour: Claim | None = None
    article: Article | None = None
    gap: tuple[int, int] | None = None


def _review(actor, claim_id):
    with transaction() as s:
        reviews.submit_review(s, actor=actor, claim_id=claim_id, verdict="confirmed", links=[LINK])


def _approve(lead, claim_id):
    with transaction() as s:
        approvals.approve_claim(s, actor=lead, claim_id=claim_id, verdict="confirmed", note="",
                                version=s.get(Claim, claim_id).version)  # fmt: skip


def _claim_world(make_user, make_article, role, state) -> World:
    helper, lead2, me = make_user("reviewer"), make_user("lead"), make_user(role)
    article = make_article(text=TEXT, actor=helper)
    target, neighbour = (c.id for c in article.claims[:2])
    if state in ("reviewed", "returned", "approved", "locked"):
        _review(helper, target)
    if state == "mine":
        _review(me, target)
    if state == "returned":
        with transaction() as s:
            approvals.return_claim(s, actor=lead2, claim_id=target, comment="why?",
                                   version=s.get(Claim, target).version)  # fmt: skip
    if state in ("approved", "locked"):
        _approve(lead2, target)
    if state == "excluded":
        with transaction() as s:
            claims.exclude_claim(s, actor=helper, claim_id=target, reason="opinion",
                                 version=s.get(Claim, target).version)  # fmt: skip
    if state == "locked":
        for other in [c.id for c in article.claims[1:]]:
            _review(helper, other)
            _approve(lead2, other)
        with transaction() as s:
            articles.approve_article(s, actor=lead2, article_id=article.id,
                                     version=s.get(Article, article.id).version)  # fmt: skip
    db.session.expire_all()
    return World(me, db.session.get(Claim, target), db.session.get(Claim, neighbour))


def _article_world(make_user, make_article, role, state) -> World:
    helper, lead2, me = make_user("reviewer"), make_user("lead"), make_user(role)
    article = make_article(text=TEXT, actor=helper)
    last = article.claims[-1]
    gap = (last.start + 8, last.end)
    with transaction() as s:  # shrink the last claim: the rest of its sentence is a gap
        claims.update_claim(s, actor=helper, claim_id=last.id, version=last.version,
                            start=last.start, end=last.start + 7)  # fmt: skip
    if state in ("settled", "approved"):
        for claim_id in [c.id for c in article.claims]:
            _review(helper, claim_id)
            _approve(lead2, claim_id)
    if state == "approved":
        with transaction() as s:
            articles.approve_article(s, actor=lead2, article_id=article.id,
                                     version=s.get(Article, article.id).version)  # fmt: skip
    db.session.expire_all()
    return World(me, article=db.session.get(Article, article.id), gap=gap)


# --------------------------------------------------------------------- the three askers


def _own_version(w: World):
    own = reviews.get_own_review(db.session, w.claim.id, w.me.id)
    return own.version if own else None


def _service(w: World, action: str):
    """The service call of an action, on a claim or an article (never committed)."""
    c, a, me = w.claim, w.article, w.me
    cv = blind.seen_version(me, c) if c is not None else None  # the version `me` was shown
    calls = {
        "review": lambda s: reviews.submit_review(s, actor=me, claim_id=c.id, verdict="confirmed",
                                                  links=[LINK], version=_own_version(w)),
        "approve": lambda s: approvals.approve_claim(s, actor=me, claim_id=c.id, verdict="confirmed",
                                                     note="checked", version=cv),
        "return": lambda s: approvals.return_claim(s, actor=me, claim_id=c.id, comment="why?", version=cv),
        "reopen": lambda s: approvals.reopen_claim(s, actor=me, claim_id=c.id, reason="new facts", version=cv),
        "edit": lambda s: claims.update_claim(s, actor=me, claim_id=c.id, version=cv, speaker="Someone"),
        "split": lambda s: claims.split_claim(s, actor=me, claim_id=c.id, at=c.start + 6, version=cv),
        "merge": lambda s: claims.merge_claims(s, actor=me, claim_id=c.id, with_id=w.neighbour.id, version=cv),
        "exclude": lambda s: claims.exclude_claim(s, actor=me, claim_id=c.id, reason="opinion", version=cv),
        "include": lambda s: claims.include_claim(s, actor=me, claim_id=c.id, version=cv),
        "add_claim": lambda s: claims.add_claim(s, actor=me, article_id=a.id, start=w.gap[0], end=w.gap[1]),
        "import_version": lambda s: versions.import_new_version(
            s, actor=me, article_id=a.id, version=a.version,
            source=Source(text=CORRECTED, raw=CORRECTED, kind="text")),
        "approve_article": lambda s: articles.approve_article(s, actor=me, article_id=a.id, version=a.version),
    }  # fmt: skip
    return calls[action]


class _Undo(Exception):
    """Raised inside the unit of work to roll back an accepted call."""


def service_allows(w: World, action: str) -> bool:
    call = _service(w, action)
    db.session.rollback()  # a fresh snapshot: the page's request committed since
    try:
        with transaction() as s:
            call(s)
            raise _Undo
    except _Undo:
        return True
    except (PermissionDenied, InvalidTransition):
        return False


MARKERS = {  # what the page shows when the action is offered
    "review": "/claims/{c}/review", "approve": "/claims/{c}/approve", "return": "/claims/{c}/return",
    "reopen": "/claims/{c}/reopen", "edit": "/claims/{c}/edit", "split": "/claims/{c}/split",
    "merge": 'class="inline merge-next"', "exclude": "/claims/{c}/exclude",
    "include": "/claims/{c}/include", "add_claim": "/articles/{a}/claims\"",
    "import_version": "/articles/{a}/versions", "approve_article": "/articles/{a}/approve",
}  # fmt: skip


def page_offers(html: str, w: World, action: str) -> bool:
    marker = MARKERS[action].format(
        c=getattr(w.claim, "id", None), a=getattr(w.article, "id", None)
    )
    return f'action="{marker}' in html if marker.startswith("/") else marker in html


def _page(client, w: World) -> str:
    path = f"/claims/{w.claim.id}" if w.claim is not None else f"/articles/{w.article.id}"
    resp = client.get(path)
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def api_allows(api, w: World, action: str) -> bool | None:
    c, a = w.claim, w.article
    requests = {
        "review": ("PUT", f"/claims/{getattr(c, 'id', 0)}/reviews/me",
                   {"verdict": "confirmed", "links": [LINK], **({"version": _own_version(w)} if c and _own_version(w) else {})}),
        "approve": ("POST", f"/claims/{getattr(c, 'id', 0)}/approve", {"verdict": "confirmed", "note": "checked"}),
        "return": ("POST", f"/claims/{getattr(c, 'id', 0)}/return", {"comment": "why?"}),
        "reopen": ("POST", f"/claims/{getattr(c, 'id', 0)}/reopen", {"reason": "new facts"}),
        "edit": ("PATCH", f"/claims/{getattr(c, 'id', 0)}", {"speaker": "Someone"}),
        "split": ("POST", f"/claims/{getattr(c, 'id', 0)}/split", {"at": c.start + 6 if c else 0}),
        "merge": ("POST", f"/claims/{getattr(c, 'id', 0)}/merge", {"with": getattr(w.neighbour, "id", 0)}),
        "exclude": ("POST", f"/claims/{getattr(c, 'id', 0)}/exclude", {"reason": "opinion"}),
        "add_claim": ("POST", f"/articles/{getattr(a, 'id', 0)}/claims",
                      {"start": w.gap[0], "end": w.gap[1]} if w.gap else {}),
        "import_version": ("POST", f"/articles/{getattr(a, 'id', 0)}/versions", {"text": CORRECTED}),
        "approve_article": ("POST", f"/articles/{getattr(a, 'id', 0)}/approve", {}),
    }  # fmt: skip
    if action not in requests:
        return None  # no API for it (bringing a claim back is a page action)
    method, path, body = requests[action]
    obj = c if c is not None else a
    if action not in ("review", "add_claim"):  # changes to an existing object carry its version
        # as the caller was shown it (blind review: another's review steps a claim's version
        # only for those who may see that review)
        shown = api("GET", f"/claims/{c.id}").get_json()["version"] if c is not None else None
        body = {**body, "version": shown if shown is not None else obj.version}
    resp = api(method, path, json=body)
    assert resp.status_code in (200, 201, 403, 409), (resp.status_code, resp.get_json())
    return resp.status_code < 300


def _expected(action, state, role) -> bool:
    states, roles = (CLAIM_TABLE | ARTICLE_TABLE)[action]
    return state in states and role in roles


GROUPS = [
    *((CLAIM_TABLE, s, r) for s, r in itertools.product(CLAIM_STATES, ROLES)),
    *((ARTICLE_TABLE, s, r) for s, r in itertools.product(ARTICLE_STATES, ROLES)),
]


@pytest.mark.parametrize(
    ("table", "state", "role"),
    GROUPS,
    ids=[f"{'claim' if t is CLAIM_TABLE else 'article'}-{s}-{r}" for t, s, r in GROUPS],
)
def test_page_service_and_api_refusals_agree(
    app, make_user, make_article, client_for, api_as, snapshot, table, state, role
):
    """Every action on one object in one state, as one role: the page offers it exactly when
    the service accepts it, and where it does not, the API refuses it and changes nothing."""
    build = _claim_world if table is CLAIM_TABLE else _article_world
    w = build(make_user, make_article, role, state)
    html, api = _page(client_for(w.me), w), api_as(w.me)
    before, wrong = snapshot(), []
    for action in table:
        expected = _expected(action, state, role)
        got = {"page": page_offers(html, w, action), "service": service_allows(w, action)}
        if not expected:
            refused = api_allows(api, w, action)
            got |= {"api": refused} if refused is not None else {}
        if got != dict.fromkeys(got, expected):
            wrong.append(f"{action}: expected {expected}, got {got}")
    assert snapshot() == before
    assert not wrong, f"on a {state} object as {role}:\n" + "\n".join(wrong)


API_ALLOWED = [
    (action, state, role)
    for table, states in ((CLAIM_TABLE, CLAIM_STATES), (ARTICLE_TABLE, ARTICLE_STATES))
    for action, state, role in itertools.product(table, states, ("reviewer", "lead"))
    if _expected(action, state, role) and action != "include"  # no API to bring a claim back
]  # admins pass the same predicates as leads: their rows above cover them


@pytest.mark.parametrize(("action", "state", "role"), API_ALLOWED)
def test_the_api_allows_what_the_table_allows(
    app, make_user, make_article, api_as, action, state, role
):
    build = _claim_world if action in CLAIM_TABLE else _article_world
    w = build(make_user, make_article, role, state)
    assert api_allows(api_as(w.me), w, action) is True, f"{action} on a {state} object as {role}"


def test_blind_review_agrees_on_page_and_api(make_user, make_article, client_for, api_as):
    """Others' reviews: hidden from a reviewer until they review, shown to leads, alike."""
    helper, me, lead = make_user("reviewer"), make_user("reviewer"), make_user("lead")
    claim = make_article(text=TEXT, actor=helper).claims[0]
    _review(helper, claim.id)
    for user, sees in ((me, False), (lead, True)):
        page = client_for(user).get(f"/claims/{claim.id}").get_data(as_text=True)
        shown = api_as(user).get(f"/claims/{claim.id}").get_json()
        assert ("hidden until you submit your own" not in page) is sees
        assert (shown["reviews_hidden"] == 0 and len(shown["reviews"]) == 1) is sees
        db.session.expire_all()
        assert (
            len(reviews.visible_reviews(db.session, user, db.session.get(Claim, claim.id))) == 1
        ) is sees
    _review(me, claim.id)
    assert api_as(me).get(f"/claims/{claim.id}").get_json()["reviews_hidden"] == 0
