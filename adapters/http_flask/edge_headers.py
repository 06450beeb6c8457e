"""The headers every response carries, added at the WSGI edge."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from adapters.http_flask.request_id import HEADER, request_id_of

if TYPE_CHECKING:
    from _typeshed import OptExcInfo
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

SECURITY_HEADERS = [
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Cache-Control", "no-store"),  # responses carry tokens and personal data (S32)
]
API_CSP = "default-src 'none'; frame-ancestors 'none'"
HSTS = "max-age=31536000; includeSubDomains"


class EdgeHeaders:
    """WSGI middleware: ``X-Request-ID`` and the security headers (S32, S33).

    Here rather than in an ``after_request`` hook: the values are constants,
    so they need none of werkzeug's per-header checks on the hottest path,
    and they reach every response, an unhandled error's included. A response
    that sets its own Content-Security-Policy (the API docs) keeps it.
    Speed: 96 -> 62 us per ``/health`` in process (docs/performance.md).
    """

    def __init__(self, app: WSGIApplication, *, hsts: bool) -> None:
        self._app = app
        self._headers = SECURITY_HEADERS + ([("Strict-Transport-Security", HSTS)] if hsts else [])

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request_id = request_id_of(environ)

        def start(
            status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None
        ) -> Callable[[bytes], object]:
            if not any(name.lower() == "content-security-policy" for name, _ in headers):
                headers.append(("Content-Security-Policy", API_CSP))
            headers.append((HEADER, request_id))
            headers.extend(self._headers)
            return start_response(status, headers, exc_info)

        return self._app(environ, start)
