"""The browser session: Flask-Login over the core's own sessions (S35).

The cookie is Flask's signed session cookie, and the user id Flask-Login keeps
in it is the opaque token of a browser session of the core: each request turns
it back into a ``Caller`` through ``authenticate_browser``, so a session
revoked anywhere (the API, another browser, a password change, deactivation)
signs this browser out at its next request. Paths of the API get no session
at all: no cookie is read or set there.
"""

from __future__ import annotations

from typing import cast

from flask import Flask, Request, redirect, request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from itsdangerous import URLSafeTimedSerializer
from werkzeug import Response

from adapters.http_flask.context import core, known_caller
from adapters.http_flask.pages.next_url import to_sign_in
from adapters.http_flask.pages.security import new_csrf_secret
from adapters.http_flask.routing import is_api_path
from application.caller import Caller
from application.sessions.browser import BrowserSignIn
from domain.errors import InvalidToken

SERIALIZER = "accounts.page_cookie_serializer"


class PageSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, for the pages' paths only."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if is_api_path(request.path):
            return None  # a null session: nothing read, nothing ever set
        return super().open_session(app, request)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        # Speed: Flask builds the serializer (and derives its key) on every
        # request; the key never changes while the app runs, so it is built once.
        serializer: URLSafeTimedSerializer | None = app.extensions.get(SERIALIZER)
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            app.extensions[SERIALIZER] = serializer
        return serializer


class PageUser(UserMixin):  # type: ignore[misc]
    """The signed-in person of a page request: the core's ``Caller`` and its token."""

    def __init__(self, token: str, caller: Caller) -> None:
        self.token = token
        self.caller = caller

    def get_id(self) -> str:
        return self.token


def load_user(token: str) -> PageUser | None:
    try:
        return PageUser(token, known_caller(core().sessions.authenticate_browser(token)))
    except InvalidToken:
        return None


def init_browser_sessions(app: Flask) -> None:
    app.session_interface = PageSessionInterface()
    manager = LoginManager(app)
    manager.session_protection = None  # the token is the session: nothing to pin to an address
    manager.user_loader(load_user)
    manager.unauthorized_handler(lambda: redirect(to_sign_in(request.full_path), 303))


def signed_in() -> PageUser:
    """The signed-in person of a view behind ``login_required``."""
    return cast(PageUser, current_user._get_current_object())


def start_browser_session(result: BrowserSignIn, remember: bool) -> None:
    """A fresh cookie for a fresh session: nothing of the signed-out visit
    (a CSRF secret, messages) carries over (no fixation, S35)."""
    session.clear()
    if remember:
        session.permanent = True
    login_user(PageUser(result.token, Caller(result.user, result.session_id)))
    # Flask-Login's "_id" pins a session to an address and browser for its
    # session protection, which is off: the cookie stays short without it.
    session.pop("_id", None)
    new_csrf_secret()


def end_browser_session() -> None:
    logout_user()
    session.clear()


def redirect_to(location: str) -> Response:
    """After a form: 303, so a reload does not post it again."""
    return redirect(location, 303)
