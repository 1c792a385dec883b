"""The claim's life: one table of (status, action) -> status, and the article's.

Every change of a claim's status goes through ``next_status`` (``Claim.transition``), so
the services, the permission predicates that ask "may this claim still …?" and the tests
read the same table. A pair missing from the table is an invalid transition.
"""

from __future__ import annotations

from enum import StrEnum

from factcheck.errors import N_, InvalidTransition


class ClaimStatus(StrEnum):
    OPEN = "open"  # waiting for (enough) reviews
    REVIEWED = "reviewed"  # enough reviews: waiting for a lead
    APPROVED = "approved"  # a lead set the final verdict: locked
    RETURNED = "returned"  # a lead sent it back to the reviewers with a comment
    EXCLUDED = "excluded"  # out of review (not check-worthy, or its text is gone)


class ClaimAction(StrEnum):
    REVIEW = "review"  # a review is saved and the claim has enough reviews
    APPROVE = "approve"
    RETURN = "return"
    REOPEN = "reopen"
    EXCLUDE = "exclude"
    INCLUDE = "include"  # back into review, with too few reviews
    INCLUDE_REVIEWED = "include_reviewed"  # back into review, with enough reviews
    RESTORE_RETURNED = "restore_returned"  # an undone exclusion of a returned claim
    CORRECT = "correct"  # a corrected version changed its text: review it again
    ORPHAN = "orphan"  # a corrected version removed its text


_S, _A = ClaimStatus, ClaimAction
CLAIM_TRANSITIONS: dict[tuple[ClaimStatus, ClaimAction], ClaimStatus] = {
    (_S.OPEN, _A.REVIEW): _S.REVIEWED,
    (_S.RETURNED, _A.REVIEW): _S.REVIEWED,
    (_S.REVIEWED, _A.REVIEW): _S.REVIEWED,
    (_S.REVIEWED, _A.APPROVE): _S.APPROVED,
    (_S.RETURNED, _A.APPROVE): _S.APPROVED,
    (_S.REVIEWED, _A.RETURN): _S.RETURNED,
    (_S.APPROVED, _A.REOPEN): _S.REVIEWED,
    (_S.OPEN, _A.EXCLUDE): _S.EXCLUDED,
    (_S.REVIEWED, _A.EXCLUDE): _S.EXCLUDED,
    (_S.RETURNED, _A.EXCLUDE): _S.EXCLUDED,
    (_S.EXCLUDED, _A.INCLUDE): _S.OPEN,
    (_S.EXCLUDED, _A.INCLUDE_REVIEWED): _S.REVIEWED,
    (_S.EXCLUDED, _A.RESTORE_RETURNED): _S.RETURNED,
    (_S.REVIEWED, _A.CORRECT): _S.RETURNED,
    (_S.APPROVED, _A.CORRECT): _S.RETURNED,
    (_S.RETURNED, _A.CORRECT): _S.RETURNED,
    **{(status, _A.ORPHAN): _S.EXCLUDED for status in ClaimStatus},
}

# Said when a pair is missing: what the action needs.
_NEEDS = {
    _A.REVIEW: N_("a lead must reopen an approved claim first; an excluded one takes no reviews"),
    _A.APPROVE: N_("only a reviewed claim can be approved"),
    _A.RETURN: N_("only a reviewed claim can be returned"),
    _A.REOPEN: N_("only an approved claim can be reopened"),
    _A.EXCLUDE: N_("only a claim in review can be excluded"),
    _A.INCLUDE: N_("only an excluded claim can be brought back"),
}


# Statuses that need nothing more before the article can be approved.
SETTLED = frozenset({ClaimStatus.APPROVED, ClaimStatus.EXCLUDED})


def allows(status, action: ClaimAction) -> bool:
    """True when the table has a transition for (status, action)."""
    return (ClaimStatus(status), action) in CLAIM_TRANSITIONS


def next_status(status, action: ClaimAction, *, claim_id=None) -> ClaimStatus:
    """The status after `action`, or InvalidTransition naming what the action needs."""
    try:
        return CLAIM_TRANSITIONS[(ClaimStatus(status), action)]
    except KeyError:
        needs = _NEEDS.get(action) or N_(
            "it cannot %(action)s", action=action.value.replace("_", " ")
        )
        if claim_id is None:
            raise InvalidTransition(
                N_("the claim is %(status)s; %(needs)s", status=ClaimStatus(status), needs=needs)
            ) from None
        raise InvalidTransition(N_("claim %(id)s is %(status)s; %(needs)s", id=claim_id,
                                   status=ClaimStatus(status), needs=needs)) from None  # fmt: skip


def statuses_allowing(action: ClaimAction) -> frozenset[ClaimStatus]:
    """Every status from which `action` is a transition."""
    return frozenset(s for s, a in CLAIM_TRANSITIONS if a == action)


class ArticleStatus(StrEnum):
    DRAFT = "draft"  # imported, no review yet
    IN_REVIEW = "in_review"  # at least one review
    APPROVED = "approved"  # every non-excluded claim approved, and a lead approved it


class ArticleAction(StrEnum):
    START_REVIEW = "start_review"  # the first review
    APPROVE = "approve"
    REOPEN = "reopen"  # one of its claims was reopened


ARTICLE_TRANSITIONS: dict[tuple[ArticleStatus, ArticleAction], ArticleStatus] = {
    (ArticleStatus.DRAFT, ArticleAction.START_REVIEW): ArticleStatus.IN_REVIEW,
    (ArticleStatus.DRAFT, ArticleAction.APPROVE): ArticleStatus.APPROVED,  # all excluded
    (ArticleStatus.IN_REVIEW, ArticleAction.APPROVE): ArticleStatus.APPROVED,
    (ArticleStatus.APPROVED, ArticleAction.REOPEN): ArticleStatus.IN_REVIEW,
}


_ARTICLE_VERBS = {ArticleAction.START_REVIEW: N_("start review"), ArticleAction.APPROVE: N_("approve"),
                  ArticleAction.REOPEN: N_("reopen")}  # fmt: skip


def next_article_status(status, action: ArticleAction, *, article_id=None) -> ArticleStatus:
    """The article's status after `action`, or InvalidTransition."""
    try:
        return ARTICLE_TRANSITIONS[(ArticleStatus(status), action)]
    except KeyError:
        raise InvalidTransition(
            N_(
                "article %(id)s is %(status)s; it cannot %(action)s",
                id=article_id,
                status=ArticleStatus(status),
                action=_ARTICLE_VERBS[ArticleAction(action)],
            )
        ) from None
