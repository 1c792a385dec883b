"""Notices by e-mail (the ``notice_mail`` job kind), and the daily "due tomorrow" notices.

- services.notifications.notify queues one job per notice the person wants by e-mail, in
  the transaction that writes the notice, only when FACTCHECK_SMTP_HOST is set.
- The worker reads the notice, builds the message in the recipient's language (their saved
  one, else the desk's default) and sends it with smtplib (STARTTLS and a login when
  configured) outside any transaction; then marks the notice ``emailed_at``.
- A failed send is retried after 1, 5, 30 min, 2 h and 6 h; the error is kept on the job
  and logged. A notice deleted meanwhile (its article was) is nothing to send.
- ``schedule`` (run by `flask worker --loop` about every 30 s) writes the due-tomorrow
  notices; it is idempotent (one per assignment per day, services.notifications).
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from factcheck.jobs.notice_text import describe, kind_label, link_path
from factcheck.jobs.queue import ClaimedJob
from factcheck.jobs.worker import Handler, JobError
from factcheck.models import Notification
from factcheck.services import notifications
from factcheck.settings import app_settings

BACKOFF_SECONDS = (60, 300, 1800, 7200, 6 * 3600)


@dataclass(frozen=True)
class Mail:
    """A message as sent, built before the connection (no transaction stays open)."""

    to: str
    subject: str
    body: str


def build_mail(notice: Notification, *, app_url: str, default_locale: str) -> Mail:
    """The e-mail of a notice: its sentence, the comment if any, and the link."""
    with force_locale(notice.user.locale or default_locale):
        sentence = describe(notice)
        path = link_path(notice)
        lines = [sentence, ""]
        if notice.text:
            lines += [f"> {line}" for line in notice.text.splitlines()] + [""]
        if path:
            lines += [_("Open it: %(url)s", url=app_url.rstrip("/") + path), ""]
        lines += ["-- ", _("Which notices come by e-mail is set on your account page.")]
        # one line: a title with a line break must not end the header
        subject = " ".join(f"[Factcheck] {kind_label(notice.kind)}: {sentence}".split())[:200]
    return Mail(notice.user.email, subject, "\n".join(lines))


def send(mail: Mail, settings) -> None:
    """One message through the configured SMTP server (smtplib); raises on failure."""
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = settings.MAIL_FROM, mail.to, mail.subject
    msg["Date"], msg["Message-ID"] = formatdate(localtime=False), make_msgid(domain="factcheck")
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    msg.set_content(mail.body)
    with smtplib.SMTP(settings.SMTP_HOST, settings.SMTP_PORT,
                      timeout=settings.SMTP_TIMEOUT_SECONDS) as smtp:  # fmt: skip
        if settings.SMTP_STARTTLS:
            smtp.starttls(context=ssl.create_default_context())
        if settings.SMTP_USER:
            smtp.login(settings.SMTP_USER, settings.SMTP_PASSWORD)
        smtp.send_message(msg)


class NoticeMailHandler(Handler):
    kind = notifications.MAIL_KIND
    lease = timedelta(seconds=90)

    def backoff(self, attempts: int) -> timedelta:
        return timedelta(seconds=BACKOFF_SECONDS[min(attempts, len(BACKOFF_SECONDS)) - 1])

    def run(self, session: Session, job: ClaimedJob) -> bool:
        notice = session.get(Notification, job.payload["notification_id"])
        if notice is None or notice.emailed_at is not None:
            return False
        settings = app_settings(current_app)
        if not settings.SMTP_HOST:
            raise JobError("no SMTP host is configured (FACTCHECK_SMTP_HOST)")
        mail = build_mail(notice, app_url=settings.APP_URL,
                          default_locale=settings.DEFAULT_LOCALE)  # fmt: skip
        session.rollback()  # no transaction stays open while the server answers
        try:
            send(mail, settings)
        except (OSError, smtplib.SMTPException) as exc:
            raise JobError(f"SMTP {settings.SMTP_HOST}:{settings.SMTP_PORT}: {exc}") from exc
        return True

    def done(self, session: Session, job: ClaimedJob, sent: bool, *, now: datetime) -> str:
        notice = session.get(Notification, job.payload["notification_id"])
        if not sent or notice is None:
            return "nothing to send: the notice is gone or was sent"
        notice.emailed_at = now
        return f"notice {notice.id} e-mailed to user {notice.user_id}"

    def schedule(self, session: Session, *, now: datetime) -> int:
        return notifications.schedule_due_notices(session, today=now.date())


HANDLER = NoticeMailHandler()
