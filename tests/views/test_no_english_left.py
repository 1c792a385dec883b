"""Every page a reviewer, a lead and an admin reach, in Spanish (and the other three
languages), with no English word left (issue #20: "no English left on a Spanish page").

The desk's data is Spanish (an article, people's names), so any English word on a page is
a text of the desk's own that was not translated: a template, a flash, a refusal from a
service or the permission table (undo hint, "Nothing done: …", error pages, form errors),
an audit trail row. The pages' visible text and their visible attributes (title,
aria-label, placeholder, alt, a button's value) are read; what is the same in every
language is left out: e-mail addresses, web addresses, event codes (claim.approved), the
article's own text (it carries its own lang=), code, and the brand and format names below.
A new untranslated text makes this fail, naming the page and the words.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from factcheck.database import transaction
from factcheck.errors import N_, InvalidTransition
from factcheck.extensions import db
from factcheck.models import Article, Claim, ClaimStatus

TEXTO = (
    "El Gobierno anunció ayer que el paro bajó un 3 % en octubre. "
    "La ministra dijo que se crearon 120.000 empleos en un año. "
    "Según el informe, la mitad de los contratos son temporales. "
    "El sindicato afirmó que los salarios subieron un 2 % en 2025."
)
OTRO = (
    "La alcaldesa aseguró que la ciudad plantó 5.000 árboles en 2024. "
    "Según el ayuntamiento, el tráfico cayó un 10 % en el centro."
)
# English words that are not words of the page's language: one of them on a page is a text
# left untranslated (brand and format names, codes and addresses are removed first).
ENGLISH = set(["the", "and", "of", "to", "your", "you", "is", "are", "with", "for", "from", "by", "this", "that", "these", "those", "has", "have", "had", "been", "was", "were", "be", "it", "its", "they", "their", "them", "can", "could", "cannot", "only", "may", "must", "not", "since", "yet", "still", "already", "here", "there", "what", "which", "who", "when", "where", "why", "how", "all", "any", "each", "every", "some", "none", "nothing", "someone", "more", "other", "others", "after", "before", "about", "into", "out", "new", "open", "claim", "claims", "article", "articles", "review", "reviews", "reviewer", "reviewers", "lead", "leads", "approve", "approved", "reviewed", "returned", "excluded", "draft", "split", "merge", "undo", "undone", "edit", "edited", "save", "saved", "delete", "deleted", "create", "created", "sign", "signed", "password", "account", "accounts", "settings", "search", "filter", "export", "import", "imported", "page", "pages", "back", "next", "previous", "newer", "older", "newest", "show", "hide", "hidden", "link", "links", "evidence", "verdict", "speaker", "statement", "history", "comment", "comments", "note", "reason", "status", "role", "language", "queue", "desk", "inbox", "notice", "notices", "report", "reports", "due", "assigned", "assign", "events", "event", "delivery", "deliveries", "pending", "delivered", "failed", "secret", "version", "versions", "begun", "changed", "got", "longer", "added", "need", "needs", "needed", "yours", "my", "our", "we", "us", "our", "trail", "step", "two", "confirm", "confirmed", "disputed", "unconfirmed", "supports", "contradicts", "context", "worth", "checking", "characters", "reopen", "decision", "span", "own", "submitted", "certainty", "waiting", "archived", "progress", "never", "found", "such", "done", "does", "did", "will", "would", "should", "shall", "than", "then", "also", "just", "please", "select", "selected", "none", "anyone", "anonymous", "system", "line", "command", "request", "requests", "too", "many", "large", "english", "spanish", "french", "german", "portuguese", "detect", "text"])  # fmt: skip
# (the desk's name in its reports is a setting, FACTCHECK_ORGANISATION: data, like a person's name)
# Words of a language spelt like English ones (the browser test's list, and the pages').
SAME_WORD = {
    "de": {"name", "status", "filter", "export", "import", "audit", "version", "link", "links",
           "events", "secret", "text", "was", "so", "man", "also", "hat", "will", "bin", "die"},
    "fr": {"actions", "audit", "version", "versions", "page", "pages", "articles", "article",
           "note", "verdict", "secret", "description", "import", "export", "filter", "events",
           "claims", "context"},
    "pt": {"status", "link", "links", "for"},
}  # fmt: skip
NOT_WORDS = ("Factcheck desk", "link-local", "Factcheck", "ClaimReview", "W3C", "JSON", "JSONL", "ZIP", "CSV", "URL", "API",
             "UTC", "PDF", "HTML", "Markdown", "TOTP", "CSRF", "DRAFT", "Webhooks", "webhook",
             "Krippendorff", "Cohen", "TLS", "ISO")  # fmt: skip
VISIBLE = {"title", "aria-label", "placeholder", "alt"}
SKIP = {"script", "style", "code", "kbd", "pre", "textarea", "template"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


class _Visible(HTMLParser):
    """The text a person reads: text nodes and visible attributes, not code, not the
    article's own text (an element whose lang= is not the page's), not scripts."""

    def __init__(self, lang: str):
        super().__init__(convert_charrefs=True)
        self.lang, self.parts, self.stack = lang, [], []

    def _skipping(self) -> bool:
        return any(self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        other_lang = "lang" in attrs and tag != "html" and attrs["lang"] != self.lang
        skip = tag in SKIP or other_lang or "hidden" in attrs and tag != "input"
        if not self._skipping() and not skip:
            for name in VISIBLE:
                if attrs.get(name):
                    self.parts.append(attrs[name])
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.parts.append(attrs["value"])
        if tag not in VOID:
            self.stack.append(skip)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not self._skipping():
            self.parts.append(data)


def visible_text(html: str, lang: str) -> str:
    parser = _Visible(lang)
    parser.feed(html)
    return " ".join(parser.parts)


def english_left(text: str, lang: str = "es") -> list[str]:
    text = re.sub(r"\S+@\S+|https?://\S+|/\S*", " ", text)  # addresses, paths
    text = re.sub(r"\b[a-z_]+\.[a-z_]+\b", " ", text)  # event codes: claim.approved
    for token in NOT_WORDS:
        text = text.replace(token, " ")
    words = ENGLISH - SAME_WORD.get(lang, set())
    return sorted({w for w in re.findall(r"[^\W\d_]+", text) if w.lower() in words})


def test_the_checker_finds_english():
    html = ('<html lang="es"><body><p>Ya no se puede deshacer: the claims changed since.</p>'
            '<p lang="en">The article text is English</p><code>claim.split</code>'
            '<button title="Save the review">Guardar</button></body></html>')  # fmt: skip
    assert english_left(visible_text(html, "es")) == ["Save", "changed", "claims", "review",
                                                       "since", "the"]  # fmt: skip
    assert english_left("Nada: ana@example.org https://x.org/a claim.approved JSON") == []


# ------------------------------------------------------------------ the desk's state


@pytest.fixture
def desk(app, make_user, make_article):
    """A Spanish desk: an article whose review began after a reviewer's split (so the
    reviewer's undo is refused with the article's status: "article N is in_review: …"),
    a lead's split that took a review since ("the claims changed since (they got
    reviews)"), a disagreement, an approved claim, a second article approved, a webhook."""
    from factcheck.services import approvals, articles, claims, reviews, undo, webhooks

    admin = make_user("admin", name="Ana Pérez")
    lead = make_user("lead", name="Lena Ruiz")
    r1, r2 = make_user("reviewer", name="Rita Gómez"), make_user("reviewer", name="Samuel Díaz")
    article = make_article(text=TEXTO, actor=r1, title="El paro en octubre", language="es")
    ids = [c.id for c in article.claims]
    link = [{"url": "https://www.ine.es/", "title": "INE", "stance": "contradicts"}]
    with transaction() as s:
        c = s.get(Claim, ids[0])
        claims.split_claim(s, actor=r1, claim_id=c.id, at=c.start + 12, version=c.version)
    with transaction() as s:
        reviews.submit_review(s, actor=r2, claim_id=ids[1], verdict="disputed", note="INE",
                              links=link)  # fmt: skip
        reviews.submit_review(s, actor=r1, claim_id=ids[1], verdict="confirmed", note="—",
                              links=[{**link[0], "stance": "supports"}])  # fmt: skip
        reviews.submit_review(s, actor=r2, claim_id=ids[2], verdict="disputed", note="—",
                              links=link)  # fmt: skip
    with transaction() as s:
        approvals.approve_claim(s, actor=lead, claim_id=ids[2], verdict="disputed", note="",
                                version=s.get(Claim, ids[2]).version)  # fmt: skip
    with transaction() as s:
        c = s.get(Claim, ids[3])
        first, _ = claims.split_claim(s, actor=lead, claim_id=c.id, at=c.start + 14,
                                      version=c.version)  # fmt: skip
        split_half = first.id
    with transaction() as s:
        reviews.submit_review(s, actor=r2, claim_id=split_half, verdict="unconfirmed", note="—")
    with transaction() as s:  # the refusals the pages must show translated
        blocked = {who.email: undo.last_undoable_edit(s, actor=who, article_id=article.id)
                   for who in (r1, lead)}  # fmt: skip
    assert blocked[r1.email].blocked.startswith(f"article {article.id} is in_review: ")
    assert blocked[lead.email].blocked == "the claims changed since (they got reviews)"
    other = make_article(text=OTRO, actor=r1, title="Los árboles de la ciudad", language="es")
    with transaction() as s:
        for cid in [c.id for c in other.claims]:
            claims.exclude_claim(s, actor=lead, claim_id=cid, reason="Opinión",
                                 version=s.get(Claim, cid).version)  # fmt: skip
    with transaction() as s:
        articles.approve_article(s, actor=lead, article_id=other.id,
                                 version=s.get(Article, other.id).version,
                                 published_url="https://diario.example/arboles")  # fmt: skip
    with transaction() as s:
        endpoint, _secret = webhooks.create_endpoint(
            s, actor=admin, url="https://93.184.216.34/hook", events=["claim.approved"],
            description="Sistema de publicación",
        )  # fmt: skip
    return {"admin": admin, "lead": lead, "reviewer": r1, "article": article.id,
            "other": other.id, "claim": ids[1], "fresh": ids[0], "webhook": endpoint.id}  # fmt: skip


def _pages(d: dict, role: str) -> list[str]:
    a, o, c = d["article"], d["other"], d["claim"]
    pages = [
        "/articles", f"/articles/{a}", f"/articles/{a}?claim={c}", f"/articles/{a}?claim={d['fresh']}",
        f"/claims/{c}", f"/claims/{c}?panel=workspace", f"/claims/{d['fresh']}?panel=workspace",
        f"/articles/{o}", "/articles/new", "/queue", "/inbox", "/search?q=paro",
        "/search?q=zzzz", "/exports", "/account", "/account/two-step",
        f"/articles/{a}/export?format=html&lang=es", f"/articles/{o}/export?format=html&lang=es",
        "/articles/999999", f"/claims/{c}/nothing-here",
    ]  # fmt: skip
    if role in ("lead", "admin"):
        pages += ["/audit", "/audit?action=claim.split", f"/audit?article_id={a}"]
    if role == "admin":
        pages += ["/audit/verify", "/admin/users", f"/admin/users/{d['reviewer'].id}",
                  "/admin/webhooks", f"/admin/webhooks/{d['webhook']}"]  # fmt: skip
    return pages


LANGS = ("es", "fr", "de", "pt")


def _client(app, login, user, lang):
    """A client whose browser asks for ``lang``, signed in through the form (its flash too)."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
    return login(user, c=client)


@pytest.mark.parametrize("role", ["reviewer", "lead", "admin"])
@pytest.mark.parametrize("lang", LANGS)
def test_no_english_on_any_page(app, desk, login, role, lang):
    client = _client(app, login, desk[role], lang)
    headers = {"Accept-Language": lang, "Sec-Fetch-Site": "same-origin"}
    left = {}
    for path in _pages(desk, role):
        resp = client.get(path, headers=headers, follow_redirects=True)
        assert resp.status_code in (200, 404), (path, resp.status_code)
        if not resp.mimetype.startswith("text/html"):
            continue
        text = visible_text(resp.get_data(as_text=True), lang)
        words = english_left(text, lang)
        if words:
            left[path] = {w: _around(text, w) for w in words}
    assert left == {}, left


def _around(text: str, word: str) -> str:
    """Where the word is on the page, to find its template."""
    m = re.search(rf"\b{word}\b", text)
    return " ".join(text[max(0, m.start() - 60) : m.end() + 40].split()) if m else ""


def _refusals(client, d: dict, headers) -> dict[str, str]:
    """The refusals a page shows after a refused change, by what was tried."""
    a = d["article"]
    out = {}
    resp = client.post(f"/articles/{a}/undo", data={"event_id": "1"}, headers=headers,
                       follow_redirects=True)  # fmt: skip
    out["undo"] = resp.get_data(as_text=True)
    resp = client.post(f"/articles/{a}/language", data={"language": "de"}, headers=headers,
                       follow_redirects=True)  # fmt: skip
    out["language"] = resp.get_data(as_text=True)
    resp = client.post(f"/articles/{a}/claims", data={"start": "0", "end": "5"}, headers=headers,
                       follow_redirects=True)  # fmt: skip
    out["add claim"] = resp.get_data(as_text=True)
    resp = client.post(f"/articles/{d['other']}/approve", data={"version": "1"}, headers=headers,
                       follow_redirects=True)  # fmt: skip
    out["approve"] = resp.get_data(as_text=True)
    resp = client.post(f"/articles/{a}/bulk", headers=headers, follow_redirects=True,
                       data={"action": "approve", "claim_ids": [str(d["fresh"]), str(d["claim"])]})  # fmt: skip
    out["bulk approve"] = resp.get_data(as_text=True)  # per claim: no review yet, reviews disagree
    resp = client.post(f"/articles/{a}/bulk", headers={**headers, "Accept": "application/json"},
                       data={"action": "approve", "claim_ids": [str(d["fresh"])]})  # fmt: skip
    if resp.is_json:  # the page script's answer: its refusals in the page's language too
        refused = [r["detail"] for r in resp.get_json().get("results", []) if not r["ok"]]
        out["bulk approve (script)"] = '<div class="flash flash-error">%s</div>' % (
            " ".join(refused) or resp.get_json().get("detail", "")
        )
    return out


WORDS = {  # the workspace's undo hint, as each language says "article N is in review: …"
    "es": ("Ya no se puede deshacer: el artículo", "está en revisión: la revisión de este artículo ya empezó"),
    "fr": ("Ne peut plus être annulée : l&#39;article", "est en vérification : la vérification de cet article a commencé"),
    "de": ("Kann nicht mehr rückgängig gemacht werden: Artikel", "ist in Prüfung: die Prüfung dieses Artikels hat begonnen"),
    "pt": ("Não pode mais ser desfeita: o artigo", "está em verificação: a verificação deste artigo já começou"),
}  # fmt: skip


@pytest.mark.parametrize("lang", LANGS)
def test_the_undo_hint_and_refusals_are_translated(app, desk, login, api_as, lang):
    """The reviewer's undo hint names the article and its status in the page's language;
    the lead's says why the claims changed; refused changes flash their reason translated.
    The API's detail stays the English the services wrote."""
    headers = {"Accept-Language": lang}
    for role in ("reviewer", "lead"):
        client = _client(app, login, desk[role], lang)
        html = client.get(f"/articles/{desk['article']}", headers=headers).get_data(as_text=True)
        hint = re.search(r'<span class="hint" id="undo-hint">([^<]*)</span>', html)
        assert hint, role
        assert english_left(hint.group(1), lang) == [], (role, hint.group(1))
        if role == "reviewer":
            start, status = WORDS[lang]
            assert start in hint.group(1) and status in hint.group(1), hint.group(1)
        for what, page in _refusals(client, desk, headers).items():
            said = re.findall(r'class="flash flash-error"[^>]*>(.*?)</div>', page, re.S)
            said += re.findall(r'<section class="card narrow">(.*?)</section>', page, re.S)
            assert said, (role, what)  # a flash, or the error page (a reviewer's 403)
            text = visible_text(" ".join(said), lang)
            assert english_left(text, lang) == [], (role, what, text)
    # the API's detail is the English the service wrote (API.md), whatever the browser asks
    db.session.rollback()
    version = db.session.get(Article, desk["article"]).version
    resp = api_as(desk["reviewer"]).put(f"/articles/{desk['article']}/language",
                                        json={"language": "de", "version": version},
                                        headers={"Accept-Language": lang})  # fmt: skip
    assert resp.status_code == 409
    assert resp.get_json()["detail"] == (
        f"article {desk['article']} is in_review: work on its claims has started (reviews, "
        "edits or assignments), and splitting them again in another language would lose it"
    )


@pytest.mark.parametrize("lang", LANGS)
def test_the_error_pages_are_translated(app, login, make_user, lang):
    """A 404 and a 409 error page (a state refusal no form catches) in the page's language."""

    @app.get("/_test/refused")
    def refused():
        raise InvalidTransition(N_("claim %(id)s is %(status)s: %(why)s", id=7, status=ClaimStatus.APPROVED,
                                   why=N_("an approved claim is locked; a lead must reopen it first")))  # fmt: skip

    client = _client(app, login, make_user("reviewer", name="Rita"), lang)
    for path, code in (("/articles/999999", 404), ("/no/such/page", 404), ("/_test/refused", 409)):
        resp = client.get(path, headers={"Accept-Language": lang})
        assert resp.status_code == code, path
        text = visible_text(resp.get_data(as_text=True), lang)
        assert english_left(text, lang) == [], (path, text)
