"""Every page renders for the role it is meant for; security headers on every page."""

from __future__ import annotations

import re

import pytest

SHORT = "Prices rose 5% in 2021, the bank said. Unemployment fell to 3.9% in March.\n"


def _ok(resp, *needles):
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    assert resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    for needle in needles:
        assert needle in html, needle
    return html


def test_login_page_for_anonymous(client):
    _ok(client.get("/login"), 'name="email"', 'name="password"')


def test_anonymous_is_sent_to_login(client, subtests):
    for path in ("/", "/articles", "/articles/new", "/account", "/audit", "/admin/users", "/queue"):
        with subtests.test(path=path):
            resp = client.get(path)
            assert resp.status_code == 302
            assert "/login" in resp.headers["Location"]


def test_articles_list(make_user, client_for, make_article):
    user = make_user("reviewer")
    article = make_article(text=SHORT, actor=user, title="Prices & <b>wages</b>")
    html = _ok(
        client_for(user).get("/articles"),
        f"/articles/{article.id}",
        "Prices &amp; &lt;b&gt;wages&lt;/b&gt;",
    )
    assert "<b>wages</b>" not in html
    _ok(client_for(user).get("/articles?status=draft&q=Prices"), f"/articles/{article.id}")
    _ok(client_for(user).get("/articles?status=bogus&page=-3"))


def test_home_redirects_to_articles(make_user, client_for):
    resp = client_for(make_user("reviewer")).get("/")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/articles")


def test_import_form(make_user, client_for):
    _ok(
        client_for(make_user("reviewer")).get("/articles/new"),
        'name="text"',
        'name="file"',
        'enctype="multipart/form-data"',
    )


def test_article_page_marks_every_claim(make_user, client_for, make_article):
    user = make_user("reviewer")
    article = make_article(actor=user)
    html = _ok(client_for(user).get(f"/articles/{article.id}"))
    marked = {int(x) for x in re.findall(r'<a class="claim-mark[^"]*" data-claim-id="(\d+)"', html)}
    assert marked == {c.id for c in article.claims}
    assert "Telegram" not in "".join(re.findall(r'data-claim-id="\d+"[^>]*><bdi>([^<]*)', html))
    # the export menu: a GET form to /articles/<id>/export, one button per format
    assert f'action="/articles/{article.id}/export"' in html
    for fmt in ("html", "md", "csv", "json"):
        assert f'name="format" value="{fmt}"' in html


def test_article_page_404(make_user, client_for):
    resp = client_for(make_user("reviewer")).get("/articles/987654")
    assert resp.status_code == 404 and resp.mimetype == "text/html"
    # the refusal stands alone on the page: a sentence (the API keeps the service's words)
    assert "<p>Article 987654 does not exist.</p>" in resp.get_data(as_text=True)


def test_refusal_page_shows_a_sentence_in_the_page_language(make_user, client_for):
    c = client_for(make_user("reviewer"))
    html = c.get("/admin/users", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "<p>Solo un administrador puede hacer esto.</p>" in html


def test_claim_page(make_user, client_for, make_article):
    user = make_user("reviewer")
    article = make_article(text=SHORT, actor=user)
    claim = article.claims[0]
    html = _ok(client_for(user).get(f"/claims/{claim.id}"), f'data-claim-id="{claim.id}"',
               'name="verdict"', 'name="links-0-url"', "History")  # fmt: skip
    assert "Lead decision" not in html  # reviewers get no lead forms
    lead_html = _ok(client_for(make_user("lead")).get(f"/claims/{claim.id}"), "Lead decision")
    assert "Waiting for a review" in lead_html


def test_account_page(make_user, client_for):
    user = make_user("reviewer")
    _ok(client_for(user).get("/account"), user.email, "API tokens", 'name="name"')


def test_admin_pages(make_user, client_for):
    admin, other = make_user("admin"), make_user("reviewer")
    c = client_for(admin)
    _ok(c.get("/admin/users"), other.email, f"/admin/users/{other.id}", "New account")
    _ok(
        c.get(f"/admin/users/{other.id}"),
        other.email,
        'name="role"',
        'name="active"',
        "Reset password",
    )
    assert c.get("/admin/users/987654").status_code == 404


@pytest.mark.parametrize("role", ["reviewer", "lead"])
def test_admin_pages_refused_below_admin(make_user, client_for, role):
    c = client_for(make_user(role))
    assert c.get("/admin/users").status_code == 403
    assert c.get("/audit/verify").status_code == 403


def test_audit_pages(make_user, client_for, make_article):
    lead, admin = make_user("lead"), make_user("admin")
    article = make_article(text=SHORT)
    html = _ok(client_for(lead).get("/audit"), "article.imported", "auth.signed_in")
    assert "Verify the chain" not in html
    _ok(client_for(lead).get(f"/audit?action=article.imported&article_id={article.id}&since=2000-01-01&until=2999-01-01"),
        "article.imported")  # fmt: skip
    filtered = _ok(client_for(lead).get("/audit?action=nothing.like.this"), "No events match")
    assert "article.imported" not in filtered.split("<tbody>")[1]
    assert '<option value="claim.approved">' in filtered  # the action filter lists the enum
    _ok(client_for(admin).get("/audit"), "Verify the chain")
    _ok(client_for(admin).get("/audit/verify"), "OK")


def test_audit_page_pages_by_sequence_number(make_user, client_for, make_article):
    lead = make_user("lead")
    for n in range(30):
        make_article(text=f"Story {n}\n\nThe mayor said {n} buses were bought in 2024.")
    c = client_for(lead)
    first = _ok(c.get("/audit"), "Older →")
    assert "← Newer" not in first
    older = re.search(r'href="([^"]*before_seq=\d+[^"]*)"', first).group(1).replace("&amp;", "&")
    second = _ok(c.get(older), "← Newer", "⇤ Newest")
    seqs = [int(s) for s in re.findall(r"<tr>\s*<td>(\d+)</td>", second)]
    first_seqs = [int(s) for s in re.findall(r"<tr>\s*<td>(\d+)</td>", first)]
    assert len(first_seqs) == 50 and seqs and max(seqs) == min(first_seqs) - 1
    assert client_for(make_user("reviewer")).get("/audit").status_code == 403


def test_security_headers_on_pages(make_user, client_for, client, make_article):
    user = make_user("admin")
    article = make_article(text=SHORT, actor=user)
    c = client_for(user)
    responses = [client.get("/login"), c.get("/articles"), c.get(f"/articles/{article.id}"),
                 c.get(f"/claims/{article.claims[0].id}"), c.get("/account"), c.get("/admin/users"),
                 c.get("/audit"), c.get("/articles/987654"), c.get(f"/articles/{article.id}/export?format=html")]  # fmt: skip
    for resp in responses:
        csp = resp.headers.get("Content-Security-Policy", "")
        script_src = re.search(r"script-src ([^;]*)", csp)
        assert script_src, csp
        assert "'unsafe-inline'" not in script_src.group(
            1
        ) and "'unsafe-eval'" not in script_src.group(1)
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert resp.headers.get("X-Content-Type-Options") == "nosniff"
        assert resp.headers.get("Referrer-Policy")
        assert "no-store" in resp.headers.get("Cache-Control", "")


def test_no_inline_script_in_pages(make_user, client_for, make_article):
    user = make_user("admin")
    article = make_article(text=SHORT, actor=user)
    c = client_for(user)
    for path in (
        "/articles",
        f"/articles/{article.id}",
        f"/claims/{article.claims[0].id}",
        "/account",
        "/audit",
    ):
        html = c.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\son[a-z]+=", html), path
