"""Flask's signed-cookie session, minus its work on requests that carry no cookie."""

from flask.sessions import SecureCookieSessionInterface


class CookieSessionInterface(SecureCookieSessionInterface):
    """Skip reading a session when the request has no cookies at all.

    Flask builds a cookie signer for every request, which costs more than a health
    check or a first visit needs. Requests with cookies are read exactly as before.
    """

    def open_session(self, app, request):
        """A new empty session when no cookie came; otherwise Flask's own reading."""
        if app.secret_key and not request.headers.get("Cookie"):
            return self.session_class()
        return super().open_session(app, request)
