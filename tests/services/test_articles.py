"""Importing articles: data, span invariant, audit event, and refusals that change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from factcheck.database import transaction
from factcheck.errors import InvalidInput, PermissionDenied, TooLarge, UnsupportedType
from factcheck.models import AuditEvent, Claim
from factcheck.services import articles, sources

TEXT = (
    "Town council approves new budget\n\n"
    "The council approved a $4.2 million budget on Tuesday, Mayor Ann Lee said. "
    "It raises spending on roads by 12% compared with last year.\n"
)


def test_import_stores_input_body_claims_and_one_event(session, make_user):
    user = make_user("reviewer")
    with transaction() as s:
        article = articles.import_article(
            s, actor=user, text=TEXT.replace("\n", "\r\n"), title="Budget"
        )
        article_id = article.id
    article = session.get(type(article), article_id)
    assert article.raw_input == TEXT.replace("\n", "\r\n")  # the original, unchanged
    assert "\r" not in article.body  # the body is normalised to \n
    assert article.title == "Budget" and article.status == "draft"
    assert len(article.claims) >= 2
    for claim in article.claims:
        assert article.body[claim.start : claim.end] == claim.text
        assert claim.status == "open"
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "article.imported")
    ).all()
    assert len(events) == 1
    assert events[0].actor_id == user.id and events[0].article_id == article_id
    assert events[0].after["claims"] == len(article.claims)


def test_seed_article_has_no_boilerplate_claims(make_article):
    article = make_article()
    texts = [c.text for c in article.claims]
    assert not any("Telegram channel" in t for t in texts)
    assert not any(t.strip() == "Navigation" for t in texts)
    assert len(texts) >= 15


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", InvalidInput),
        ("   \n\t  ", InvalidInput),
        ("Hello\x00world. Again.", InvalidInput),
        ("x" * 2_000_001, TooLarge),
    ],
    ids=["empty", "whitespace", "nul", "too-large"],
)
def test_bad_text_is_refused_and_changes_nothing(make_user, snapshot, text, error):
    user = make_user("reviewer")
    before = snapshot()
    with pytest.raises(error), transaction() as s:
        articles.import_article(s, actor=user, text=text)
    assert snapshot() == before


def test_two_megabytes_of_text_import(make_user, session):
    user = make_user("reviewer")
    sentence = "The agency reported 42 new cases on Monday. "
    text = sentence * (1_990_000 // len(sentence))
    with transaction() as s:
        article = articles.import_article(s, actor=user, text=text, title="Big")
        article_id = article.id
    n = session.scalar(select(Claim.id).where(Claim.article_id == article_id).limit(1))
    assert n is not None


@pytest.mark.parametrize(
    ("data", "name", "error"),
    [
        (b"\x89PNG\r\n\x1a\n....", "photo.txt", UnsupportedType),
        (b"PK\x03\x04 zip", "doc.md", UnsupportedType),
        (b"plain", "report.docx", UnsupportedType),
        (b"plain", "noextension", UnsupportedType),
        (b"caf\xe9 au lait", "latin1.txt", InvalidInput),
        (b"ok \xed\xa0\x80 surrogate", "s.txt", InvalidInput),
        (b"truncated \xe2\x82", "t.txt", InvalidInput),
    ],
)
def test_bad_uploads_are_refused(data, name, error):
    with pytest.raises(error):
        sources.from_file(data, name)


def test_upload_error_names_the_byte_offset():
    with pytest.raises(InvalidInput, match="byte 3"):
        sources.from_file(b"caf\xe9", "a.txt")


def test_utf8_bom_is_stripped_and_utf16_is_decoded():
    assert sources.decode_bytes("\ufeffHello there.".encode()) == "Hello there."
    assert sources.decode_bytes("Hello there.".encode("utf-16")) == "Hello there."


def test_reviewer_role_required(make_user, snapshot):
    from factcheck.services import users

    user, admin = make_user("reviewer"), make_user("admin")
    with transaction() as s:
        users.update_user(s, actor=admin, user_id=user.id, active=False)
    before = snapshot()
    from factcheck.extensions import db

    user = db.session.get(type(user), user.id)
    with pytest.raises(PermissionDenied), transaction() as s:
        articles.import_article(s, actor=user, text=TEXT)
    assert snapshot() == before


def test_bad_metadata_is_refused(make_user, snapshot):
    user = make_user("reviewer")
    before = snapshot()
    for meta in (
        {"published_at": "2024-02-30"},
        {"source_url": "javascript:alert(1)"},
        {"title": "x" * 501},
    ):
        with pytest.raises(InvalidInput), transaction() as s:
            articles.import_article(s, actor=user, text=TEXT, **meta)
    assert snapshot() == before
