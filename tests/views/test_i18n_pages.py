"""The pages in en, es, fr, de and pt: Accept-Language picks the language, the person's
saved choice (account page, audited) wins over it, <html lang> follows; the API stays
English (issue #20 item 4)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from factcheck.extensions import db
from factcheck.models import AuditEvent, User

# One text of the top bar and of the account page in each language.
WORDS = {
    "en": ("Articles", "Your account", "Language saved."),
    "es": ("Artículos", "Tu cuenta", "Idioma guardado."),
    "fr": ("Articles", "Votre compte", "Langue enregistrée."),
    "de": ("Artikel", "Ihr Konto", "Sprache gespeichert."),
    "pt": ("Artigos", "Sua conta", "Idioma salvo."),
}
PAGES = ["/articles", "/account", "/audit", "/admin/users", "/exports", "/admin/webhooks", "/queue"]


@pytest.mark.parametrize("lang", list(WORDS))
def test_pages_render_in_the_browsers_language(client, make_user, make_article, login, lang):
    admin = make_user("admin")
    make_article(actor=admin)
    login(admin)
    headers = {"Accept-Language": f"{lang};q=1, en;q=0.5"}
    for path in PAGES:
        resp = client.get(path, headers=headers)
        assert resp.status_code == 200, path
        html = resp.get_data(as_text=True)
        assert f'<html lang="{lang}">' in html, path
        assert WORDS[lang][0] in html, path
    assert WORDS[lang][1] in client.get("/account", headers=headers).get_data(as_text=True)


def test_the_sign_in_page_follows_accept_language(client):
    html = client.get("/login", headers={"Accept-Language": "de-DE,de;q=0.9"}).get_data(
        as_text=True
    )
    assert '<html lang="de">' in html and "Anmelden" in html and "Passwort" in html
    html = client.get("/login", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert '<html lang="en">' in html and "Sign in" in html  # no match: the desk default


def test_the_desk_default_applies_without_a_match(app, client):
    from dataclasses import replace

    from factcheck.settings import app_settings

    app.extensions["factcheck"] = replace(app_settings(app), DEFAULT_LOCALE="fr")
    html = client.get("/login", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert '<html lang="fr">' in html and "Se connecter" in html


def test_a_bad_default_locale_stops_the_app():
    from factcheck.settings import Settings

    with pytest.raises(ValueError, match="DEFAULT_LOCALE"):
        Settings(DEFAULT_LOCALE="xx")


@pytest.mark.parametrize("lang", ["es", "fr", "de", "pt"])
def test_the_saved_language_wins_over_the_browser(client, make_user, login, lang):
    user = make_user("reviewer")
    login(user)
    resp = client.post("/account/language", data={"locale": lang},
                       headers={"Accept-Language": "en"}, follow_redirects=True)  # fmt: skip
    html = resp.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html and WORDS[lang][2] in html
    html = client.get("/articles", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f'<html lang="{lang}">' in html and WORDS[lang][0] in html
    db.session.rollback()  # a fresh read: the requests committed in their own sessions
    assert db.session.get(User, user.id).locale == lang
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.updated").order_by(AuditEvent.id.desc())
    ).first()
    assert event.before == {"locale": None} and event.after == {"locale": lang}
    # back to the browser's language
    client.post("/account/language", data={"locale": ""})
    html = client.get("/articles", headers={"Accept-Language": "pt-BR"}).get_data(as_text=True)
    assert '<html lang="pt">' in html


def test_an_unknown_language_is_refused_and_changes_nothing(client, make_user, login):
    user = make_user("reviewer")
    login(user)
    resp = client.post("/account/language", data={"locale": "xx"})
    assert resp.status_code == 422
    db.session.rollback()  # a fresh read: the requests committed in their own sessions
    assert db.session.get(User, user.id).locale is None


def test_flash_and_form_errors_are_translated(client, make_user):
    user = make_user("reviewer")
    resp = client.post("/login", data={"email": user.email, "password": "wrong-password!"},
                       headers={"Accept-Language": "es"})  # fmt: skip
    assert "Correo o contraseña incorrectos" in resp.get_data(as_text=True)
    resp = client.get("/articles", headers={"Accept-Language": "fr"}, follow_redirects=True)
    assert "Connectez-vous pour continuer." in resp.get_data(as_text=True)


def test_dates_and_numbers_follow_the_language(client, make_user, make_article, login):
    admin = make_user("admin")
    article = make_article(actor=admin)
    login(admin)
    de = client.get("/articles", headers={"Accept-Language": "de"}).get_data(as_text=True)
    en = client.get("/articles", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert article.created_at.strftime("%Y-%m-%d") in en
    assert article.created_at.strftime("%d.%m.%Y") in de  # German order and separators
    html = client.get("/articles/new", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "2.000.000" in html


def test_the_api_stays_english(client, make_user, login):
    user = make_user("reviewer")
    login(user)
    client.post("/account/language", data={"locale": "de"})
    resp = client.get("/api/v1/articles/999999", headers={"Accept-Language": "de"})
    assert resp.status_code == 404 and resp.get_json()["title"] == "Not found"


def test_the_scripts_get_their_texts_translated(client, make_user, login):
    import html
    import json
    import re

    login(make_user("reviewer"))
    page = client.get("/articles", headers={"Accept-Language": "es"}).get_data(as_text=True)
    blob = json.loads(html.unescape(re.search(r"<body data-i18n='([^']*)'>", page).group(1)))
    assert blob["Review saved."] == "Revisión guardada." and blob["Disputed"] == "Desmentido"
    page = client.get("/articles", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<body data-i18n='{}'>" in page


def test_the_claim_panel_speaks_the_pages_language(client, make_user, make_article, login):
    """The workspace's claim panel (issue #20): its headings, the lead's forms and the
    dates in German; the refusal the page script shows, in Spanish."""
    lead = make_user("lead")
    article = make_article(actor=lead)
    claim = article.claims[0]
    login(lead)
    de = {"Accept-Language": "de"}
    html = client.get(f"/claims/{claim.id}?panel=workspace", headers=de).get_data(as_text=True)
    for text in (f"Behauptung {claim.number}", "Ihre Prüfung", "Entscheidung der Leitung",
                 "Behauptung bearbeiten", "Bereits geprüft", "Verlauf", "Textstelle"):  # fmt: skip
        assert text in html, text
    for english in ("Lead decision", "Edit the claim", "Previously checked", "Save review"):
        assert english not in html, english
    resp = client.post(f"/claims/{claim.id}/split", data={}, headers={
        "Accept-Language": "es", "Accept": "application/json"})  # fmt: skip
    assert resp.status_code == 422
    assert resp.get_json()["detail"] == "revisa los campos marcados"


# -- the History timelines (issue #20 item 4: the lines come from the audit trail) ----------

HISTORY_WORDS = {  # one event's sentence and two of its lines, per language
    "es": ("envió una revisión", "Veredicto: Desmentido", "Enlaces de evidencia: 1 enlace",
           "devolvió la afirmación a los verificadores", "Estado: revisada → devuelta"),
    "fr": ("a envoyé une vérification", "Verdict : Démenti", "Liens de preuve : 1 lien",
           "a renvoyé l'affirmation aux vérificateurs", "Statut : vérifiée → renvoyée"),
    "de": ("hat eine Prüfung abgegeben", "Urteil: Widerlegt", "Belege (Links): 1 Link",
           "hat die Behauptung an die Prüfenden zurückgegeben", "Status: geprüft → zurückgegeben"),
    "pt": ("enviou uma verificação", "Veredito: Desmentido", "Links de evidência: 1 link",
           "devolveu a afirmação aos verificadores", "Situação: verificada → devolvida"),
}  # fmt: skip
ENGLISH_HISTORY = ("submitted a review", "returned the claim", "Verdict:", "Status: reviewed",
                   "Evidence links", "review.created", "claim.returned", "links:", "verdict:",
                   "→ returned", "Disputed")  # fmt: skip


def _history(html: str, start: str) -> str:
    """The visible text of the History list after ``start`` (its data-action codes left out)."""
    import re
    from html import unescape

    part = html[html.index(start) :]
    part = part[: part.index("</ol>")]
    return unescape(re.sub(r"<[^>]+>", "", part))


def _reviewed_and_returned(make_user, make_article, client_for):
    from factcheck.database import transaction
    from factcheck.services import approvals, reviews

    reviewer, other, lead = make_user("reviewer"), make_user("reviewer"), make_user("lead")
    claim = make_article(actor=reviewer).claims[0]
    link = [{"url": "https://example.org/census", "title": "Census", "stance": "contradicts"}]
    with transaction() as s:
        reviews.submit_review(s, actor=reviewer, claim_id=claim.id, verdict="disputed",
                              note="The census says otherwise.", links=link)  # fmt: skip
    with transaction() as s:
        reviews.submit_review(s, actor=other, claim_id=claim.id, verdict="disputed", links=link)
    db.session.rollback()
    with transaction() as s:
        version = s.get(type(claim), claim.id).version
        approvals.return_claim(s, actor=lead, claim_id=claim.id, comment="Cite the table.",
                               version=version)  # fmt: skip
    return claim, client_for(lead), client_for(make_user("reviewer"))


@pytest.mark.parametrize("lang", list(HISTORY_WORDS))
def test_the_history_speaks_the_pages_language(make_user, make_article, client_for, lang):
    """A review and a lead's return, then the claim page and the article page in the
    page's language: the History lines are made from the event at display time, so no
    English sentence, field name or action code is left; the trail keeps its English."""
    claim, lead, _ = _reviewed_and_returned(make_user, make_article, client_for)
    headers = {"Accept-Language": lang}
    for path, start in ((f"/claims/{claim.id}", 'id="history-h"'),
                        (f"/articles/{claim.article_id}", 'id="history"')):  # fmt: skip
        text = _history(lead.get(path, headers=headers).get_data(as_text=True), start)
        for words in HISTORY_WORDS[lang]:
            assert words in text, (path, words, text)
        for english in ENGLISH_HISTORY:
            assert english not in text, (path, english, text)
    db.session.rollback()
    stored = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "review.created").order_by(AuditEvent.id)
    ).first()
    assert (
        stored.after["verdict"] == "disputed"
        and stored.after["links"][0]["stance"] == "contradicts"
    )


def test_the_history_in_english_names_the_action(make_user, make_article, client_for):
    claim, lead, _ = _reviewed_and_returned(make_user, make_article, client_for)
    html = lead.get(f"/claims/{claim.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    text = _history(html, 'id="history-h"')
    assert "submitted a review" in text and "Verdict: Disputed" in text
    assert "Status: reviewed → returned" in text and "Evidence links: 1 link" in text
    assert 'data-action="review.created"' in html and 'data-action="claim.returned"' in html


def test_blind_review_holds_in_the_pages_language(make_user, make_article, client_for):
    """Blind review: a reviewer who has not reviewed sees no one else's review in the
    History, and reads another's comment masked, in Spanish; never the words."""
    from factcheck.database import transaction
    from factcheck.services import discussion

    claim, _, newcomer = _reviewed_and_returned(make_user, make_article, client_for)
    commenter = db.session.scalars(select(AuditEvent.actor_id).where(
        AuditEvent.action == "review.created")).first()  # fmt: skip
    with transaction() as s:
        discussion.add_comment(s, actor=s.get(User, commenter), claim_id=claim.id,
                               body="Secret: the census table 4.")  # fmt: skip
    headers = {"Accept-Language": "es"}
    text = _history(newcomer.get(f"/claims/{claim.id}", headers=headers).get_data(as_text=True),
                    'id="history-h"')  # fmt: skip
    assert "devolvió la afirmación a los verificadores" in text
    assert "envió una revisión" not in text and "The census says otherwise." not in text
    html = newcomer.get(f"/articles/{claim.article_id}", headers=headers).get_data(as_text=True)
    text = _history(html, 'id="history"')
    assert "comentó" in text and "Comentario: (oculto hasta que envíes tu propia revisión)" in text
    assert "Secret" not in text and "hidden until" not in text


def test_the_undo_button_names_the_edit_in_the_pages_language(make_user, make_article, client_for):
    from factcheck.database import transaction
    from factcheck.services import claims

    reviewer = make_user("reviewer")
    claim = make_article(actor=reviewer).claims[0]
    with transaction() as s:
        c = s.get(type(claim), claim.id)
        claims.split_claim(s, actor=reviewer, claim_id=c.id, at=c.start + 6, version=c.version)
    c = client_for(reviewer)
    html = c.get(f"/articles/{claim.article_id}", headers={"Accept-Language": "fr"})
    html = html.get_data(as_text=True)
    assert "Annuler ma dernière modification : scission d&#39;une affirmation" in html
    assert "split of a claim" not in html
    en = c.get(f"/articles/{claim.article_id}", headers={"Accept-Language": "en"})
    assert "Undo my last edit: split of a claim" in en.get_data(as_text=True)
