"""A notice in words and its link: one place for the inbox, the API and the e-mail.

The words are built when shown, in the reader's language (the e-mail: the recipient's
saved language, else the desk's default); the notice row keeps only who, what and where.
None of them carries a verdict (blind review, services/notifications.py).
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from factcheck.models import NoticeKind, Notification

KIND_LABELS = {
    NoticeKind.ASSIGNED: _l("Assigned to you"),
    NoticeKind.RETURNED: _l("Returned to you"),
    NoticeKind.AWAITING_APPROVAL: _l("Awaiting your approval"),
    NoticeKind.CONFLICT: _l("The reviews disagree"),
    NoticeKind.DUE_TOMORROW: _l("Due tomorrow"),
    NoticeKind.NEW_VERSION: _l("A new version of an article you reviewed"),
    NoticeKind.MENTIONED: _l("You were mentioned"),
}


def kind_label(kind) -> str:
    return str(KIND_LABELS[NoticeKind(kind)])


def _where(n: Notification) -> dict[str, str]:
    title = n.article.title if n.article is not None else _("a deleted article")
    seq = n.claim.number if n.claim is not None else None  # the number the desk sees, kept
    return {"title": title, "seq": str(seq) if seq else "", "who": _who(n)}


def _who(n: Notification) -> str:
    return n.actor.display_name if n.actor is not None else _("The desk")


def describe(n: Notification) -> str:
    """One sentence: what happened, by whom, on which claim of which article."""
    w = _where(n)
    on_claim = bool(w["seq"])
    kind = NoticeKind(n.kind)
    if kind == NoticeKind.ASSIGNED:
        if on_claim:
            return _("%(who)s assigned you claim %(seq)s of “%(title)s”.", **w)
        return _("%(who)s assigned you “%(title)s”.", **w)
    if kind == NoticeKind.RETURNED:
        return _("%(who)s returned claim %(seq)s of “%(title)s” to you.", **w)
    if kind == NoticeKind.AWAITING_APPROVAL:
        return _("Claim %(seq)s of “%(title)s” is reviewed and awaits your approval.", **w)
    if kind == NoticeKind.CONFLICT:
        return _("The reviews of claim %(seq)s of “%(title)s” disagree.", **w)
    if kind == NoticeKind.DUE_TOMORROW:
        if on_claim:
            return _("Claim %(seq)s of “%(title)s”, assigned to you, is due tomorrow.", **w)
        return _("“%(title)s”, assigned to you, is due tomorrow.", **w)
    if kind == NoticeKind.NEW_VERSION:
        return _("%(who)s imported a new version of “%(title)s”, which you reviewed.", **w)
    if on_claim:
        return _("%(who)s mentioned you on claim %(seq)s of “%(title)s”.", **w)
    return _("%(who)s mentioned you on “%(title)s”.", **w)


def link_path(n: Notification) -> str | None:
    """Straight to the claim in the workspace (``/articles/<id>?claim=<cid>#panel``), else the
    article; None when the article is gone."""
    if n.article_id is None:
        return None
    if n.claim_id is not None:
        return f"/articles/{n.article_id}?claim={n.claim_id}#panel"
    return f"/articles/{n.article_id}"
