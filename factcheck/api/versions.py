"""What changed between two versions of an article: the text diff and the claims' outcomes."""

from __future__ import annotations

from typing import Literal

from flask import jsonify
from pydantic import Field

from factcheck.api.contract import answer, route
from factcheck.api.fields import Id
from factcheck.api.requests import Query
from factcheck.api.responses import ClaimStatus, Out
from factcheck.extensions import db
from factcheck.services import version_diff
from factcheck.web.auth import current_actor


class VersionPair(Query):
    from_: Id | None = Field(
        None, alias="from", description="the older version (default: the one before 'to')"
    )
    to: Id | None = Field(None, description="the newer version (default: the current one)")


class DiffPiece(Out):
    op: Literal["eq", "del", "ins"]
    text: str


class DiffBlock(Out):
    kind: Literal["equal", "change", "fold"] = Field(
        description="fold: unchanged paragraphs left out"
    )
    folded: int = Field(description="for a fold, how many paragraphs are left out")
    pieces: list[DiffPiece]


class TextChanges(Out):
    identical: bool
    coarse: bool = Field(description="a change was too large to match word by word: shown whole")
    changed_paragraphs: int
    inserted_words: int
    deleted_words: int
    blocks: list[DiffBlock]


class ClaimOutcome(Out):
    id: int
    number: int | None = Field(description="the claim's kept number in its article")
    status: ClaimStatus | None
    old_text: str | None = Field(description="at 'from' (null for a new claim)")
    new_text: str | None = Field(description="at 'to' (null for an orphaned claim)")
    version: int | None = Field(description="the version that added or orphaned it")
    link: str = Field(description="/articles/{id}?claim={cid}#panel")


class ClaimGroups(Out):
    edited: list[ClaimOutcome]
    moved: list[ClaimOutcome]
    orphaned: list[ClaimOutcome]
    new: list[ClaimOutcome]
    unchanged: list[ClaimOutcome]


class VersionDiff(Out):
    article_id: int
    from_version: int
    to_version: int
    versions: list[int] = Field(description="every version number of the article")
    text: TextChanges
    claims: ClaimGroups = Field(description="no review verdict or note: only text and status")


def diff_json(d: version_diff.VersionDiff) -> dict:
    t = d.text
    return {
        "article_id": d.article_id, "from_version": d.a, "to_version": d.b, "versions": d.versions,
        "text": {"identical": t.identical, "coarse": t.coarse,
                 "changed_paragraphs": t.changed_paragraphs, "inserted_words": t.inserted,
                 "deleted_words": t.deleted,
                 "blocks": [{"kind": b.kind, "folded": b.folded,
                             "pieces": [{"op": p.op, "text": p.text} for p in b.pieces]}
                            for b in t.blocks]},
        "claims": {group: [{"id": c.claim_id, "number": c.number, "status": c.status,
                            "old_text": c.old_text, "new_text": c.new_text, "version": c.version,
                            "link": f"/articles/{d.article_id}?claim={c.claim_id}#panel"}
                           for c in items] for group, items in d.groups.items()},
    }  # fmt: skip


@route("GET", "/articles/<int:article_id>/versions/diff", query=VersionPair,
       summary="What changed between two versions: the text diff and each claim's outcome",
       ok=answer(VersionDiff))  # fmt: skip
def diff_article_versions(article_id: int, query: VersionPair):
    diff = version_diff.diff_versions(db.session, actor=current_actor(), article_id=article_id,
                                      a=query.from_, b=query.to)  # fmt: skip
    return jsonify(diff_json(diff))
