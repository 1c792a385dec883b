"""Helpers for the HTML page tests: signed-in clients per user and form scraping."""

from __future__ import annotations

import re

import pytest

SHORT = "Prices rose 5% in 2021, the bank said. Unemployment fell to 3.9% in March.\n"


@pytest.fixture(autouse=True)
def _fresh_context_per_request(fresh_contexts):
    """Every request in these tests runs in its own app context (see tests/conftest.py)."""


@pytest.fixture
def client_for(app, login):
    """client_for(user) -> a new test client signed in as that user through the form."""

    def make(user):
        return login(user, c=app.test_client())

    return make


@pytest.fixture
def csrf_token_in():
    """csrf_token_in(html) -> the first CSRF token of a rendered form."""

    def find(html: str) -> str:
        m = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
            r'value="([^"]+)"[^>]*name="csrf_token"', html
        )
        assert m, "no csrf_token field in the page"
        return m.group(1)

    return find


@pytest.fixture
def short_article(make_article):
    return lambda actor=None: make_article(text=SHORT, actor=actor)
