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


ES_TEXT = "Los precios subieron un 5% en 2021, dijo el banco. El paro bajó al 3,9% en marzo.\n"


def _speakers(article_id: int) -> list[tuple]:
    db.session.rollback()
    rows = db.session.execute(
        select(Claim.speaker, Claim.speaker_type, Claim.speaker_confidence)
        .where(Claim.article_id == article_id)
        .order_by(Claim.start)
    )
    return [tuple(r) for r in rows]


def test_language_change_splits_first_on_every_path(
    client, login, make_user, api_as, runner, guarded_splitter
):
    """Web form, API and CLI: the re-split runs before the write turn, and the new claims
    keep what the splitter found about their speakers (type and confidence too)."""
    user = make_user("reviewer")
    api = api_as(user)
    made = [api.post("/articles", json={"text": ES_TEXT, "language": "en"}) for _ in range(3)]
    assert all(r.status_code == 201 for r in made)
    web, api_art, cli_art = (db.session.get(Article, r.get_json()["id"]) for r in made)
    login(user)
    runs = len(guarded_splitter)
    resp = client.post(
        f"/articles/{web.id}/language", data={"language": "es", "version": web.version}
    )
    assert resp.status_code == 302
    resp = api.put(
        f"/articles/{api_art.id}/language", json={"language": "es", "version": api_art.version}
    )
    assert resp.status_code == 200, resp.get_json()
    result = runner.invoke(args=["set-language", str(cli_art.id), "es"])
    assert result.exit_code == 0, result.output
    assert len(guarded_splitter) - runs == 3  # one split per change, each outside the turn
    for article in (web, api_art, cli_art):
        db.session.rollback()
        assert db.session.get(Article, article.id).language == "es"
        speakers = _speakers(article.id)
        assert len(speakers) == 2
        said = [s for s in speakers if s[0]]
        assert said and all(s[1] and s[2] is not None for s in said), speakers


def test_a_given_language_and_a_corrected_versions_language_split_first(
    client, login, make_user, api_as, runner, tmp_path, guarded_splitter
):
    """The language a person gives at import (web, API, CLI), and the article's own language
    for its corrected version, are the ones split in before the turn: no second split inside."""
    user = make_user("reviewer")
    login(user)
    resp = client.post("/articles/new", data={"text": ES_TEXT, "language": "pt"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    assert _last_article().language == "pt"
    api = api_as(user)
    art = api.post("/articles", json={"text": ES_TEXT, "language": "fr"}).get_json()
    assert art["language"] == "fr"
    path = tmp_path / "nota.txt"
    path.write_text(ES_TEXT, encoding="utf-8")
    result = runner.invoke(args=["import", str(path), "--language", "de"])
    assert result.exit_code == 0, result.output
    cli_id = int(result.output.strip())
    corrected = ES_TEXT.replace("3,9%", "4,1%")
    resp = api.post(
        f"/articles/{art['id']}/versions", json={"text": corrected, "version": art["version"]}
    )
    assert resp.status_code == 200, resp.get_json()
    resp = client.post(f"/articles/{art['id']}/versions", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(ES_TEXT.encode()), "back.txt"),
                             "version": resp.get_json()["version"]})  # fmt: skip
    assert resp.status_code == 302
    path.write_text(corrected, encoding="utf-8")
    result = runner.invoke(args=["import", str(path), "--new-version-of", str(cli_id)])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    assert db.session.get(Article, art["id"]).current_version == 3
    assert db.session.get(Article, cli_id).current_version == 2
    assert len(guarded_splitter) == 6  # one split per import, all before the turn
