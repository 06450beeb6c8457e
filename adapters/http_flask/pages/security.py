"""What guards every page: CSRF tokens and a same-origin check on each form
post (S36), and the pages' Content-Security-Policy (S37). Hooks of the pages'
blueprint: the API's requests never run them."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from flask import Flask, Response, abort, g, request, session
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from wtforms import ValidationError

PAGE_CSP = (
    "default-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'none'; object-src 'none'"
)
CSRF_FIELD = "csrf_token"  # Flask-WTF's name for the form field, the session key and g's
SIGNED_TOKENS_KEPT = 4096
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CROSS_SITE = "This form was sent from another site."


def refuse_cross_site_posts() -> None:
    """Unsafe requests to a page must come from this site, by a form of it.

    A browser says where a request comes from in ``Sec-Fetch-Site``, which no
    page's script can set: only ``same-origin`` (or ``none``, typed by the
    person) passes. Browsers too old to send it send ``Origin``, which must
    then be this site's. Either way the form's CSRF token (synchronizer
    pattern, Flask-WTF's) must match the session's. (``Origin`` alone is no
    proof here: under ``Referrer-Policy: no-referrer`` Chromium sends
    ``null``; and Flask-WTF's ``CSRFProtect`` is not used because over HTTPS
    it demands a ``Referer``, which that policy never sends.)
    """
    if request.method in SAFE_METHODS:
        return
    site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    if site is not None:
        if site not in ("same-origin", "none"):
            abort(400, CROSS_SITE)
    elif origin is not None and origin != request.host_url.rstrip("/"):
        abort(400, CROSS_SITE)
    try:
        validate_csrf(request.form.get(CSRF_FIELD))
    except ValidationError as error:
        raise CSRFError(error.args[0]) from None


def new_csrf_secret() -> None:
    """Give a fresh session its CSRF secret now, in the cookie that starts it.

    Flask-WTF would otherwise mint it on the first page that shows a form, and
    that page would answer with a second new cookie. (Flask-WTF keeps the
    signed token of the request in ``g`` under the field's name; it belongs
    to the secret just dropped.)
    """
    g.pop(CSRF_FIELD, None)
    generate_csrf()


def add_page_csp(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = PAGE_CSP
    return response


def csrf_token_source() -> Callable[[], str]:
    """The templates' ``csrf_token()``: Flask-WTF's signed token of the session's secret.

    Speed: Flask-WTF signs the secret again for every page (a tenth of a
    signed-in page's time), yet with no time limit the token it signs is good
    for as long as the secret: the last few thousand secrets' tokens are kept.
    """

    @lru_cache(maxsize=SIGNED_TOKENS_KEPT)
    def signed(_secret: str) -> str:
        return generate_csrf()  # signs the session's secret, which is _secret

    def csrf_token() -> str:
        secret = session.get(CSRF_FIELD)
        return generate_csrf() if secret is None else signed(secret)

    return csrf_token


def init_page_security(app: Flask) -> None:
    app.config.update(WTF_CSRF_TIME_LIMIT=None)  # a token lives as long as its cookie
    app.jinja_env.globals["csrf_token"] = csrf_token_source()
