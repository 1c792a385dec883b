"""The diff between versions: claims grouped by their net outcome, the text marked by word."""

from __future__ import annotations

import pytest
from version_helpers import V1, V2, build_three, new_version

from factcheck.database import transaction
from factcheck.errors import InvalidInput, NotFound
from factcheck.extensions import db
from factcheck.services import claims, version_diff


@pytest.fixture
def three(make_article, make_user):
    return build_three(make_article, make_user)


def _groups(diff):
    return {g: sorted(c.claim_id for c in items) for g, items in diff.groups.items()}


def test_one_correction_groups_each_claim(three):
    article_id, ids, user = three
    diff = version_diff.diff_versions(db.session, actor=user, article_id=article_id, a=1, b=2)
    assert _groups(diff) == {"edited": [ids["roads"]], "moved": sorted([ids["vote was"], ids["council approved"]]),
                             "orphaned": [ids["Opponents"]], "new": [ids["mayor promised"]],
                             "unchanged": [ids["approves budget"]]}  # fmt: skip
    edited = diff.groups["edited"][0]
    assert "12%" in edited.old_text and "15%" in edited.new_text
    assert edited.number is not None
    orphan = diff.groups["orphaned"][0]
    assert orphan.version == 2 and orphan.new_text is None and "Opponents" in orphan.old_text
    pieces = [(p.op, p.text) for b in diff.text.blocks for p in b.pieces]
    assert ("del", "12") in pieces and ("ins", "15") in pieces  # the word, not the paragraph
    assert any(op == "del" and "Opponents said" in t for op, t in pieces)


def test_default_is_previous_to_current_and_several_steps_are_net(three):
    article_id, ids, user = three
    diff = version_diff.diff_versions(db.session, actor=user, article_id=article_id)
    assert (diff.a, diff.b, diff.versions) == (2, 3, [1, 2, 3])
    assert _groups(diff)["orphaned"] == [ids["mayor promised"]]
    assert _groups(diff)["new"] == [ids["Taxes"]]
    assert _groups(diff)["unchanged"] == sorted(
        [ids["approves budget"], ids["council approved"], ids["vote was"]]
    )
    diff = version_diff.diff_versions(db.session, actor=user, article_id=article_id, a=1, b=3)
    # "mayor promised" came in version 2 and left in 3: in neither version, in no group
    assert _groups(diff) == {"edited": [ids["roads"]], "moved": sorted([ids["vote was"], ids["council approved"]]),
                             "orphaned": [ids["Opponents"]], "new": [ids["Taxes"]],
                             "unchanged": [ids["approves budget"]]}  # fmt: skip
    edited = diff.groups["edited"][0]
    assert "12%" in edited.old_text and "18%" in edited.new_text
    same = version_diff.diff_versions(db.session, actor=user, article_id=article_id, a=2, b=2)
    assert same.text.identical and not any(same.groups.values())


@pytest.mark.parametrize(
    ("a", "b", "error"), [(0, 2, NotFound), (1, 9, NotFound), (3, 1, InvalidInput)]
)
def test_bad_version_numbers(three, a, b, error):
    article_id, _ids, user = three
    with pytest.raises(error):
        version_diff.diff_versions(db.session, actor=user, article_id=article_id, a=a, b=b)
    with pytest.raises(NotFound):
        version_diff.diff_versions(db.session, actor=user, article_id=article_id + 99, a=1, b=2)


def test_a_claim_split_by_hand_belongs_to_the_version_then(make_article, make_user):

    user = make_user("reviewer")
    article = make_article(text=V1, actor=user)
    new_version(user, article.id, V2)
    db.session.expire_all()
    council = next(
        c for c in db.session.get(type(article), article.id).claims if "council approved" in c.text
    )
    with transaction() as s:  # "The council approved … Tuesday," | "Mayor Ann Lee said."
        at = council.start + council.text.index("Mayor")
        _left, right = claims.split_claim(
            s, actor=user, claim_id=council.id, at=at, version=council.version
        )
        right_id = right.id
    diff = version_diff.diff_versions(db.session, actor=user, article_id=article.id, a=1, b=2)
    new = {c.claim_id: c for c in diff.groups["new"]}
    assert right_id in new and new[right_id].version is None  # by hand, not by the correction
    moved = {c.claim_id: c for c in diff.groups["moved"]}
    assert council.id in moved and "Mayor Ann Lee" in moved[council.id].new_text  # as v2 placed it
