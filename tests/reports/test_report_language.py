"""The report's language is chosen at export, the desk's default in settings (issue #20
item 4): the same report's words in es/fr/de/pt through the service, the web page, the
API and the CLI; kept PDFs and background renders per language; bad input refused."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from settings_helpers import override_settings
from sqlalchemy import func, select

from factcheck.database import transaction
from factcheck.errors import InvalidInput
from factcheck.extensions import db
from factcheck.models import AuditEvent
from factcheck.reports import build_report
from factcheck.reports.render import fingerprint
from factcheck.services import exports
from factcheck.services.common import get_article

SHORT = "Prices rose 5% in 2021, the bank said. Unemployment fell to 3.9% in March.\n"
# (language, words only a report in it prints, its word for the verdict "confirmed")
WORDS = {
    "es": ("Informe de verificación", "Confirmado"),
    "fr": ("Rapport de vérification", "Confirmé"),
    "de": ("Faktencheck-Bericht", "Bestätigt"),
    "pt": ("Relatório de checagem", "Confirmado"),
}


def _settings(app, **changes):
    override_settings(app, **changes)


def _events() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


@pytest.fixture
def approved(make_article, make_user, review_all):
    reviewer, lead = make_user("reviewer"), make_user("lead")
    article = make_article(text=SHORT, actor=reviewer)
    review_all(article.id, reviewer, lead)
    return article.id, lead


@pytest.mark.parametrize("lang", sorted(WORDS))
def test_each_language_writes_the_whole_report_in_it(approved, lang):
    article_id, lead = approved
    title, confirmed = WORDS[lang]
    with transaction() as s:
        html = exports.export_article(s, actor=lead, article_id=article_id, fmt="html",
                                      language=lang).content.decode()  # fmt: skip
    assert f'<html lang="{lang}">' in html and title in html and confirmed in html
    body = html.split("<body>", 1)[1]  # (the inline CSS has English comments)
    for english in ("Fact-check report", "Summary", "Reviews (", "Audit digest", "Speaker"):
        assert english not in body, english
    with transaction() as s:
        md = exports.export_article(s, actor=lead, article_id=article_id, fmt="md",
                                    language=lang).content.decode()  # fmt: skip
    assert title in md and confirmed in md and "Summary" not in md
    # the data formats keep their English values; the verdict is still "confirmed"
    with transaction() as s:
        data = json.loads(exports.export_article(s, actor=lead, article_id=article_id, fmt="json",
                                                 language=lang).content)  # fmt: skip
    assert data["claims"][0]["final_verdict"] == "confirmed"


def test_claimreview_speaks_the_report_language_and_keeps_the_claims(app, approved):
    _settings(app, PUBLISHED_BASE_URL="https://news.example/fact-checks")
    article_id, lead = approved
    with transaction() as s:
        out = exports.export_article(s, actor=lead, article_id=article_id, fmt="claimreview",
                                     language="de")  # fmt: skip
    reviews = json.loads(out.content)
    review = reviews[0] if isinstance(reviews, list) else reviews
    assert review["inLanguage"] == "de" and review["reviewRating"]["alternateName"] == "Bestätigt"
    assert review["itemReviewed"]["inLanguage"] == "en"  # the claim's own language


def test_the_desk_default_applies_and_english_stays_as_it_was(app, approved):
    article_id, lead = approved
    with transaction() as s:
        english = exports.export_article(s, actor=lead, article_id=article_id, fmt="md").content
    assert english.decode().startswith("# Fact-check report: ")
    _settings(app, REPORT_LANGUAGE="fr")
    with transaction() as s:
        french = exports.export_article(s, actor=lead, article_id=article_id, fmt="md").content
    assert "Rapport de vérification" in french.decode()
    _settings(app, REPORT_LANGUAGE="", DEFAULT_LOCALE="pt")  # no report language: the desk's
    with transaction() as s:
        out = exports.export_article(s, actor=lead, article_id=article_id, fmt="md").content
    assert "Relatório de checagem" in out.decode()


def test_a_bad_report_language_is_refused_and_changes_nothing(app, approved):
    article_id, lead = approved
    before = _events()
    for bad in ("xx", "EN", "en-US", 7, "es; DROP"):
        with pytest.raises(InvalidInput) as info, transaction() as s:
            exports.export_article(s, actor=lead, article_id=article_id, fmt="html", language=bad)
        assert info.value.errors == {"lang": "one of en, es, fr, de, pt"}
    assert _events() == before
    from factcheck.settings import Settings

    with pytest.raises(ValueError, match="REPORT_LANGUAGE"):
        Settings(REPORT_LANGUAGE="klingon")


def test_a_final_export_records_its_language(approved):
    article_id, lead = approved
    with transaction() as s:
        exports.export_article(s, actor=lead, article_id=article_id, fmt="html", language="es")
    db.session.rollback()
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert event.action == "report.exported"
    assert event.after == {"format": "html", "language": "es"}


def test_kept_files_and_background_renders_are_per_language(approved):
    """A Spanish PDF is not the English one: another fingerprint, and a render job asked
    in Spanish renders Spanish (the job's payload carries the language)."""
    article_id, lead = approved
    article = get_article(db.session, article_id)
    en = build_report(db.session, article, viewer=None)
    es = build_report(db.session, article, viewer=None, language="es")
    assert fingerprint(en, "pdf") != fingerprint(es, "pdf")
    job = exports.RenderJob(article_id, "pdf", fingerprint(es, "pdf"), None, True, 2, "es")
    from factcheck.services import render_requests

    with transaction() as s:
        render_requests.request_render(s, job, retry_failed=False)
    db.session.rollback()
    request = render_requests.request_for_job(
        db.session, {"article_id": article_id, "fmt": "pdf", "fingerprint": job.fingerprint}
    )
    assert request is not None and request.job.payload["language"] == "es"
    assert render_requests.render_job(db.session, request, language=None) is None  # not this file
    kept = render_requests.render_job(db.session, request, language="es")
    assert kept is not None and kept.fingerprint == job.fingerprint


def test_the_article_page_offers_the_languages_and_exports_in_the_chosen_one(
    app, client, login, approved
):
    article_id, lead = approved
    _settings(app, REPORT_LANGUAGE="de")
    login(lead)
    page = client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert 'id="export-lang" name="lang"' in page
    assert '<option value="de" lang="de" selected>Deutsch</option>' in page
    resp = client.get(f"/articles/{article_id}/export?format=html&lang=es")
    assert resp.status_code == 200 and "Informe de verificación" in resp.get_data(as_text=True)
    resp = client.get(f"/articles/{article_id}/export?format=md")  # the desk's default
    assert "Faktencheck-Bericht" in resp.get_data(as_text=True)
    before = _events()
    assert client.get(f"/articles/{article_id}/export?format=html&lang=zz").status_code == 422
    assert _events() == before
    bulk = client.get("/exports").get_data(as_text=True)
    assert 'id="lang" name="lang"' in bulk


def test_the_api_takes_lang_and_refuses_an_unknown_one(api_as, approved):
    article_id, lead = approved
    api = api_as(lead)
    resp = api.get(f"/articles/{article_id}/export", query_string={"format": "md", "lang": "fr"})
    assert resp.status_code == 200 and "Rapport de vérification" in resp.get_data(as_text=True)
    bad = api.get(f"/articles/{article_id}/export", query_string={"format": "md", "lang": "xx"})
    assert bad.status_code == 422 and "lang" in bad.get_json()["errors"]
    day = db.session.get(__import__("factcheck.models", fromlist=["Article"]).Article, article_id)
    since = day.approved_at.date().isoformat()
    zipped = api.get("/exports", query_string={"since": since, "until": since, "format": "md",
                                               "lang": "pt"})  # fmt: skip
    assert zipped.status_code == 200
    with zipfile.ZipFile(io.BytesIO(zipped.get_data())) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        names = [n for n in zf.namelist() if n.endswith(".md")]
        assert (
            manifest["language"] == "pt" and "Relatório de checagem" in zf.read(names[0]).decode()
        )


def test_the_cli_exports_in_a_language(runner, approved):
    article_id, _lead = approved
    result = runner.invoke(args=["export", str(article_id), "--format", "md", "--lang", "de"])
    assert result.exit_code == 0 and "Faktencheck-Bericht" in result.stdout
    bad = runner.invoke(args=["export", str(article_id), "--format", "md", "--lang", "xx"])
    assert bad.exit_code != 0 and "unknown report language" in bad.output
