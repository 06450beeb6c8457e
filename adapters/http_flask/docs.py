"""The OpenAPI document, and interactive docs from Swagger UI files that ship in a
Python package (swagger-ui-py), so they work offline."""

from __future__ import annotations

from importlib import resources
from typing import Any

from flask import Blueprint, Flask, Response, current_app, send_from_directory
from werkzeug import Response as WerkzeugResponse

from adapters.http_flask.context import json_response_of
from adapters.http_flask.openapi import openapi_document

TITLE = "accounts"
VERSION = "1.0.0"
DOCUMENT = "accounts.openapi"
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
)
_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>accounts API</title>
  <link rel="stylesheet" href="/api/docs/static/swagger-ui.css">
  <link rel="icon" href="/api/docs/static/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api/docs/static/swagger-ui-bundle.js"></script>
  <script src="/api/docs/init.js"></script>
</body>
</html>
"""
_INIT = """window.ui = SwaggerUIBundle({
  url: "/api/v1/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
});
"""

spec = Blueprint("openapi", __name__)
docs = Blueprint("docs", __name__, url_prefix="/api/docs")


def document(app: Flask) -> dict[str, Any]:
    """Built once per app: the routes do not change after start-up."""
    if DOCUMENT not in app.extensions:
        app.extensions[DOCUMENT] = openapi_document(app, title=TITLE, version=VERSION)
    built: dict[str, Any] = app.extensions[DOCUMENT]
    return built


@spec.get("/api/v1/openapi.json")
def openapi_json() -> WerkzeugResponse:
    return json_response_of(document(current_app))


@docs.after_request
def docs_csp(response: Response) -> Response:
    """Swagger UI needs its own scripts and styles; the API's policy allows none."""
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response


@docs.get("")
def page() -> Response:
    return Response(_PAGE, mimetype="text/html")


@docs.get("/init.js")
def init() -> Response:
    return Response(_INIT, mimetype="text/javascript")


@docs.get("/static/<path:filename>")
def static(filename: str) -> WerkzeugResponse:
    folder = resources.files("swagger_ui").joinpath("static")
    return send_from_directory(str(folder), filename, max_age=3600)
