"""What guards every page: CSRF tokens and a same-origin check on each form
post (S36), and the pages' Content-Security-Policy (S37)."""

from __future__ import annotations

from flask import Flask, Response, abort, request
from flask_wtf.csrf import CSRFProtect

from adapters.http_flask.routing import is_api_path

PAGE_CSP = (
    "default-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'none'; object-src 'none'"
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
csrf = CSRFProtect()


def refuse_cross_site_posts() -> None:
    """Unsafe requests to a page must come from this site, by a form of it.

    A browser says where a request comes from in ``Sec-Fetch-Site``, which no
    page's script can set: only ``same-origin`` (or ``none``, typed by the
    person) passes. Browsers too old to send it send ``Origin``, which must
    then be this site's. Either way the form's CSRF token (synchronizer
    pattern) must then match the session's. (``Origin`` alone is no proof
    here: under ``Referrer-Policy: no-referrer`` Chromium sends ``null``.)
    """
    if request.method in SAFE_METHODS or is_api_path(request.path) or request.url_rule is None:
        return  # nothing to change: the path or the method has no view (404, 405)
    site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    if site is not None:
        if site not in ("same-origin", "none"):
            abort(400, "This form was sent from another site.")
    elif origin is not None and origin != request.host_url.rstrip("/"):
        abort(400, "This form was sent from another site.")
    csrf.protect()


def add_page_csp(response: Response) -> Response:
    if not is_api_path(request.path) and "Content-Security-Policy" not in response.headers:
        response.headers["Content-Security-Policy"] = PAGE_CSP
    return response


def init_page_security(app: Flask) -> None:
    app.config.update(WTF_CSRF_CHECK_DEFAULT=False, WTF_CSRF_TIME_LIMIT=None)
    csrf.init_app(app)
    app.before_request(refuse_cross_site_posts)
    app.after_request(add_page_csp)
