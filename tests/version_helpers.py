"""An article in three versions, for the version diff tests (service, page, API)."""

from __future__ import annotations

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import Article
from factcheck.services import versions
from factcheck.services.sources import Source

V1 = (
    "Council approves budget\n\n"
    "The council approved a $4.2 million budget on Tuesday, Mayor Ann Lee said. "
    "It raises spending on roads by 12% compared with last year.\n\n"
    "Opponents said the plan ignores the city's parks. The vote was 7 to 2.\n"
)
# edits "roads", moves "vote" up, removes "Opponents", adds "mayor promised"
V2 = (
    "Council approves budget\n\n"
    "The vote was 7 to 2. "
    "The council approved a $4.2 million budget on Tuesday, Mayor Ann Lee said. "
    "It raises spending on roads by 15% compared with last year.\n\n"
    "The mayor promised a review of the parks budget in 2024.\n"
)
# edits "roads" again, removes the claim V2 added, adds another
V3 = (
    "Council approves budget\n\n"
    "The vote was 7 to 2. "
    "The council approved a $4.2 million budget on Tuesday, Mayor Ann Lee said. "
    "It raises spending on roads by 18% compared with last year.\n\n"
    "Taxes will rise by 2% in 2025, the treasurer said.\n"
)


def new_version(actor, article_id, text):
    with transaction() as s:
        version = s.get(Article, article_id).version
        return versions.import_new_version(s, actor=actor, article_id=article_id, version=version,
                                           source=Source(text=text, raw=text, kind="text"))  # fmt: skip


def build_three(make_article, make_user, text=None):
    """An article in three versions; returns (article id, {fragment: claim id}, user)."""
    user = make_user("reviewer")
    article = make_article(text=text or V1, actor=user)
    ids = {f: next(c.id for c in article.claims if f in c.text)
           for f in ("approves budget", "council approved", "roads", "Opponents", "vote was")}  # fmt: skip
    new_version(user, article.id, V2)
    db.session.expire_all()
    ids["mayor promised"] = next(c.id for c in db.session.get(Article, article.id).claims
                                 if "mayor promised" in c.text)  # fmt: skip
    new_version(user, article.id, V3)
    db.session.expire_all()
    ids["Taxes"] = next(c.id for c in db.session.get(Article, article.id).claims
                        if "Taxes" in c.text)  # fmt: skip
    return article.id, ids, user
