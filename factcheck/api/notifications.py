"""The caller's inbox: notices, mark read, and which kinds come by e-mail."""

from __future__ import annotations

from typing import Annotated, Literal

from flask import jsonify
from pydantic import Field

from factcheck.api.contract import answer, route
from factcheck.api.fields import doc
from factcheck.api.requests import Body, Paging
from factcheck.api.responses import Out, Page, Time
from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.jobs.notice_text import describe, link_path
from factcheck.models import NoticeKind, iso
from factcheck.services import notifications
from factcheck.web.auth import current_actor

Kind = Literal[tuple(k.value for k in NoticeKind)]


class NoticeList(Paging):
    unread: bool = Field(False, description="only the unread notices")


class EmailNotices(Body):
    kinds: Annotated[list[Kind], doc(maxItems=len(NoticeKind))]


class Notice(Out):
    id: int
    kind: Kind
    text: str = Field(description="what happened, in plain words (never a review's verdict)")
    comment: str | None = Field(description="the actor's words: a return comment, a mention")
    actor_id: int | None
    actor: str | None
    article_id: int | None
    claim_id: int | None
    link: str | None = Field(description="the page it is about: /articles/{id}?claim={cid}#panel")
    created_at: Time
    read_at: Time
    emailed_at: Time


class NoticePage(Page):
    items: list[Notice]
    unread: int = Field(description="the caller's unread notices, whatever the page")


class Marked(Out):
    marked: int


class EmailKinds(Out):
    kinds: list[Kind]


def notice_json(n) -> dict:
    return {"id": n.id, "kind": n.kind.value, "text": describe(n), "comment": n.text,
            "actor_id": n.actor_id, "actor": n.actor.display_name if n.actor else None,
            "article_id": n.article_id, "claim_id": n.claim_id, "link": link_path(n),
            "created_at": iso(n.created_at), "read_at": iso(n.read_at),
            "emailed_at": iso(n.emailed_at)}  # fmt: skip


@route("GET", "/notifications", summary="The caller's notices, newest first", query=NoticeList,
       ok=answer(NoticePage))  # fmt: skip
def list_notifications(query: NoticeList):
    actor = current_actor()
    items, total = notifications.list_notifications(db.session, actor, page=query.page,
                                                    per_page=query.per_page, unread_only=query.unread)  # fmt: skip
    return jsonify({"items": [notice_json(n) for n in items], "page": query.page,
                    "per_page": query.per_page, "total": total,
                    "unread": notifications.unread_count(db.session, actor)})  # fmt: skip


@route("POST", "/notifications/<int:notification_id>/read", summary="Mark one of the caller's notices read",
       ok=answer(Notice))  # fmt: skip
def mark_notification_read(notification_id: int):
    with transaction() as s:
        notice = notifications.mark_read(s, actor=current_actor(), notification_id=notification_id)
        result = notice_json(notice)
    return jsonify(result)


@route("POST", "/notifications/read-all", summary="Mark every notice of the caller read",
       ok=answer(Marked))  # fmt: skip
def mark_all_notifications_read():
    with transaction() as s:
        n = notifications.mark_all_read(s, actor=current_actor())
    return jsonify({"marked": n})


@route("GET", "/me/email-notices", summary="The notice kinds the caller gets by e-mail",
       ok=answer(EmailKinds))  # fmt: skip
def read_email_notices():
    kinds = notifications.email_kinds(current_actor())
    return jsonify({"kinds": [k.value for k in NoticeKind if k.value in kinds]})


@route("PUT", "/me/email-notices", summary="Choose the notice kinds the caller gets by e-mail",
       body=EmailNotices, ok=answer(EmailKinds))  # fmt: skip
def set_email_notices(body: EmailNotices):
    with transaction() as s:
        user = notifications.set_email_notices(s, actor=current_actor(), kinds=list(body.kinds))
        kinds = list(user.email_notices or [])
    return jsonify({"kinds": kinds})
