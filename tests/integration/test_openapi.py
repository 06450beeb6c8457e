"""The OpenAPI document: generated from the code, committed, valid, complete; the docs page."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask
from openapi_spec_validator import validate

from adapters.http_flask.cli import openapi_text
from adapters.http_flask.routing import is_api_path
from main import create_app
from settings import ROOT
from tests.support.api import PRODUCTION_REQUIRED, Api, assert_problem, make_settings

UNDOCUMENTED = {"/metrics", "/api/v1/openapi.json", "/static/<path:filename>"}


def test_the_committed_openapi_json_is_the_generated_one(app: Flask) -> None:
    """Regenerate with `flask --app main openapi` when this fails, and review the diff."""
    assert (ROOT / "openapi.json").read_text() == openapi_text(app)


def test_the_document_is_valid_openapi_3_1(app: Flask) -> None:
    document = json.loads(openapi_text(app))
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_api_route_is_documented(app: Flask) -> None:
    documented = json.loads(openapi_text(app))["paths"]
    for rule in app.url_map.iter_rules():
        if (
            rule.rule in UNDOCUMENTED
            or rule.rule.startswith("/api/docs")
            or not is_api_path(rule.rule)  # the pages: docs/pages.md
        ):
            continue
        path = rule.rule.replace("<uuid:", "{").replace(">", "}")
        methods = (rule.methods or set()) - {"HEAD", "OPTIONS"}
        assert path in documented, path
        assert {m.lower() for m in methods} <= set(documented[path]), path


def test_operations_document_their_statuses_and_security(app: Flask) -> None:
    paths = json.loads(openapi_text(app))["paths"]
    register = paths["/api/v1/auth/register"]["post"]
    assert set(register["responses"]) >= {"201", "400", "409", "413", "415", "422", "429", "503"}
    assert "security" not in register
    patch = paths["/api/v1/users/{user_id}"]["patch"]
    assert patch["security"] == [{"bearerAuth": []}]
    assert set(patch["responses"]) >= {"200", "401", "403", "404", "409", "422"}
    listing = paths["/api/v1/users"]["get"]
    per_page = next(p for p in listing["parameters"] if p["name"] == "per_page")
    assert (per_page["schema"]["minimum"], per_page["schema"]["maximum"]) == (1, 100)


def test_the_api_serves_the_document(api: Api, app: Flask) -> None:
    response = api.client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json == json.loads(openapi_text(app))


def test_the_openapi_command_writes_the_document(app: Flask, tmp_path: Path) -> None:
    target = tmp_path / "openapi.json"
    result = app.test_cli_runner().invoke(args=["openapi", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text() == openapi_text(app)


def test_docs_are_served_offline_with_their_own_policy(api: Api) -> None:
    page = api.client.get("/api/docs")
    assert page.status_code == 200
    assert 'src="/api/docs/static/swagger-ui-bundle.js"' in page.get_data(as_text=True)
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers.getlist("Content-Security-Policy") == [
        page.headers["Content-Security-Policy"]
    ]
    bundle = api.client.get("/api/docs/static/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    assert len(bundle.get_data()) > 100_000
    bundle.close()
    assert api.client.get("/api/docs/init.js").mimetype == "text/javascript"


def test_docs_are_off_in_production_unless_asked_for(database_url: str) -> None:
    production = {"env": "production", "argon2_profile": "owasp-minimum"}
    closed = create_app(make_settings(database_url, api_docs=False, **production)).test_client()
    assert_problem(closed.get("/api/docs"), 404)
    assert closed.get("/api/v1/openapi.json").status_code == 200
    opened = create_app(make_settings(database_url, **production)).test_client()
    assert opened.get("/api/docs").status_code == 200


def test_api_docs_default_on_in_development_off_in_production() -> None:
    from settings import Settings

    secrets = {"SECRET_KEY": "s" * 32, "JWT_SECRET_KEY": "j" * 32, **PRODUCTION_REQUIRED}
    assert Settings.from_env(secrets).api_docs
    assert not Settings.from_env({**secrets, "APP_ENV": "production"}).api_docs
    assert Settings.from_env({**secrets, "APP_ENV": "production", "API_DOCS": "1"}).api_docs


def test_every_link_targets_an_operation_of_the_document(app: Flask) -> None:
    paths = json.loads(openapi_text(app))["paths"]
    operations = {op["operationId"] for path in paths.values() for op in path.values()}
    links = [
        link
        for path in paths.values()
        for op in path.values()
        for response in op["responses"].values()
        for link in response.get("links", {}).values()
    ]
    assert len(links) >= 4
    assert {link["operationId"] for link in links} <= operations
