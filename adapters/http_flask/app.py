"""The Flask app factory: the HTTP adapter (and its CLI) around the core."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

from flask import Flask, request
from flask_cors import CORS
from werkzeug.middleware.proxy_fix import ProxyFix

from adapters.http_flask import (
    audit,
    auth,
    docs,
    health,
    jwks,
    mail_flows,
    passkeys,
    posts,
    second_factors,
    users,
)
from adapters.http_flask.cli import Migrations, init_cli
from adapters.http_flask.context import EXTENSION
from adapters.http_flask.edge_headers import EdgeHeaders
from adapters.http_flask.health import READINESS_CHECKS, ReadinessChecks
from adapters.http_flask.jwks import JWKS
from adapters.http_flask.observability import (
    MetricsRenderer,
    RequestObserver,
    init_observability,
)
from adapters.http_flask.pages import PagesConfig, init_pages
from adapters.http_flask.problems import Problem, init_problem_handlers
from application.core import Core

TOKEN_PARAMETERS = frozenset({"access_token", "refresh_token", "token"})


def build_app(
    core: Core,
    *,
    migrations: Migrations,
    readiness_checks: ReadinessChecks,
    max_body_bytes: int = 64 * 1024,
    trusted_proxies: int = 0,
    cors_origins: Sequence[str] = (),
    hsts: bool = False,
    api_docs: bool = False,
    observe_request: RequestObserver | None = None,
    render_metrics: MetricsRenderer | None = None,
    metrics_token: str | None = None,
    pages: PagesConfig | None = None,
    audit_retention: timedelta = timedelta(days=365),
    public_keys: Sequence[Mapping[str, str]] = (),  # the JWKS: RS256/EdDSA keys as JWKs
) -> Flask:
    app = Flask(__name__)
    # Werkzeug answers "//x" with a 308 whose absolute Location is built from
    # the request's Host header; a path with an empty segment is a 404 instead.
    app.url_map.merge_slashes = False
    app.wsgi_app = EdgeHeaders(app.wsgi_app, hsts=hsts)  # type: ignore[method-assign]
    if trusted_proxies:
        # X-Forwarded-For is believed only for that many proxy hops; a client
        # cannot choose its own address by sending the header itself (S11).
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=trusted_proxies, x_proto=trusted_proxies
        )
    # The API keeps no cookie session: only the pages set a SECRET_KEY, and
    # their session interface opens no session on the API's paths.
    app.config.update(MAX_CONTENT_LENGTH=max_body_bytes)
    app.extensions[EXTENSION] = core
    app.extensions[READINESS_CHECKS] = readiness_checks
    app.extensions[JWKS] = {"keys": [dict(key) for key in public_keys]}
    init_observability(
        app, observe=observe_request, render_metrics=render_metrics, metrics_token=metrics_token
    )
    init_problem_handlers(app)

    @app.before_request
    def refuse_tokens_in_query() -> None:
        """Tokens in a URL end up in logs, histories and Referer headers (S21)."""
        if request.query_string and not TOKEN_PARAMETERS.isdisjoint(request.args):
            raise Problem(
                400,
                "token-in-query",
                "Token in query string",
                "Tokens are accepted only in the Authorization header or the JSON body.",
            )

    if cors_origins:
        # An explicit allowlist; credentials are never allowed (tokens travel in
        # the Authorization header, not cookies), so a "*" can never leak them.
        CORS(
            app,
            origins=list(cors_origins),
            supports_credentials=False,
            send_wildcard="*" in cors_origins,
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Location", "Link", "Retry-After"],
            max_age=600,
        )

    for blueprint in (
        auth.bp,
        mail_flows.bp,
        users.bp,
        second_factors.bp,
        passkeys.bp,
        posts.bp,
        audit.bp,
        health.bp,
        jwks.bp,
        docs.spec,
    ):
        app.register_blueprint(blueprint)
    if pages is not None:
        init_pages(app, pages)
    if api_docs:
        app.register_blueprint(docs.docs)
    init_cli(app, core, migrations, audit_retention)
    return app
