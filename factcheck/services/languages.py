"""The language of an article: corrected by a person, its claims split again in it.

Changing the language re-splits the article with that language's rules, which replaces
its claims; so it is allowed only while nobody has worked on them (the permission
SET_LANGUAGE, fed by ``language_facts``). The change and its claims land with one
``article.language_changed`` event in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from factcheck.errors import N_, InvalidInput
from factcheck.models import Article, ArticleVersion, AuditEvent, Claim, ClaimStatus
from factcheck.permissions import ArticleFacts, Permission, require, require_actor
from factcheck.services import audit
from factcheck.services.common import check_version, claim_from_span, get_article
from factcheck.text import splitting
from factcheck.text.language import LANGUAGES, check_language, detect_language

# Events that leave the claims as the splitter made them.
_UNTOUCHED = ("article.imported", "article.language_changed")


def parse_language(value, *, field: str = "language") -> str:
    """A supported ISO 639-1 code, or InvalidInput naming the ones the desk knows."""
    code = check_language(value)
    if code is None:
        known = ", ".join(LANGUAGES)
        raise InvalidInput(
            N_("%(field)s must be one of %(known)s", field=field, known=known),
            errors={field: N_("one of %(known)s", known=known)},
        )
    return code


def language_of(session: Session, article_id) -> str | None:
    """The article's language (a read before the write turn, so that a corrected version
    is split in it there), or None when there is no such article (the service says so)."""
    if not str(article_id).isdigit():
        return None
    return session.scalar(select(Article.language).where(Article.id == int(article_id)))


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


@dataclass(frozen=True)
class Resplit:
    """An article's body split in another language, made before the write turn."""

    language: str
    body: str
    result: splitting.SplitResult


def prepare_language(session: Session, *, article_id, language) -> Resplit | None:
    """Split the article in ``language`` before the caller takes the write turn (a read:
    no lock, nothing written), so the turn holds no CPU work. None when there is nothing
    to split (same language, no such article, not a language: the service says why)."""
    code = check_language(language)
    article = session.get(Article, article_id) if str(article_id).isdigit() else None
    if code is None or article is None or code == article.language:
        return None
    return Resplit(code, article.body, splitting.analyze(article.body, language=code))


def set_article_language(
    session: Session, *, actor, article_id, language, version, prepared: Resplit | None = None
) -> Article:
    """Store the article's language and split it again with that language's rules (the
    split ``prepare_language`` made before the turn, when it is of this body and language)."""
    article = get_article(session, article_id, for_update=True)
    require_actor(actor, Permission.SET_LANGUAGE)
    check_version(article, version, what=N_("article %(id)s", id=article.id))
    code = parse_language(language)
    if code == article.language:
        return article  # nothing changes, nothing to record
    require(actor, Permission.SET_LANGUAGE, language_facts(session, article))
    if prepared is not None and prepared.language == code and prepared.body == article.body:
        result = prepared.result
    else:  # called without a prepared split (or the body changed since): split here
        result = splitting.analyze(article.body, language=code)
    if not result.claims:
        raise InvalidInput(
            N_(
                "no sentence found in the article when split as %(language)s",
                language=LANGUAGES[code],
            )
        )
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
        claim_from_span(c, article_id=article.id, body_version=article.current_version)
        for c in result.claims
    )
    session.flush()
    session.expire(article, ["all_claims", "claims"])
    audit.record(session, actor, "article.language_changed", "article", article.id, article_id=article.id,
                 before=before, after={"language": code, "claims": len(result.claims)})  # fmt: skip
    return article
