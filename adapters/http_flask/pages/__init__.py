"""The pages for people: a second driving adapter beside the JSON API.

Server-rendered HTML calling the same use cases as the API, with a browser
session of the core's own (``browser_session.py``), CSRF-protected forms
(``forms.py``, ``security.py``) and HTML error pages for its paths. Nothing
here reaches the API's responses: its paths get no cookie and keep their own
headers. Set up by ``init_pages``, called from the app factory.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import Blueprint, Flask

from adapters.http_flask.pages import (
    account,
    admin,
    dev_mail,
    mail,
    passkey_sign_in,
    posts,
    public,
    second_factors,
)
from adapters.http_flask.pages.browser_session import init_browser_sessions
from adapters.http_flask.pages.errors import init_error_pages
from adapters.http_flask.pages.security import (
    add_page_csp,
    init_page_security,
    refuse_cross_site_posts,
)


@dataclass(frozen=True, slots=True)
class PagesConfig:
    """What the pages need from the settings."""

    secret_key: bytes  # signs the cookie; derived from SECRET_KEY for this use alone
    cookie_name: str
    cookie_secure: bool
    remembered_for: timedelta  # a "remember me" cookie's life, renewed by each visit
    api_docs: bool
    dev_mailbox: bool = False  # MAIL_URL=dev://: /dev/mail shows the outbox


def init_pages(app: Flask, config: PagesConfig) -> None:
    app.config.update(
        SECRET_KEY=config.secret_key,
        SESSION_COOKIE_NAME=config.cookie_name,
        SESSION_COOKIE_SECURE=config.cookie_secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=config.remembered_for,
        API_DOCS_LINK=config.api_docs,
    )
    init_browser_sessions(app)
    init_page_security(app)
    init_error_pages(app)
    # One parent for every page: its hooks run for the pages' views alone.
    pages = Blueprint("pages", __name__)
    pages.before_request(refuse_cross_site_posts)
    pages.after_request(add_page_csp)
    for blueprint in (
        public.bp,
        passkey_sign_in.bp,
        account.bp,
        second_factors.bp,
        admin.bp,
        mail.bp,
        posts.bp,
    ):
        pages.register_blueprint(blueprint)
    if config.dev_mailbox:
        pages.register_blueprint(dev_mail.bp)
    app.register_blueprint(pages)
    share_macros(app)


def share_macros(app: Flask) -> None:
    """The macros of ``_fields.html`` as globals of every page's template.

    Speed: ``{% from ... import %}`` builds the macros' module afresh at each
    render (Flask's context adds names the cached module lacks), which cost a
    fifth of rendering a page; built once here, they are shared.
    """
    macros = app.jinja_env.get_template("pages/_fields.html").module
    for name in ("csrf", "field", "form_errors"):
        app.jinja_env.globals[name] = getattr(macros, name)
