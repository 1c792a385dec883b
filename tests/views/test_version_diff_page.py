"""The page of what changed between two versions: picker, claim groups, marked text, escaping."""

from __future__ import annotations

import re

from version_helpers import V1, build_three, new_version

from factcheck.extensions import db
from factcheck.models import Article


def _section(html: str, group_label: str) -> str:
    m = re.search(
        r"<h3>" + re.escape(group_label) + r" \(\d+\)</h3>(.*?)</(?:section|details)>", html, re.S
    )
    assert m, group_label
    return m.group(1)


def test_the_page_groups_claims_marks_words_and_links_each_claim(
    client, login, make_article, make_user
):
    article_id, ids, user = build_three(make_article, make_user)
    login(user)
    html = client.get(f"/articles/{article_id}/versions/diff?from=1&to=2").get_data(as_text=True)
    assert "Changes from version 1 to version 2" in html
    edited = _section(html, "Edited")
    assert f'href="/articles/{article_id}?claim={ids["roads"]}#panel"' in edited
    assert (
        ">12<" in edited and ">15<" in edited and "<del>" in edited and "<ins>" in edited
    )  # by word
    assert f"?claim={ids['Opponents']}#panel" in _section(html, "Orphaned (text removed)")
    assert f"?claim={ids['mayor promised']}#panel" in _section(html, "New")
    moved = _section(html, "Moved")
    assert (
        f"?claim={ids['vote was']}#panel" in moved
        and f"?claim={ids['council approved']}#panel" in moved
    )
    number = db.session.get(Article, article_id).claims[0].number
    assert f"Claim {number}</a>" in html  # the kept number
    # the text: the changed word, labelled for screen readers, not by colour alone
    assert (
        '<del><span class="sr-only">[removed: </span>12<span class="sr-only">]</span></del>' in html
    )
    assert (
        '<ins><span class="sr-only">[added: </span>15<span class="sr-only">]</span></ins>' in html
    )
    # the picker: both selects, on the versions asked for
    assert re.search(r'name="from">.*?<option value="1" selected>', html, re.S)
    assert re.search(r'name="to">.*?<option value="2" selected>', html, re.S)
    # no review verdict or note on this page (blind review)
    assert "verdict" not in html.lower()


def test_default_pair_several_steps_and_the_article_page_link(
    client, login, make_article, make_user
):
    article_id, ids, user = build_three(make_article, make_user)
    login(user)
    html = client.get(f"/articles/{article_id}/versions/diff").get_data(as_text=True)
    assert "Changes from version 2 to version 3" in html
    assert f"?claim={ids['mayor promised']}#panel" in _section(html, "Orphaned (text removed)")
    html = client.get(f"/articles/{article_id}/versions/diff?from=1&to=3").get_data(as_text=True)
    assert "mayor promised" not in html.split('id="text-changes"')[0]  # came and went in between
    assert ">12<" in _section(html, "Edited") and ">18<" in _section(html, "Edited")
    show = client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert f'href="/articles/{article_id}/versions/diff?from=2&amp;to=3"' in show
    assert f'href="/articles/{article_id}/versions/diff"' in show


def test_bad_version_numbers_are_clear_errors(client, login, make_article, make_user):
    article_id, _ids, user = build_three(make_article, make_user)
    login(user)
    for query, status, words in (("from=9&to=3", 404, "no version 9"), ("from=3&to=1", 422, "comes after"),
                                 ("from=x", 422, "must be a version number"), ("from=-1", 422, "must be a version number")):  # fmt: skip
        r = client.get(f"/articles/{article_id}/versions/diff?{query}")
        assert r.status_code == status, query
        assert words in r.get_data(as_text=True), query
    assert client.get(f"/articles/{article_id + 50}/versions/diff").status_code == 404


def test_html_in_the_article_is_escaped_in_the_diff(client, login, make_article, make_user):
    user = make_user("reviewer")
    article = make_article(text=V1, actor=user)
    evil = V1.replace(
        "The vote was 7 to 2.", "The vote was 7 to 2 <script>alert(1)</script> & <b>more</b>."
    )
    new_version(user, article.id, evil)
    assert "<script>" in db.session.get(Article, article.id).body  # kept as text
    login(user)
    html = client.get(f"/articles/{article.id}/versions/diff").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<b>more" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_diff_past_the_word_budget_says_so(client, login, make_article, make_user, monkeypatch):
    from factcheck.text import diffing

    article_id, _ids, user = build_three(make_article, make_user)
    login(user)
    url = f"/articles/{article_id}/versions/diff?from=1&to=2"
    assert "too large to mark word by word" not in client.get(url).get_data(as_text=True)
    monkeypatch.setattr(diffing, "WORD_BUDGET", 3)
    html = client.get(url).get_data(as_text=True)
    assert "too large to mark word by word" in html
    assert "[removed: </span>12<" not in html.split('id="text-changes"')[1]  # shown whole


def test_the_page_speaks_the_readers_language(client, login, make_article, make_user):
    article_id, _ids, user = build_three(make_article, make_user)
    login(user)
    expected = {"de": "Änderungen von Fassung 1 zu Fassung 2", "es": "Cambios de la versión 1 a la versión 2",
                "fr": "Changements de la version 1 à la version 2", "pt": "Mudanças da versão 1 para a versão 2"}  # fmt: skip
    for lang, heading in expected.items():
        r = client.get(
            f"/articles/{article_id}/versions/diff?from=1&to=2", headers={"Accept-Language": lang}
        )
        assert heading in r.get_data(as_text=True), lang
