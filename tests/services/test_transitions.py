"""The claim's and the article's transitions tables, and the rule that only they move a status."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest

from factcheck.errors import InvalidTransition
from factcheck.models import Article, ArticleAction, ArticleStatus, Claim, ClaimAction, ClaimStatus
from factcheck.models.transitions import (
    ARTICLE_TRANSITIONS,
    CLAIM_TRANSITIONS,
    allows,
    next_article_status,
    next_status,
    statuses_allowing,
)

PKG = Path(__file__).resolve().parents[2] / "factcheck"
OP, RV, AP, RT, EX = (ClaimStatus.OPEN, ClaimStatus.REVIEWED, ClaimStatus.APPROVED,
                     ClaimStatus.RETURNED, ClaimStatus.EXCLUDED)  # fmt: skip

# The whole table, spelled out: from-status -> {action: to-status}.
EXPECTED = {
    OP: {"review": RV, "exclude": EX, "orphan": EX},
    RV: {"review": RV, "approve": AP, "return": RT, "exclude": EX, "correct": RT, "orphan": EX},
    RT: {"review": RV, "approve": AP, "exclude": EX, "correct": RT, "orphan": EX},
    AP: {"reopen": RV, "correct": RT, "orphan": EX},
    EX: {"include": OP, "include_reviewed": RV, "restore_returned": RT, "orphan": EX},
}


@pytest.mark.parametrize(
    ("status", "action"), list(itertools.product(ClaimStatus, ClaimAction)), ids=str
)
def test_every_pair_of_the_claim_table(status, action):
    expected = EXPECTED[status].get(action.value)
    assert allows(status, action) is (expected is not None)
    if expected is None:
        with pytest.raises(InvalidTransition, match=f"claim 7 is {status.value}"):
            next_status(status, action, claim_id=7)
    else:
        assert next_status(status, action) is expected


def test_the_table_has_nothing_else():
    spelled = {(s, ClaimAction(a)): t for s, row in EXPECTED.items() for a, t in row.items()}
    assert spelled == CLAIM_TRANSITIONS


def test_every_status_is_reachable_and_left():
    targets = set(CLAIM_TRANSITIONS.values())
    sources = {s for s, _a in CLAIM_TRANSITIONS}
    assert targets | {OP} == set(ClaimStatus) and sources == set(ClaimStatus)


def test_statuses_allowing_reads_the_table():
    assert statuses_allowing(ClaimAction.APPROVE) == {RV, RT}
    assert statuses_allowing(ClaimAction.REVIEW) == {OP, RV, RT}  # not approved, not excluded


def test_refusals_say_what_the_action_needs():
    with pytest.raises(InvalidTransition, match="only a reviewed claim can be approved"):
        next_status(OP, ClaimAction.APPROVE)
    with pytest.raises(InvalidTransition, match="must reopen"):
        next_status(AP, ClaimAction.REVIEW)


def test_claim_transition_moves_the_model():
    claim = Claim(id=3, status=ClaimStatus.REVIEWED)
    assert claim.transition(ClaimAction.RETURN) is RT and claim.status is RT
    with pytest.raises(InvalidTransition, match="claim 3 is returned"):
        claim.transition(ClaimAction.REOPEN)
    assert claim.status is RT  # a refused transition changes nothing


def test_article_table():
    D, IR, A = ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW, ArticleStatus.APPROVED
    assert ARTICLE_TRANSITIONS == {
        (D, ArticleAction.START_REVIEW): IR,
        (D, ArticleAction.APPROVE): A,
        (IR, ArticleAction.APPROVE): A,
        (A, ArticleAction.REOPEN): IR,
    }
    article = Article(id=5, status=A)
    with pytest.raises(InvalidTransition, match="article 5 is approved"):
        article.transition(ArticleAction.APPROVE)
    assert next_article_status(IR, ArticleAction.APPROVE) is A


def _status_assignments(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    bad = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = [t for tgt in node.targets for t in getattr(tgt, "elts", [tgt])]
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Attribute) and target.attr == "status":
                bad.append(f"{path.name}:{node.lineno} {ast.unparse(target)} = …")
    return bad


def test_no_service_assigns_a_status():
    """Statuses move only through the transitions tables (Claim/Article.transition)."""
    bad = [line for path in sorted((PKG / "services").glob("*.py"))
           if path.name not in {"webhooks.py", "render_requests.py"}  # delivery state: not ours
           for line in _status_assignments(path)]  # fmt: skip
    assert not bad, "\n".join(bad)


def test_the_checker_sees_an_assignment(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("claim.status, x = 'approved', 1\n")
    assert _status_assignments(probe)
