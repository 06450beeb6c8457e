"""What guards every page: CSRF tokens and a same-origin check on each form
post (S36), and the pages' Content-Security-Policy (S37). Hooks of the pages'
blueprint: the API's requests never run them."""

from __future__ import annotations

from flask import Flask, Response, abort, request
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from wtforms import ValidationError

PAGE_CSP = (
    "default-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'none'; object-src 'none'"
)
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
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError as error:
        raise CSRFError(error.args[0]) from None


def add_page_csp(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = PAGE_CSP
    return response


def init_page_security(app: Flask) -> None:
    app.config.update(WTF_CSRF_TIME_LIMIT=None)  # a token lives as long as its cookie
    app.jinja_env.globals["csrf_token"] = generate_csrf
