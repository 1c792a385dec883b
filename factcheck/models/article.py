"""Articles: the original input kept unchanged, and the clean body claims point into."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck.extensions import db
from factcheck.models.transitions import ArticleAction, ArticleStatus, next_article_status
from factcheck.models.types import UTCDateTime, enum_column, utcnow


class Article(db.Model):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    # The input exactly as given (text, file contents or HTML), never changed.
    raw_input: Mapped[str] = mapped_column(Text, deferred=True)  # loaded only when asked for
    input_kind: Mapped[str] = mapped_column(String(16))  # text | file | html | url
    filename: Mapped[str | None] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text, deferred=True)  # up to 2 MB: not loaded for lists
    publisher: Mapped[str | None] = mapped_column(String(500))
    original_publisher: Mapped[str | None] = mapped_column(String(500))
    byline: Mapped[str | None] = mapped_column(String(500))
    published_at: Mapped[str | None] = mapped_column(String(32))  # ISO date as found
    source_url: Mapped[str | None] = mapped_column(String(2048))
    # ISO 639-1 code (factcheck.text.language.LANGUAGES): detected on import, correctable
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    # Where each metadata field's value came from: {"published_at": "page", ...} with
    # "user", "page" (the HTML page's metadata) or "text" (found in the text); None: not
    # recorded (articles imported before 0015). A field that is empty has no entry.
    meta_sources: Mapped[dict | None] = mapped_column(JSON)
    # The public address of the published fact-check (ClaimReview url), set at approval.
    published_url: Mapped[str | None] = mapped_column(String(2048))
    # Spans of the body that are page furniture: [[start, end, kind], ...]
    boilerplate: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[ArticleStatus] = mapped_column(
        enum_column(ArticleStatus, "status"), default=ArticleStatus.DRAFT, index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: CLI
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)
    current_version: Mapped[int] = mapped_column(
        default=1, server_default="1"
    )  # ArticleVersion.number

    # Every claim, orphans of earlier versions included (owns them).
    all_claims: Mapped[list[Claim]] = relationship(  # noqa: F821
        back_populates="article", order_by="Claim.start", cascade="all, delete-orphan"
    )
    # The claims of the current body; orphans (text gone after a correction) are left out.
    claims: Mapped[list[Claim]] = relationship(  # noqa: F821
        primaryjoin="and_(Article.id == Claim.article_id, "
        "or_(Claim.anchor.is_(None), Claim.anchor != 'orphaned'))",
        order_by="Claim.start",
        viewonly=True,
    )
    versions: Mapped[list[ArticleVersion]] = relationship(
        back_populates="article", order_by="ArticleVersion.number", cascade="all, delete-orphan"
    )
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])  # noqa: F821
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])  # noqa: F821

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_locked(self) -> bool:
        return self.status == ArticleStatus.APPROVED

    def transition(self, action: ArticleAction) -> ArticleStatus:
        """Move to the status the article's transitions table gives, or InvalidTransition."""
        self.status = next_article_status(self.status, action, article_id=self.id)
        return self.status

    def __repr__(self) -> str:
        return f"<Article {self.id} {self.status}>"


class ArticleVersion(db.Model):
    """One version of an article's input and body; the article keeps every version."""

    __tablename__ = "article_versions"
    __table_args__ = (UniqueConstraint("article_id", "number", name="uq_article_versions_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    raw_input: Mapped[str] = mapped_column(Text, deferred=True)  # loaded only when asked for
    input_kind: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str | None] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text, deferred=True)  # up to 2 MB: not loaded for lists
    boilerplate: Mapped[list] = mapped_column(JSON, default=list)
    summary: Mapped[dict | None] = mapped_column(JSON)  # re-anchoring counts for versions > 1
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    article: Mapped[Article] = relationship(back_populates="versions")
