"""The language of an article: corrected by a person, its claims split again in it.

Changing the language re-splits the article with that language's rules, which replaces
its claims; so it is allowed only while nobody has worked on them (the permission
SET_LANGUAGE, fed by ``language_facts``). The change and its claims land with one
``article.language_changed`` event in the caller's transaction.
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from factcheck.errors import InvalidInput
from factcheck.models import Article, ArticleVersion, AuditEvent, Claim, ClaimStatus
from factcheck.permissions import ArticleFacts, Permission, require, require_actor
from factcheck.services import audit
from factcheck.services.common import check_version, get_article
from factcheck.text import splitting
from factcheck.text.language import LANGUAGES, check_language, detect_language

# Events that leave the claims as the splitter made them.
_UNTOUCHED = ("article.imported", "article.language_changed")


def parse_language(value, *, field: str = "language") -> str:
    """A supported ISO 639-1 code, or InvalidInput naming the ones the desk knows."""
    code = check_language(value)
    if code is None:
        known = ", ".join(LANGUAGES)
        raise InvalidInput(f"{field} must be one of {known}", errors={field: f"one of {known}"})
    return code


def language_for(body: str, given=None) -> str:
    """The language a person gave (checked), else the one detected in the body."""
    return parse_language(given) if given not in (None, "") else detect_language(body)


def language_facts(session: Session, article: Article) -> ArticleFacts:
    """The article with whether work on its claims has started (any event beyond the import
    and language changes, or a claim that left the open state)."""
    worked = session.scalar(
        select(
            exists().where(
                AuditEvent.article_id == article.id, AuditEvent.action.not_in(_UNTOUCHED)
            )
        )
    ) or session.scalar(
        select(exists().where(Claim.article_id == article.id, Claim.status != ClaimStatus.OPEN))
    )
    return ArticleFacts(article, bool(worked))


def set_article_language(session: Session, *, actor, article_id, language, version) -> Article:
    """Store the article's language and split it again with that language's rules."""
    article = get_article(session, article_id, for_update=True)
    require_actor(actor, Permission.SET_LANGUAGE)
    check_version(article, version, what=f"article {article.id}")
    code = parse_language(language)
    if code == article.language:
        return article  # nothing changes, nothing to record
    require(actor, Permission.SET_LANGUAGE, language_facts(session, article))
    result = splitting.analyze(article.body, language=code)
    if not result.claims:
        raise InvalidInput(f"no sentence found in the article when split as {LANGUAGES[code]}")
    before = {"language": article.language, "claims": len(article.all_claims)}
    for claim in list(article.all_claims):
        session.delete(claim)
    session.flush()
    article.language = code
    article.boilerplate = [[b.start, b.end, b.kind] for b in result.boilerplate]
    current = session.scalar(
        select(ArticleVersion).where(
            ArticleVersion.article_id == article.id,
            ArticleVersion.number == article.current_version,
        )
    )
    if current is not None:
        current.boilerplate = article.boilerplate
    session.add_all(
        Claim(
            article_id=article.id, start=c.start, end=c.end, text=c.text, speaker=c.speaker,
            is_quote=c.is_quote, checkworthiness=round(c.checkworthiness, 3), reasons=list(c.reasons),
            body_version=article.current_version,
        )
        for c in result.claims
    )  # fmt: skip
    session.flush()
    session.expire(article, ["all_claims", "claims"])
    audit.record(session, actor, "article.language_changed", "article", article.id, article_id=article.id,
                 before=before, after={"language": code, "claims": len(result.claims)})  # fmt: skip
    return article
