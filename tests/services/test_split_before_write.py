"""The import splits the text before it takes the write turn (issue #16 item 4).

The splitter is wrapped so that it fails the request if it ever runs inside a write unit
of work (``transaction()``) or while this process holds SQLite's writers' turn. Every way
in is tried as a person uses it: the import form and the corrected-version form, the API
(text, HTML, file upload, corrected version) and the CLI (file, corrected version), and
the demo command. Each must still store its claims.
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from factcheck.database.engine import _queue_held, write_unit
from factcheck.extensions import db
from factcheck.models import Article, Claim
from factcheck.text import splitting

TEXT = "Prices rose 5% in 2021, the bank said. Unemployment fell to 3.9% in March.\n"
CORRECTED = TEXT.replace("3.9%", "4.1%")


@pytest.fixture
def guarded_splitter(monkeypatch):
    """Wrap the splitter: record each run, and fail it inside the write turn."""
    real = splitting.analyze
    runs: list[tuple[bool, object]] = []

    def analyze(body, **kwargs):
        runs.append((write_unit.get(), _queue_held.get()))
        assert not write_unit.get(), "the splitter ran inside the write transaction"
        assert _queue_held.get() is None, "the splitter ran while holding the writers' turn"
        return real(body, **kwargs)

    monkeypatch.setattr(splitting, "analyze", analyze)
    return runs


def _claims(article_id: int) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(Claim.id)).where(Claim.article_id == article_id))


def _last_article() -> Article:
    db.session.rollback()
    return db.session.scalars(select(Article).order_by(Article.id.desc())).first()


def test_the_wrapper_would_catch_a_split_inside_the_transaction(app, guarded_splitter):
    from factcheck.database import transaction

    with pytest.raises(AssertionError, match="inside the write transaction"), transaction():
        splitting.analyze(TEXT)


def test_web_import_and_new_version_split_first(client, login, make_user, guarded_splitter):
    login(make_user("reviewer"))
    resp = client.post("/articles/new", data={"text": TEXT, "title": "Web"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    article = _last_article()
    assert _claims(article.id) == 2 and guarded_splitter
    runs = len(guarded_splitter)
    resp = client.post(
        f"/articles/{article.id}/versions",
        data={"file": (io.BytesIO(CORRECTED.encode()), "fixed.txt"), "version": article.version},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
    db.session.rollback()
    assert db.session.get(Article, article.id).current_version == 2
    assert len(guarded_splitter) > runs


def test_api_imports_split_first(make_user, api_as, guarded_splitter):
    api = api_as(make_user("reviewer"))
    resp = api.post("/articles", json={"text": TEXT})
    assert resp.status_code == 201, resp.get_json()
    art = resp.get_json()
    html = f"<html><head><title>T</title></head><body><p>{TEXT}</p></body></html>"
    assert api.post("/articles", json={"html": html}).status_code == 201
    resp = api.post("/articles", content_type="multipart/form-data",
                    data={"file": (io.BytesIO(TEXT.encode()), "a.txt")})  # fmt: skip
    assert resp.status_code == 201, resp.get_json()
    resp = api.post(f"/articles/{art['id']}/versions",
                    json={"text": CORRECTED, "version": art["version"]})  # fmt: skip
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["reanchored"]["edited"] == 1
    assert len(guarded_splitter) >= 4


def test_cli_import_and_new_version_split_first(runner, app, tmp_path, guarded_splitter):
    path = tmp_path / "story.txt"
    path.write_text(TEXT, encoding="utf-8")
    result = runner.invoke(args=["import", str(path), "--title", "Shell"])
    assert result.exit_code == 0, result.output
    article_id = int(result.output.strip())
    assert _claims(article_id) == 2
    path.write_text(CORRECTED, encoding="utf-8")
    result = runner.invoke(args=["import", str(path), "--new-version-of", str(article_id)])
    assert result.exit_code == 0, result.output
    assert "edited=1" in result.output
    assert len(guarded_splitter) >= 2


def test_demo_command_splits_first(runner, app, guarded_splitter):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "imported the demo article" in result.output and guarded_splitter


def test_bad_text_is_refused_before_any_transaction(make_user, api_as, snapshot, guarded_splitter):
    api = api_as(make_user("reviewer"))
    before = snapshot()
    resp = api.post("/articles", json={"text": "   \n"})
    assert resp.status_code == 422 and "text" in resp.get_json()["errors"]
    assert snapshot() == before and not guarded_splitter  # refused before splitting
