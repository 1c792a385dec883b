"""Who may do what to which object in which state: one table of small predicates. No Flask.

Services call ``require(actor, Permission.X, obj)`` and are the authority; templates (the
Jinja global ``can``) and the API call ``can(...)`` only to show a button, a form or a
field, so no rule is written twice. A predicate reads the actor and the object (and the
object's loaded relationships); data that is not on the object comes in a small context
object the service builds (``ClaimFacts``). A predicate that fails says why in its
``message``; a role predicate refuses with PermissionDenied (403), a state predicate with
InvalidTransition (409), as the desk always answered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum, auto

from factcheck.errors import N_, InvalidTransition, Msg, PermissionDenied
from factcheck.models import ArticleStatus, ClaimAction, ClaimStatus, Role
from factcheck.models.transitions import SETTLED, allows
from factcheck.settings import settings_of


class Permission(Enum):
    USE_DESK = auto()  # anything at all, once signed in (the two-step policy)
    IMPORT_ARTICLE = auto()
    IMPORT_VERSION = auto()
    ADD_CLAIM = auto()
    UNDO_EDIT = auto()
    UNDO_SPAN_EDIT = auto()  # undo a split, merge or added claim (not an exclusion)
    EDIT_CLAIM = auto()  # speaker and statement
    EDIT_SPAN = auto()  # split, merge, move a boundary
    CHANGE_CLAIM_TEXT = auto()  # a corrected version edits or removes the claim's text
    EXCLUDE_CLAIM = auto()
    INCLUDE_CLAIM = auto()
    REVIEW_CLAIM = auto()
    DECIDE_CLAIMS = auto()  # a lead's desk: the decisions on claims, whatever their state
    SEE_ALL_REVIEWS = auto()
    SEE_OTHER_REVIEWS = auto()  # of one claim (blind review)
    APPROVE_CLAIM = auto()
    RETURN_CLAIM = auto()
    REOPEN_CLAIM = auto()
    APPROVE_ARTICLE = auto()
    ASSIGN = auto()
    VIEW_AUDIT = auto()
    VERIFY_AUDIT = auto()
    MANAGE_USERS = auto()
    MANAGE_ACCOUNT = auto()  # a user's password and tokens: the user, or an admin
    MANAGE_WEBHOOKS = auto()
    EXPORT = auto()
    SET_LANGUAGE = auto()  # the article's language (its claims are split again)
    RECEIVE_NOTICE = auto()  # the desk tells this account things (services/notifications)
    READ_NOTICE = auto()  # a notice in the inbox: the recipient's own, nobody else's
    COMMENT_ON_CLAIM = auto()  # write in a claim's discussion (reading others': SEE_OTHER_REVIEWS)
    EDIT_COMMENT = auto()  # a comment: its author only
    DELETE_COMMENT = auto()  # a comment: its author, or a lead or an admin
    SEE_URL_IMPORT = auto()  # a URL import's job: the person who asked, or a lead or an admin


@dataclass(frozen=True)
class ClaimFacts:
    """What the predicates read of a claim the service did not load as a Claim (the
    review save path reads it with Core; agreement reads only verdict rows)."""

    id: int
    status: ClaimStatus
    article_status: ArticleStatus | None = None
    reviews: list = field(default_factory=list)  # objects with .reviewer_id


@dataclass(frozen=True)
class ArticleFacts:
    """An article and whether work on its claims has begun (review, edit, assignment,
    version): the service counts it from the audit trail, which the article does not hold."""

    article: object
    work_started: bool

    @property
    def id(self):
        return self.article.id

    @property
    def status(self):
        return self.article.status


Predicate = Callable[[object, object], bool]


def _rule(message: str, error: type = PermissionDenied, *, reads_object: bool = False):
    """Give a predicate the message (and error) of its refusal, and whether it reads the object."""

    def wrap(fn: Predicate) -> Predicate:
        fn.message, fn.error, fn.reads_object = message, error, reads_object  # type: ignore[attr-defined]
        return fn

    return wrap


def _state(message: str):
    return _rule(message, InvalidTransition, reads_object=True)


def _article_status(obj):
    if isinstance(obj, ClaimFacts):
        return obj.article_status
    article = getattr(obj, "article", obj)  # a claim's article, or the article itself
    return getattr(article, "status", None)


def _reviews(obj) -> list:
    return list(getattr(obj, "reviews", None) or [])


# ------------------------------------------------------------------ who the actor is


@_rule(N_("your account is not active"))
def is_active(actor, obj=None) -> bool:
    """An active, signed-in account."""
    return bool(actor is not None and getattr(actor, "is_authenticated", False) and actor.active)


@_rule(N_("only reviewers, leads and admins may do this"))
def is_reviewer(actor, obj=None) -> bool:
    """Any role: reviewer, lead or admin."""
    return actor.has_role(Role.REVIEWER)


@_rule(N_("only a lead or an admin may do this"))
def is_lead(actor, obj=None) -> bool:
    """Lead or admin."""
    return actor.has_role(Role.LEAD)


@_rule(N_("only an admin may do this"))
def is_admin(actor, obj=None) -> bool:
    """Admin only."""
    return actor.has_role(Role.ADMIN)


@_rule(N_("only the account itself or an admin may do this"), reads_object=True)
def is_self_or_admin(actor, obj=None) -> bool:
    """The object is the actor's own account (a User, or a row with user_id), or an admin acts."""
    own_id = getattr(obj, "user_id", None) if not hasattr(obj, "email") else obj.id
    mine = own_id is not None and own_id == getattr(actor, "id", None)
    return mine or actor.has_role(Role.ADMIN)


@_rule(N_("this notice is not yours"), reads_object=True)
def is_recipient(actor, obj=None) -> bool:
    """The notice was written for the actor (an admin reads no one else's inbox either)."""
    return getattr(obj, "user_id", None) is not None and obj.user_id == getattr(actor, "id", None)


@_rule(N_("only the author of a comment may change it"), reads_object=True)
def is_comment_author(actor, obj=None) -> bool:
    """The comment was written by the actor."""
    return getattr(obj, "author_id", None) is not None and obj.author_id == getattr(
        actor, "id", None
    )


@_rule(N_("only the author of a comment, a lead or an admin may delete it"), reads_object=True)
def is_comment_author_or_lead(actor, obj=None) -> bool:
    """The comment was written by the actor, or a lead or an admin acts."""
    return is_comment_author(actor, obj) or actor.has_role(Role.LEAD)


@_rule(
    N_("only the person who asked for this import, a lead or an admin may see it"),
    reads_object=True,
)
def is_requester_or_lead(actor, obj=None) -> bool:
    """The actor asked for the import (obj.requested_by_id), or a lead or an admin acts."""
    mine = getattr(obj, "requested_by_id", None) is not None and obj.requested_by_id == getattr(
        actor, "id", None
    )
    return mine or actor.has_role(Role.LEAD)


@_rule(N_("only a lead or an admin may see every review"))
def may_see_all_reviews(actor, obj=None) -> bool:
    """Leads and admins read every review of every claim."""
    return actor.has_role(Role.LEAD)


@_rule(N_("reviews are blind: submit your own review of this claim first"), reads_object=True)
def has_submitted_own_review(actor, obj=None) -> bool:
    """Blind review: the actor has a review of this claim."""
    me = getattr(actor, "id", None)
    return me is not None and any(r.reviewer_id == me for r in _reviews(obj))


@_rule(N_("your role requires two-step sign-in; set it up on your account page"))
def second_factor_satisfied(actor, obj=None) -> bool:
    """The desk's two-step policy: roles in REQUIRE_TOTP_FOR have a second factor on."""
    return actor.role not in settings_of().REQUIRE_TOTP_FOR or bool(
        getattr(actor, "has_totp", False)
    )


def any_of(*predicates: Predicate) -> Predicate:
    """Holds when one of the predicates holds; refuses with the last one's message."""

    @_rule(
        predicates[-1].message,
        predicates[-1].error,  # type: ignore[attr-defined]
        reads_object=any(p.reads_object for p in predicates),
    )  # type: ignore[attr-defined]
    def either(actor, obj=None) -> bool:
        return any(p(actor, obj) for p in predicates)

    either.__doc__ = " or ".join(p.__doc__.rstrip(".") for p in predicates) + "."
    return either


# ------------------------------------------------------------------ the object's state


@_state(N_("an approved article is locked; a lead must reopen one of its claims first"))
def article_not_approved(actor, obj=None) -> bool:
    """The article (or the claim's article) is not approved."""
    return _article_status(obj) != ArticleStatus.APPROVED


@_state(N_("an approved claim is locked; a lead must reopen it first"))
def claim_not_approved(actor, obj=None) -> bool:
    """The claim is not approved (approved claims are locked)."""
    return obj.status != ClaimStatus.APPROVED


@_state(
    N_(
        "it takes no reviews (an approved claim must be reopened by a lead first; an excluded one is out of review)"
    )
)
def claim_accepts_reviews(actor, obj=None) -> bool:
    """The transitions table lets a review move the claim on (not approved, not excluded)."""
    return allows(obj.status, ClaimAction.REVIEW)


@_state(
    N_(
        "its span can no longer change (only an open claim without reviews can be split, merged or moved)"
    )
)
def claim_span_editable(actor, obj=None) -> bool:
    """Unreviewed and in review: span changes would detach reviews from the text they judged."""
    return obj.status == ClaimStatus.OPEN and not _reviews(obj)


@_state(
    N_("review of this article has begun: only a lead can still split, merge or move its claims")
)
def span_open_to_actor(actor, obj=None) -> bool:
    """A reviewer changes spans only while the article is a draft (blind review)."""
    # nobody has reviewed any claim of a draft: whether a claim has a review they may not
    # read yet is never theirs to learn from a refusal; leads read every review
    return may_see_all_reviews(actor) or _article_status(obj) == ArticleStatus.DRAFT


@_state(
    N_("review of this article has begun: only a lead can still undo a split, merge or added claim")
)
def span_undo_open_to_actor(actor, obj=None) -> bool:
    """A reviewer undoes a split, merge or added claim only while the article is a draft."""
    # blind review: once others review, whether those claims took reviews is not theirs to
    # learn from a refusal
    return span_open_to_actor(actor, obj)


@_state(N_("this comment was deleted"))
def comment_not_deleted(actor, obj=None) -> bool:
    """The comment is not deleted (a deleted comment is neither edited nor deleted again)."""
    return getattr(obj, "deleted_at", None) is None


@_state(N_("only a claim in review can be excluded"))
def claim_can_be_excluded(actor, obj=None) -> bool:
    """The transitions table allows excluding the claim."""
    return allows(obj.status, ClaimAction.EXCLUDE)


@_state(N_("only an excluded claim can be brought back into review"))
def claim_is_excluded(actor, obj=None) -> bool:
    """The claim is excluded (and may be brought back)."""
    return allows(obj.status, ClaimAction.INCLUDE)


@_state(N_("only a reviewed claim can be approved"))
def claim_is_reviewed(actor, obj=None) -> bool:
    """The transitions table allows approving the claim (reviewed, or returned)."""
    return allows(obj.status, ClaimAction.APPROVE)


@_state(N_("four-eyes rule: the claim needs a review by someone other than the approving lead"))
def has_review_by_someone_else(actor, obj=None) -> bool:
    """Four-eyes: someone other than the actor reviewed the claim."""
    me = getattr(actor, "id", None)
    return any(r.reviewer_id != me for r in _reviews(obj))


@_state(N_("only a reviewed claim can be returned"))
def claim_can_be_returned(actor, obj=None) -> bool:
    """The transitions table allows returning the claim."""
    return allows(obj.status, ClaimAction.RETURN)


@_state(N_("only an approved claim can be reopened"))
def claim_is_approved(actor, obj=None) -> bool:
    """The transitions table allows reopening the claim."""
    return allows(obj.status, ClaimAction.REOPEN)


@_state(N_("some of its claims are not yet approved or excluded; approve them first"))
def article_claims_settled(actor, obj=None) -> bool:
    """Every claim of the article's current text is approved or excluded."""
    return all(c.status in SETTLED for c in obj.claims)


@_state(
    N_(
        "work on its claims has started (reviews, edits or assignments), and splitting them "
        "again in another language would lose it"
    )
)
def article_work_not_started(actor, obj=None) -> bool:
    """No one has reviewed, edited or assigned the article's claims yet (ArticleFacts)."""
    return getattr(obj, "work_started", True) is False


RULES: dict[Permission, list[Predicate]] = {
    Permission.USE_DESK: [is_active, second_factor_satisfied],
    Permission.IMPORT_ARTICLE: [is_active, is_reviewer],
    Permission.IMPORT_VERSION: [is_active, is_reviewer, article_not_approved],
    Permission.ADD_CLAIM: [is_active, is_reviewer, article_not_approved],
    Permission.UNDO_EDIT: [is_active, is_reviewer, article_not_approved],
    Permission.UNDO_SPAN_EDIT: [is_active, is_reviewer, article_not_approved, span_undo_open_to_actor],
    Permission.EDIT_CLAIM: [is_active, is_reviewer, article_not_approved, claim_not_approved],
    Permission.EDIT_SPAN: [is_active, is_reviewer, article_not_approved, claim_not_approved, span_open_to_actor, claim_span_editable],
    Permission.CHANGE_CLAIM_TEXT: [is_active, is_reviewer, article_not_approved, claim_not_approved],
    Permission.EXCLUDE_CLAIM: [is_active, is_reviewer, article_not_approved, claim_not_approved, claim_can_be_excluded],
    Permission.INCLUDE_CLAIM: [is_active, is_reviewer, article_not_approved, claim_is_excluded],
    Permission.REVIEW_CLAIM: [is_active, is_reviewer, claim_accepts_reviews],
    Permission.DECIDE_CLAIMS: [is_active, is_lead],
    Permission.SEE_ALL_REVIEWS: [is_active, may_see_all_reviews],
    Permission.SEE_OTHER_REVIEWS: [is_active, any_of(may_see_all_reviews, has_submitted_own_review)],
    Permission.APPROVE_CLAIM: [is_active, is_lead, claim_is_reviewed, has_review_by_someone_else],
    Permission.RETURN_CLAIM: [is_active, is_lead, claim_can_be_returned],
    Permission.REOPEN_CLAIM: [is_active, is_lead, claim_is_approved],
    Permission.APPROVE_ARTICLE: [is_active, is_lead, article_not_approved, article_claims_settled],
    Permission.ASSIGN: [is_active, is_lead],
    Permission.VIEW_AUDIT: [is_active, is_lead],
    Permission.VERIFY_AUDIT: [is_active, is_admin],
    Permission.MANAGE_USERS: [is_active, is_admin],
    Permission.MANAGE_ACCOUNT: [is_active, is_self_or_admin],
    Permission.MANAGE_WEBHOOKS: [is_active, is_admin],
    Permission.EXPORT: [is_active],
    Permission.RECEIVE_NOTICE: [is_active],
    Permission.READ_NOTICE: [is_active, is_recipient],
    # Discussion stays open on approved and excluded claims: a comment changes no verdict,
    # and it is how a correction after publication reaches the lead who may reopen.
    Permission.COMMENT_ON_CLAIM: [is_active, is_reviewer],
    Permission.EDIT_COMMENT: [is_active, is_comment_author, comment_not_deleted],
    Permission.DELETE_COMMENT: [is_active, is_comment_author_or_lead, comment_not_deleted],
    Permission.SEE_URL_IMPORT: [is_active, is_requester_or_lead],
    Permission.SET_LANGUAGE: [is_active, is_reviewer, article_not_approved, article_work_not_started],
}  # fmt: skip


def refusal(actor, permission: Permission, obj=None) -> Predicate | None:
    """The first predicate of the permission that fails, or None when it is allowed."""
    for pred in RULES[permission]:
        if not pred(actor, obj):
            return pred
    return None


def can(actor, permission: Permission, obj=None) -> bool:
    """True when every predicate of the permission holds."""
    return refusal(actor, permission, obj) is None


def why_not(actor, permission: Permission, obj=None) -> str | None:
    """Why the permission is refused (the failing predicate's message), or None."""
    pred = refusal(actor, permission, obj)
    return None if pred is None else pred.message  # type: ignore[attr-defined]


def require_actor(actor, permission: Permission) -> None:
    """Check only the predicates about who the actor is (they read no object): a service
    refuses the wrong role before it compares versions, and the object's state after."""
    for pred in RULES[permission]:
        if not pred.reads_object and not pred(actor, None):  # type: ignore[attr-defined]
            raise pred.error(pred.message)  # type: ignore[attr-defined]


def require(actor, permission: Permission, obj=None) -> None:
    """Raise the first failing predicate's error (PermissionDenied or InvalidTransition)."""
    pred = refusal(actor, permission, obj)
    if pred is not None:
        raise pred.error(_detail(pred, obj))  # type: ignore[attr-defined]


def _detail(pred: Predicate, obj) -> Msg:
    """The predicate's message, naming the claim or article it is about (a Msg: the pages
    translate the prefix, the status and the message; the API reads the English)."""
    message = pred.message  # type: ignore[attr-defined]
    if pred.error is PermissionDenied or getattr(obj, "id", None) is None:  # type: ignore[attr-defined]
        return message
    status = getattr(obj, "status", None)
    if obj.__class__.__name__ in ("Article", "ArticleFacts"):
        if status:
            return N_(
                "article %(id)s is %(status)s: %(why)s",
                id=obj.id,
                status=ArticleStatus(status),
                why=message,
            )
        return N_("article %(id)s: %(why)s", id=obj.id, why=message)
    if status:
        return N_(
            "claim %(id)s is %(status)s: %(why)s",
            id=obj.id,
            status=ClaimStatus(status),
            why=message,
        )
    return N_("claim %(id)s: %(why)s", id=obj.id, why=message)
