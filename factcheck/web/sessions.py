"""Flask's signed-cookie sessions, without their work for a request that sends no cookie.

An API request with a bearer token sends no session cookie; Flask's interface still
builds a signing serializer to open it and reads seven cookie settings to save it, on
every request (2-3 % of a review save's CPU). With no cookie the session starts empty
(what Flask's own interface answers then), and an empty session nobody changed has
no cookie to set or delete (only Vary: Cookie if it was read), so both steps return at
once.
"""

from __future__ import annotations

from flask.sessions import SecureCookieSessionInterface


class CookieSessions(SecureCookieSessionInterface):
    def open_session(self, app, request):
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response) -> None:
        if not session and not session.modified:  # Flask's own answer, without its settings
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)
