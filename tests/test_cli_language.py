"""The command line: `import --language` and `set-language`."""

from __future__ import annotations

from sqlalchemy import select

from factcheck.extensions import db
from factcheck.models import Article, AuditEvent

ES = "Paro\n\nEl ministro dijo que el paro bajó al 3,2% en 2023. Según el Sr. Pérez, es la cifra más baja.\n"


def _import(runner, tmp_path, *extra):
    path = tmp_path / "nota.txt"
    path.write_text(ES, encoding="utf-8")
    return runner.invoke(args=["import", str(path), *extra])


def test_import_detects_or_takes_the_language(runner, tmp_path):
    detected = _import(runner, tmp_path)
    given = _import(runner, tmp_path, "--language", "pt")
    assert detected.exit_code == 0 and given.exit_code == 0, (detected.output, given.output)
    db.session.rollback()
    assert db.session.get(Article, int(detected.stdout)).language == "es"
    assert db.session.get(Article, int(given.stdout)).language == "pt"
    bad = _import(runner, tmp_path, "--language", "xx")
    assert bad.exit_code != 0 and "one of en, es, fr, de, pt" in bad.output


def test_set_language(runner, tmp_path, snapshot):
    article_id = int(_import(runner, tmp_path, "--language", "en").stdout)
    before = snapshot()
    for args in (["999", "es"], [str(article_id), "xx"]):
        result = runner.invoke(args=["set-language", *args])
        assert result.exit_code != 0 and "Traceback" not in result.output
    assert snapshot() == before
    result = runner.invoke(args=["set-language", str(article_id), "es"])
    assert result.exit_code == 0 and result.output.startswith(
        f"{article_id} language=es claims="
    ), result.output
    db.session.rollback()
    assert db.session.get(Article, article_id).language == "es"
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "article.language_changed")
    ).one()
    assert event.actor_label.startswith("system:") and event.after["language"] == "es"
