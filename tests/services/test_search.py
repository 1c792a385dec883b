"""Search over claims: what is found (text, statement, speaker, notes, accents), the filters,
the pages, hostile words, and blind review (no other reviewer's note leaks, counts included)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from factcheck.database import transaction
from factcheck.errors import InvalidInput
from factcheck.extensions import db
from factcheck.models import Claim, Review
from factcheck.services import approvals, claims, reviews, search

TEXT = (
    "The minister said unemployment fell to 3.9% in March. "
    "Exports of wine rose by 12% last year, the ministry reported.\n"
)
SPANISH = "El ministro dijo que la elección costó 40 millones de euros en 2023.\n"
LINK = [{"url": "https://example.org/minutes", "title": "Minutes", "stance": "supports"}]


def _claims(article):
    return db.session.scalars(
        select(Claim).where(Claim.article_id == article.id).order_by(Claim.start)
    ).all()


def _review(user, claim_id, note, verdict="confirmed"):
    with transaction() as s:
        mine = s.scalar(select(Review).where(Review.claim_id == claim_id,
                                             Review.reviewer_id == user.id))  # fmt: skip
        reviews.submit_review(s, actor=user, claim_id=claim_id, verdict=verdict, note=note,
                              links=LINK, version=mine.version if mine else None)  # fmt: skip
    db.session.expire_all()


def _ids(viewer, **kw):
    items, total = search.search_claims(db.session, viewer, **kw)
    return [i["claim_id"] for i in items], total


@pytest.fixture
def desk(make_user, make_article):
    reviewer, other, lead = make_user("reviewer"), make_user("reviewer"), make_user("lead")
    article = make_article(TEXT, actor=reviewer, title="Jobs and wine", language="en")
    spanish = make_article(SPANISH, actor=reviewer, title="La elección", language="es")
    first, second = _claims(article)[:2]
    return {"reviewer": reviewer, "other": other, "lead": lead, "article": article,
            "spanish": spanish, "first": first, "second": second,
            "es": _claims(spanish)[0]}  # fmt: skip


def test_finds_claims_by_their_text_with_snippet_and_link(desk):
    items, total = search.search_claims(db.session, desk["reviewer"], q="unemployment March")
    assert total == 1 and [i["claim_id"] for i in items] == [desk["first"].id]
    hit = items[0]
    assert hit["link"] == f"/articles/{desk['article'].id}?claim={desk['first'].id}#panel"
    assert hit["number"] == desk["first"].number and hit["article_title"] == "Jobs and wine"
    marked = [hit["snippet"]["text"][s:e] for s, e in hit["snippet"]["highlights"]]
    assert marked == ["unemployment", "March"]


def test_finds_by_statement_and_speaker(desk):
    first = desk["first"]
    with transaction() as s:
        claims.update_claim(s, actor=desk["reviewer"], claim_id=first.id, version=first.version,
                            statement="Joblessness dropped", speaker="Marta Núñez")  # fmt: skip
    assert _ids(desk["lead"], q="joblessness") == ([first.id], 1)
    assert _ids(desk["lead"], q="nunez") == ([first.id], 1)  # speaker, accents folded
    items, _ = search.search_claims(db.session, desk["lead"], q="Marta")
    assert items[0]["snippet"]["field"] == "speaker"


def test_accents_fold_both_ways(desk):
    assert _ids(desk["reviewer"], q="eleccion") == ([desk["es"].id], 1)
    assert _ids(desk["reviewer"], q="ELECCIÓN costo") == ([desk["es"].id], 1)
    items, _ = search.search_claims(db.session, desk["reviewer"], q="eleccion")
    snip = items[0]["snippet"]
    assert [snip["text"][s:e] for s, e in snip["highlights"]] == ["elección"]


def test_every_word_must_match(desk):
    assert _ids(desk["reviewer"], q="wine unemployment") == ([], 0)


def test_finds_by_own_note_and_follows_note_changes(desk):
    _review(desk["reviewer"], desk["second"].id, "Checked against the customs ledger")
    assert _ids(desk["reviewer"], q="ledger") == ([desk["second"].id], 1)
    _review(desk["reviewer"], desk["second"].id, "Checked against the harbour tally")
    assert _ids(desk["reviewer"], q="ledger") == ([], 0)
    assert _ids(desk["reviewer"], q="tally") == ([desk["second"].id], 1)
    items, _ = search.search_claims(db.session, desk["reviewer"], q="tally")
    assert items[0]["snippet"]["field"] == "note"


def test_blind_review_no_leak_through_results_counts_or_snippets(desk):
    """Another reviewer's note is invisible to search until the viewer reviews the claim."""
    second = desk["second"]
    _review(desk["other"], second.id, "Suspicious zeppelin figure", verdict="disputed")
    viewer = desk["reviewer"]
    assert _ids(viewer, q="zeppelin") == ([], 0)  # neither a result nor a count
    assert _ids(viewer, q="zeppelin", status="reviewed") == ([], 0)
    # the claim itself is still found by its own words, without the hidden note in the snippet
    items, total = search.search_claims(db.session, viewer, q="exports")
    assert total == 1 and "zeppelin" not in str(items).lower()
    assert _ids(desk["lead"], q="zeppelin") == ([second.id], 1)  # a lead reads every note
    _review(viewer, second.id, "Customs data agree")
    assert _ids(viewer, q="zeppelin") == ([second.id], 1)  # now the viewer may compare


def test_filters(desk, make_user):
    first, second, es = desk["first"], desk["second"], desk["es"]
    lead, reviewer = desk["lead"], desk["reviewer"]
    _review(reviewer, first.id, "ok")
    with transaction() as s:
        approvals.approve_claim(s, actor=lead, claim_id=first.id, verdict="disputed", note="Wrong.",
                                version=s.get(Claim, first.id).version)  # fmt: skip
    assert _ids(lead, status="approved") == ([first.id], 1)
    assert _ids(lead, verdict="disputed") == ([first.id], 1)
    assert _ids(lead, verdict="confirmed") == ([], 0)
    assert set(_ids(lead, language="en")[0]) >= {first.id, second.id}
    assert es.id not in _ids(lead, language="en")[0]
    assert _ids(lead, language="es", q="ministro") == ([es.id], 1)
    assert set(_ids(lead, article_id=desk["article"].id)[0]) == {
        c.id for c in _claims(desk["article"])
    }
    with transaction() as s:
        claims.update_claim(s, actor=reviewer, claim_id=second.id, speaker="The 100% Ministry",
                            version=s.get(Claim, second.id).version)  # fmt: skip
    assert _ids(lead, speaker="100% min") == ([second.id], 1)
    assert _ids(lead, speaker="1_0") == ([], 0)  # LIKE's wildcards are plain characters
    since = desk["spanish"].created_at
    assert es.id in _ids(lead, since=since)[0]
    assert _ids(lead, q="wine", until=desk["article"].created_at.replace(year=2000)) == ([], 0)


def test_pages(make_user, make_article):
    reviewer = make_user("reviewer")
    text = " ".join(f"Item {i} rose {i + 2}% in 2021." for i in range(12)) + "\n"
    make_article(text, actor=reviewer, title="Many")
    first, total = _ids(reviewer, q="rose", per_page=5, page=1)
    second, _ = _ids(reviewer, q="rose", per_page=5, page=2)
    third, _ = _ids(reviewer, q="rose", per_page=5, page=3)
    assert total == 12 and len(first) == len(second) == 5 and len(third) == 2
    assert len(set(first + second + third)) == 12
    assert _ids(reviewer, q="rose", per_page=5, page=9) == ([], 12)


def test_nothing_asked_finds_nothing(desk):
    assert _ids(desk["reviewer"]) == ([], 0)
    assert _ids(desk["reviewer"], q="  ") == ([], 0)


HOSTILE = ['"', '""', "'", "*", "wine*", "NEAR(wine exports)", "wine OR", "AND", "NOT wine",
           "(((", "wine)", "-wine", "col:wine", "text:wine", "^wine", "wine\x00", "\\", "%_",
           "<script>alert(1)</script>", "wine & | ! :*", "'; DROP TABLE claims; --",
           "ünïcödé ☃ 𝔘", "\u202ewine"]  # fmt: skip


FOUND = [
    "wine*",
    "wine)",
    "(wine",
    "-wine",
    '"wine',
    "^wine",
    "wine\x00",
    "wine OR",
    "wine & | ! :*",
]


@pytest.mark.parametrize("q", HOSTILE + FOUND)
def test_hostile_queries_are_plain_words(desk, q):
    """Any text is words to look for: FTS5's and tsquery's syntax never reaches the index."""
    items, total = search.search_claims(db.session, desk["lead"], q=q)
    assert total == len(items)
    if q in FOUND:
        assert [i["claim_id"] for i in items] == [desk["second"].id]


def test_a_long_query_is_refused_clearly(desk):
    with pytest.raises(InvalidInput) as err:
        search.search_claims(db.session, desk["lead"], q="wine " * 2000)
    assert "q" in err.value.errors
    assert _ids(desk["lead"], q=" ".join(["wine"] * 30)) == ([desk["second"].id], 1)


def test_snippet_parts_keep_text_for_escaping():
    parts = search.snippet_parts({"text": "a <b> c", "highlights": [[2, 5]]})
    assert parts == [("a ", False), ("<b>", True), (" c", False)]


# ------------------------------------------------------------------ a word found everywhere


def _rose_article(make_article, actor, n=8, title="Many"):
    text = " ".join(f"Item {i} rose {i + 2}% in 2021." for i in range(n)) + "\n"
    article = make_article(text, actor=actor, title=title)
    return [c.id for c in _claims(article)]


def test_a_common_word_ranks_its_newest_hits_and_says_at_least(make_user, make_article,
                                                               monkeypatch):  # fmt: skip
    """More hits than CANDIDATES in a source: the newest ones are ranked and paged, and the
    total is marked as a lower bound; fewer: every hit, an exact total."""
    monkeypatch.setattr(search, "CANDIDATES", 3)
    reviewer = make_user("reviewer")
    ids = _rose_article(make_article, reviewer)
    found = search.find_claims(db.session, reviewer, q="rose", per_page=10)
    assert not found.exact and found.total == 3
    assert sorted(i["claim_id"] for i in found.items) == sorted(ids)[-3:]  # the newest three
    assert search.find_claims(db.session, reviewer, q="rose", per_page=2, page=2).total == 3
    assert len(search.find_claims(db.session, reviewer, q="rose", per_page=2, page=2).items) == 1
    exact = search.find_claims(db.session, reviewer, q="item 1")  # "Item 1 rose 3% …" alone
    assert exact.exact and exact.total == 1 and exact.items[0]["claim_id"] in ids
    monkeypatch.setattr(search, "CANDIDATES", len(ids))  # as many hits as the bound: exact
    found = search.find_claims(db.session, reviewer, q="rose", per_page=10)
    assert found.exact and found.total == len(ids)


def test_the_bound_counts_only_hits_that_pass_the_filters(make_user, make_article, monkeypatch):
    monkeypatch.setattr(search, "CANDIDATES", 3)
    reviewer = make_user("reviewer")
    older = _rose_article(make_article, reviewer, n=4, title="Older")
    _rose_article(make_article, reviewer, n=5, title="Newer")
    article_id = db.session.get(Claim, older[0]).article_id
    found = search.find_claims(db.session, reviewer, q="rose", article_id=article_id)
    assert not found.exact and found.total == 3
    assert sorted(i["claim_id"] for i in found.items) == older[-3:]


def test_the_bound_never_counts_notes_the_viewer_may_not_read(desk, monkeypatch):
    """Blind review is applied before the bound: another reviewer's notes neither fill the
    candidates nor show in the total."""
    monkeypatch.setattr(search, "CANDIDATES", 1)
    _review(desk["other"], desk["first"].id, "Zeppelin archive")
    _review(desk["other"], desk["second"].id, "Zeppelin minutes")
    _review(desk["reviewer"], desk["second"].id, "Zeppelin, my own note")
    found = search.find_claims(db.session, desk["reviewer"], q="zeppelin")
    # its own note, and (having now reviewed the second claim) the other's note there: one
    # claim; the first claim's note by the other reviewer stays unread
    assert [i["claim_id"] for i in found.items] == [desk["second"].id]
    assert found.total == 1 and not found.exact  # the notes were more than the bound
    assert "archive" not in str(found.items)
    lead = search.find_claims(db.session, desk["lead"], q="zeppelin")
    assert lead.total == 1 and not lead.exact  # the newest note only (bound 1)


def test_ranking_among_the_candidates_puts_the_best_match_first(make_user, make_article,
                                                                monkeypatch):  # fmt: skip
    monkeypatch.setattr(search, "CANDIDATES", 3)
    reviewer = make_user("reviewer")
    text = ("Wages rose in May. Prices rose and rose again, and rents rose in June. "
            "Exports rose a little. Imports rose too.\n")  # fmt: skip
    ids = [c.id for c in _claims(make_article(text, actor=reviewer, title="Rising"))]
    found = search.find_claims(db.session, reviewer, q="rose")
    assert not found.exact
    got = [i["claim_id"] for i in found.items]
    assert set(got) == set(ids[-3:]) and got[0] == ids[1]  # three "rose": ranked first
