"""The data model. Import models from here."""

# Order matters: Claim's derived `seq` configures the mappers, so everything it relates
# to must be imported before it.
from factcheck.models.user import ApiToken, FailureKind, Role, SignInFailure, SystemActor, User  # noqa: I001
from factcheck.models.article import Article, ArticleStatus, ArticleVersion
from factcheck.models.review import EvidenceLink, Review, Stance
from factcheck.models.audit import AuditAction, AuditEvent
from factcheck.models.claim import Claim, ClaimStatus, Verdict
from factcheck.models.assignment import Assignment
from factcheck.models.comment import ClaimComment
from factcheck.models.job import Job, JobStatus
from factcheck.models.notification import Notification, NoticeKind
from factcheck.models.webhook import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from factcheck.models.report_render import RenderRequest, ReportRender
from factcheck.models.transitions import ArticleAction, ClaimAction
from factcheck.models.types import iso, utcnow

__all__ = [
    "ApiToken", "Article", "ArticleAction", "ClaimAction", "ClaimComment", "ArticleVersion", "Assignment", "ArticleStatus", "AuditAction", "AuditEvent", "Claim", "ClaimStatus",
    "DeliveryStatus", "EvidenceLink", "FailureKind", "Job", "JobStatus", "NoticeKind", "Notification", "RenderRequest", "ReportRender", "Review", "Role", "SignInFailure", "Stance", "SystemActor", "User", "Verdict", "WebhookDelivery", "WebhookEndpoint", "WebhookEvent", "iso", "utcnow",
]  # fmt: skip
