"""Notices by e-mail, received by a real SMTP server (aiosmtpd) the test starts: the worker
sends them after the commit, in the recipient's language, with the link to the claim;
a failed send is retried, not lost."""

from __future__ import annotations

import socket
from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from settings_helpers import override_settings
from sqlalchemy import select

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.jobs import worker
from factcheck.models import Job, Notification, SystemActor, utcnow
from factcheck.services import assignments, notifications, users


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _mail_to(app, port):
    override_settings(app, SMTP_HOST="127.0.0.1", SMTP_PORT=str(port), SMTP_STARTTLS="false",
                      APP_URL="https://desk.example", MAIL_FROM="desk@example.org")  # fmt: skip


def _subject(msg) -> str:
    return str(make_header(decode_header(msg["Subject"])))


def _assign(lead, user, article, claim_ids=None):
    with transaction() as s:
        assignments.assign(
            s, actor=lead, user_id=user.id, article_id=article.id, claim_ids=claim_ids
        )


def test_an_assignment_is_mailed_by_the_worker_with_the_link(app, smtp, make_user, make_article):
    controller, inbox = smtp
    _mail_to(app, controller.port)
    lead, reviewer = make_user("lead", name="Lena Lead"), make_user("reviewer")
    article = make_article(actor=reviewer, title="Passports story")
    cid = article.claims[1].id
    _assign(lead, reviewer, article, claim_ids=[cid])
    assert inbox.messages == []  # never inside the request
    stats = worker.run(app, kinds=["notice_mail"])
    assert stats.done == 1, stats
    [(rcpt, msg)] = inbox.messages
    assert rcpt == [reviewer.email] and msg["To"] == reviewer.email
    assert msg["From"] == "desk@example.org"
    assert _subject(msg).startswith("[Factcheck] Assigned to you: Lena Lead assigned you claim 2")
    body = msg.get_payload(decode=True).decode()
    assert f"https://desk.example/articles/{article.id}?claim={cid}#panel" in body
    db.session.rollback()
    notice = db.session.scalars(select(Notification)).one()
    assert notice.emailed_at is not None


def test_the_mail_is_in_the_recipients_language(app, smtp, make_user, make_article):
    controller, inbox = smtp
    _mail_to(app, controller.port)
    lead, reviewer = make_user("lead"), make_user("reviewer")
    with transaction() as s:
        users.set_locale(s, actor=reviewer, locale="es")
    _assign(lead, reviewer, make_article(actor=lead))
    worker.run(app, kinds=["notice_mail"])
    [(_rcpt, msg)] = inbox.messages
    assert _subject(msg).startswith("[Factcheck] Asignado a ti")


def test_kinds_not_chosen_for_email_stay_in_the_inbox(app, smtp, make_user, make_article):
    controller, inbox = smtp
    _mail_to(app, controller.port)
    lead, reviewer = make_user("lead"), make_user("reviewer")
    with transaction() as s:
        notifications.set_email_notices(s, actor=reviewer, kinds=["returned"])
    _assign(lead, reviewer, make_article(actor=lead))
    worker.run(app, kinds=["notice_mail"])
    assert inbox.messages == []
    db.session.rollback()
    assert db.session.scalars(select(Notification)).one().user_id == reviewer.id


def test_a_failed_send_is_retried_then_delivered(app, smtp, make_user, make_article):
    controller, inbox = smtp
    _mail_to(app, _free_port())  # nobody listens there
    lead, reviewer = make_user("lead"), make_user("reviewer")
    _assign(lead, reviewer, make_article(actor=lead))
    stats = worker.run(app, kinds=["notice_mail"])
    assert stats.retrying == 1 and "SMTP 127.0.0.1" in stats.errors[0]
    db.session.rollback()
    job = db.session.scalars(select(Job).where(Job.kind == "notice_mail")).one()
    assert job.status == "queued" and "SMTP" in job.last_error and job.run_at > utcnow()
    _mail_to(app, controller.port)  # the server is back
    stats = worker.run(app, kinds=["notice_mail"], now=utcnow() + timedelta(minutes=2))
    assert stats.done == 1 and len(inbox.messages) == 1


def test_mail_needs_the_host_and_the_account_page_says_so(app, make_user, login, client):
    user = make_user("reviewer")
    login(user)
    page = client.get("/account").get_data(as_text=True)
    assert "no SMTP server is configured" in page
    with transaction() as s:
        notifications.notify(s, recipient=user.id, kind="mentioned", actor=SystemActor("t"))
    assert db.session.scalars(select(Job).where(Job.kind == "notice_mail")).all() == []
