"""The data model. Import models from here."""

# Order matters: Claim's derived `seq` configures the mappers, so everything it relates
# to must be imported before it.
from .user import ApiToken, Role, SystemActor, User  # noqa: I001
from .article import Article, ArticleStatus, ArticleVersion
from .review import EvidenceLink, Review, Stance
from .audit import AuditAction, AuditEvent
from .claim import Claim, ClaimStatus, Verdict
from .assignment import Assignment
from .webhook import WebhookDelivery, WebhookEndpoint, WebhookEvent
from .report_render import RenderRequest, ReportRender
from .types import iso, utcnow

__all__ = [
    "ApiToken", "Article", "ArticleVersion", "Assignment", "ArticleStatus", "AuditAction", "AuditEvent", "Claim", "ClaimStatus",
    "EvidenceLink", "RenderRequest", "ReportRender", "Review", "Role", "Stance", "SystemActor", "User", "Verdict", "WebhookDelivery", "WebhookEndpoint", "WebhookEvent", "iso", "utcnow",
]  # fmt: skip
