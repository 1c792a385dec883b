"""A claim's discussion: read the thread, comment, edit or delete one's comment."""

from __future__ import annotations

from flask import jsonify
from pydantic import Field

from factcheck.api.contract import answer, route
from factcheck.api.fields import Text
from factcheck.api.requests import Body
from factcheck.api.responses import Out, Time
from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import iso
from factcheck.services import discussion
from factcheck.services.common import get_claim
from factcheck.text.markup import render_markdown
from factcheck.web.auth import current_actor


class CommentBody(Body):
    body: Text("MAX_COMMENT_CHARS", blank=False, description="Markdown; @handle mentions")


class Comment(Out):
    id: int
    claim_id: int
    author_id: int
    author: str
    body: str | None = Field(description="the Markdown source; null once deleted")
    body_html: str | None = Field(description="the body rendered and sanitised")
    created_at: Time
    edited_at: Time
    deleted_at: Time


class Comments(Out):
    items: list[Comment] = Field(description="oldest first")
    hidden: int = Field(description="comments of others not shown yet (blind review)")


def comment_json(c) -> dict:
    gone = c.deleted_at is not None
    return {"id": c.id, "claim_id": c.claim_id, "author_id": c.author_id,
            "author": c.author.display_name, "body": None if gone else c.body,
            "body_html": None if gone else render_markdown(c.body), "created_at": iso(c.created_at),
            "edited_at": iso(c.edited_at), "deleted_at": iso(c.deleted_at)}  # fmt: skip


@route("GET", "/claims/<int:claim_id>/comments", summary="A claim's discussion, as the caller may read it",
       ok=answer(Comments))  # fmt: skip
def list_comments(claim_id: int):
    found = discussion.thread(db.session, current_actor(), get_claim(db.session, claim_id))
    return jsonify({"items": [comment_json(c) for c in found.comments], "hidden": found.hidden})


@route("POST", "/claims/<int:claim_id>/comments", summary="Comment on a claim (mentions are told)",
       body=CommentBody, ok=answer(Comment, 201, "Created"))  # fmt: skip
def add_comment(claim_id: int, body: CommentBody):
    with transaction() as s:
        result = comment_json(discussion.add_comment(s, actor=current_actor(), claim_id=claim_id,
                                                     body=body.body))  # fmt: skip
    return jsonify(result), 201


@route("PATCH", "/comments/<int:comment_id>", summary="Change one's own comment",
       body=CommentBody, ok=answer(Comment), problems=(409,))  # fmt: skip
def edit_comment(comment_id: int, body: CommentBody):
    with transaction() as s:
        result = comment_json(discussion.edit_comment(s, actor=current_actor(),
                                                      comment_id=comment_id, body=body.body))  # fmt: skip
    return jsonify(result)


@route("DELETE", "/comments/<int:comment_id>",
       summary="Delete a comment (its author, a lead or an admin); the thread keeps its place",
       ok=answer(Comment), problems=(409,))  # fmt: skip
def delete_comment(comment_id: int):
    with transaction() as s:
        result = comment_json(discussion.delete_comment(s, actor=current_actor(),
                                                        comment_id=comment_id))  # fmt: skip
    return jsonify(result)
