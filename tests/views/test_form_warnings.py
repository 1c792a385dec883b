"""Forms must render with warnings as errors (the suite's filterwarnings = error)."""

from __future__ import annotations

SHORT = "Prices rose 5% in 2021, the bank said. Unemployment fell to 3.9% in March.\n"


def test_forms_render_without_deprecation_warnings(make_user, client_for, make_article):
    admin = make_user("admin")
    article = make_article(text=SHORT, actor=admin)
    c = client_for(admin)
    assert c.get(f"/claims/{article.claims[0].id}").status_code == 200
    assert c.get("/admin/users").status_code == 200
