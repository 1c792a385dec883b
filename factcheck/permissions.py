"""Who may do what: one table of small predicates. No Flask.

Services call ``require(actor, Permission.X, obj)`` and are the authority; templates call
``can(...)`` only to decide which buttons to show.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum, auto

from factcheck.errors import PermissionDenied
from factcheck.models import Role


class Permission(Enum):
    IMPORT_ARTICLE = auto()
    EDIT_CLAIMS = auto()
    REVIEW_CLAIM = auto()
    SEE_ALL_REVIEWS = auto()
    APPROVE_CLAIM = auto()
    RETURN_CLAIM = auto()
    REOPEN_CLAIM = auto()
    APPROVE_ARTICLE = auto()
    ASSIGN = auto()
    VIEW_AUDIT = auto()
    VERIFY_AUDIT = auto()
    MANAGE_USERS = auto()
    MANAGE_WEBHOOKS = auto()
    EXPORT = auto()


Predicate = Callable[[object, object], bool]


def _rule(message: str):
    def wrap(fn: Predicate) -> Predicate:
        fn.message = message  # type: ignore[attr-defined]
        return fn

    return wrap


@_rule("your account is not active")
def is_active(actor, obj=None) -> bool:
    """An active, signed-in account."""
    return bool(actor is not None and getattr(actor, "is_authenticated", False) and actor.active)


@_rule("only reviewers, leads and admins may do this")
def is_reviewer(actor, obj=None) -> bool:
    """Any role: reviewer, lead or admin."""
    return actor.has_role(Role.REVIEWER)


@_rule("only a lead or an admin may do this")
def is_lead(actor, obj=None) -> bool:
    """Lead or admin."""
    return actor.has_role(Role.LEAD)


@_rule("only an admin may do this")
def is_admin(actor, obj=None) -> bool:
    """Admin only."""
    return actor.has_role(Role.ADMIN)


RULES: dict[Permission, list[Predicate]] = {
    Permission.IMPORT_ARTICLE: [is_active, is_reviewer],
    Permission.EDIT_CLAIMS: [is_active, is_reviewer],
    Permission.REVIEW_CLAIM: [is_active, is_reviewer],
    Permission.EXPORT: [is_active],
    Permission.SEE_ALL_REVIEWS: [is_active, is_lead],
    Permission.APPROVE_CLAIM: [is_active, is_lead],
    Permission.RETURN_CLAIM: [is_active, is_lead],
    Permission.REOPEN_CLAIM: [is_active, is_lead],
    Permission.APPROVE_ARTICLE: [is_active, is_lead],
    Permission.ASSIGN: [is_active, is_lead],
    Permission.VIEW_AUDIT: [is_active, is_lead],
    Permission.VERIFY_AUDIT: [is_active, is_admin],
    Permission.MANAGE_USERS: [is_active, is_admin],
    Permission.MANAGE_WEBHOOKS: [is_active, is_admin],
}


def can(actor, permission: Permission, obj=None) -> bool:
    """True when every predicate of the permission holds."""
    return all(pred(actor, obj) for pred in RULES[permission])


def require(actor, permission: Permission, obj=None) -> None:
    """Raise PermissionDenied naming the first predicate that fails."""
    for pred in RULES[permission]:
        if not pred(actor, obj):
            raise PermissionDenied(pred.message)  # type: ignore[attr-defined]
