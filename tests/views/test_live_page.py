"""The workspace page tells its script where and how often to ask what changed
(FACTCHECK_LIVE_POLL_SECONDS; 0 turns live updates off)."""

from __future__ import annotations

from dataclasses import replace

from factcheck.settings import app_settings


def test_the_workspace_names_its_changes_url_and_interval(
    app, client, make_user, make_article, login
):
    user = make_user("reviewer")
    article = make_article(actor=user)
    login(user)
    html = client.get(f"/articles/{article.id}").get_data(as_text=True)
    assert f'data-live-url="/api/v1/articles/{article.id}/changes"' in html
    assert 'data-live-seconds="4"' in html and 'class="live-notice" role="status"' in html
    app.extensions["factcheck"] = replace(app_settings(app), LIVE_POLL_SECONDS=0)
    html = client.get(f"/articles/{article.id}").get_data(as_text=True)
    assert "data-live-url" not in html and "data-live-seconds" not in html
