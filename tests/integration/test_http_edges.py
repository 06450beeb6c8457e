"""What every endpoint shares: problem details, body rules, request ids, caching, health."""

from __future__ import annotations

import dataclasses
import io
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from adapters.http_flask import server_errors
from adapters.http_flask.context import EXTENSION
from main import create_app
from settings import Settings
from tests.support.api import PASSWORD, Api, assert_problem, make_settings

REGISTER = "/api/v1/auth/register"


def test_unknown_route_is_a_404_problem(api: Api) -> None:
    body = assert_problem(api.client.get("/api/v1/nowhere"), 404, "not-found")
    assert body["instance"] == "/api/v1/nowhere"


def test_wrong_method_is_a_405_problem_with_allow(api: Api) -> None:
    response = api.client.delete("/api/v1/auth/register")
    assert_problem(response, 405, "method-not-allowed")
    assert "POST" in response.headers["Allow"]


def test_s30_body_over_the_limit_is_413_before_parsing(api: Api) -> None:
    huge = b'{"email": "' + b"a" * (64 * 1024) + b'"}'
    assert_problem(api.client.post(REGISTER, data=huge, content_type="application/json"), 413)
    # also when the type is wrong: the size is checked first
    assert_problem(api.client.post(REGISTER, data=huge, content_type="text/plain"), 413)


def test_s30_chunked_body_over_the_limit_is_413_not_cut(api: Api) -> None:
    """A server that de-chunks (gunicorn) gives no Content-Length; the limit still holds."""
    huge = b'{"email": "' + b"a" * (64 * 1024) + b'"}'
    response = api.client.post(
        REGISTER,
        input_stream=io.BytesIO(huge),
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert_problem(response, 413)


def test_body_limit_is_configurable(database_url: str) -> None:
    client = create_app(make_settings(database_url, max_body_bytes=100)).test_client()
    body = {"email": "ada@example.com", "name": "A" * 80, "password": PASSWORD}
    assert_problem(client.post(REGISTER, json=body), 413)


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_s30_wrong_media_type_is_415(api: Api, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = api.client.post(REGISTER, data='{"email": "a@b.co"}', headers=headers)
    assert_problem(response, 415, "unsupported-media-type")


def test_json_with_a_charset_parameter_is_accepted(api: Api) -> None:
    response = api.client.post(
        REGISTER,
        data=json.dumps({"email": "ada@example.com", "name": "Ada", "password": PASSWORD}),
        content_type="application/json; charset=utf-8",
    )
    assert response.status_code == 201


@pytest.mark.parametrize("raw", [b"{", b"", b'{"email": }', b"\xff\xfe{}", b"{'a': 1}"])
def test_unparseable_json_is_400(api: Api, raw: bytes) -> None:
    assert_problem(api.client.post(REGISTER, data=raw, content_type="application/json"), 400)


def test_a_json_object_with_a_key_twice_is_400_not_last_wins(api: Api) -> None:
    api.register("a@example.com")
    api.register("b@example.com")
    raw = b'{"email": "a@example.com", "email": "b@example.com", "password": "%s"}' % (
        PASSWORD.encode()
    )
    response = api.client.post("/api/v1/auth/login", data=raw, content_type="application/json")
    assert "same key twice" in assert_problem(response, 400)["detail"]
    nested = b'{"email": "a@example.com", "password": {"x": 1, "x": 2}}'
    response = api.client.post("/api/v1/auth/login", data=nested, content_type="application/json")
    assert_problem(response, 400)


def test_json_nested_deeper_than_python_recurses_is_400(api: Api) -> None:
    raw = b"[" * 30_000 + b"]" * 30_000
    assert_problem(api.client.post(REGISTER, data=raw, content_type="application/json"), 400)


@pytest.mark.parametrize("path", ["//api/v1/auth/me", "/api/v1//auth/me", "//evil.example/x"])
def test_a_path_with_an_empty_segment_is_404_and_never_a_redirect(api: Api, path: str) -> None:
    """A 404 (problem details under /api/, a page elsewhere), never a Location."""
    response = api.client.get(path, headers={"Host": "evil.example"})
    assert response.status_code == 404
    assert "Location" not in response.headers
    if path.startswith("/api/"):
        assert_problem(response, 404)


@pytest.mark.parametrize("raw", [b"[]", b'"text"', b"42", b"null"])
def test_json_that_is_not_an_object_is_422(api: Api, raw: bytes) -> None:
    assert_problem(api.client.post(REGISTER, data=raw, content_type="application/json"), 422)


def test_s8_validation_errors_never_echo_the_input(api: Api) -> None:
    secret = "x" * 2000
    response = api.client.post(
        "/api/v1/auth/login", json={"email": "ada@example.com", "password": secret}
    )
    assert_problem(response, 422)
    assert "xxxxxxxxxx" not in response.get_data(as_text=True)


def test_request_id_is_echoed_when_sane_and_made_otherwise(api: Api) -> None:
    for sane in ["3f2c9a1e-client-id", "abc-123", "7", "x" * 128]:
        echoed = api.client.get("/health", headers={"X-Request-ID": sane}).headers["X-Request-ID"]
        assert echoed == sane
    for insane in ["", "has space in it", "x" * 129, "<script>alert(1)</script>", "a\u00e9"]:
        made = api.client.get("/health", headers={"X-Request-ID": insane}).headers["X-Request-ID"]
        assert made != insane
        assert len(made) == 32


def test_s21_tokens_in_the_query_string_are_refused(api: Api) -> None:
    tokens = api.signup()
    for name in ("access_token", "token", "refresh_token"):
        response = api.call("GET", f"/api/v1/auth/me?{name}={tokens['access_token']}", tokens)
        assert_problem(response, 400, "token-in-query")
    response = api.client.get(f"/api/v1/auth/me?access_token={tokens['access_token']}")
    assert response.status_code == 400


def test_a_204_has_neither_body_nor_content_type(api: Api) -> None:
    tokens = api.signup()
    response = api.call("POST", "/api/v1/auth/logout", tokens)
    assert response.status_code == 204
    assert response.data == b""
    assert "Content-Type" not in response.headers


def test_s32_every_response_is_no_store(api: Api) -> None:
    tokens = api.signup()
    for response in (
        api.client.get("/health"),
        api.client.get("/nowhere"),
        api.call("GET", "/api/v1/auth/me", tokens),
        api.login(),
    ):
        assert response.headers["Cache-Control"] == "no-store"


def test_s31_an_unexpected_error_is_a_bare_500_and_the_cause_is_logged(
    app: Flask, api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(_token: str) -> Any:
        raise RuntimeError("SELECT password_hash FROM users -- secret detail")

    core = app.extensions[EXTENSION]
    sessions = dataclasses.replace(core.sessions, authenticate=explode)
    app.extensions[EXTENSION] = dataclasses.replace(core, sessions=sessions)
    with caplog.at_level(logging.ERROR):
        response = api.client.get(
            "/api/v1/auth/me",
            headers={"Authorization": "Bearer x", "X-Request-ID": "trace-me-please"},
        )
    body = assert_problem(response, 500, "internal-error")
    text = response.get_data(as_text=True)
    assert "SELECT" not in text
    assert "Traceback" not in text
    assert "RuntimeError" not in text
    assert body["request_id"] == "trace-me-please"
    record = next(r for r in caplog.records if r.exc_info)
    assert "secret detail" in str(record.exc_info[1])
    assert record.request_id == "trace-me-please"  # type: ignore[attr-defined]


def test_health_is_200(api: Api) -> None:
    response = api.client.get("/health")
    assert (response.status_code, response.json) == (200, {"status": "healthy"})


def test_ready_is_200_with_the_database_check(api: Api) -> None:
    response = api.client.get("/health/ready")
    assert response.status_code == 200
    assert response.json == {"status": "ready", "checks": {"database": "ok"}}


def test_ready_is_503_naming_the_failing_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing-dir' / 'accounts.db'}"
    client = create_app(make_settings(url)).test_client()
    body = assert_problem(client.get("/health/ready"), 503, "not-ready")
    assert body["checks"] == {"database": "unavailable"}
    assert "database" in body["detail"]


def test_s33_security_headers_on_every_response(api: Api) -> None:
    for response in (
        api.client.get("/health"),
        api.client.get("/nowhere"),
        api.register(),
        api.login(password="wrong"),
    ):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert "Strict-Transport-Security" not in response.headers  # development


def test_s33_hsts_in_production(database_url: str) -> None:
    settings = make_settings(database_url, env="production", argon2_profile="owasp-minimum")
    client = create_app(settings).test_client()
    hsts = client.get("/health").headers["Strict-Transport-Security"]
    assert hsts.startswith("max-age=31536000")


PREFLIGHT = {
    "Origin": "https://app.example",
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "Authorization, Content-Type",
}


def test_s33_cors_is_off_by_default(api: Api) -> None:
    response = api.client.options("/api/v1/auth/login", headers=PREFLIGHT)
    assert "Access-Control-Allow-Origin" not in response.headers
    response = api.client.get("/health", headers={"Origin": "https://app.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_s33_cors_allows_only_the_listed_origins_and_never_credentials(
    database_url: str,
) -> None:
    settings = make_settings(database_url, cors_origins=("https://app.example",))
    client = create_app(settings).test_client()
    allowed = client.options("/api/v1/auth/login", headers=PREFLIGHT)
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert "authorization" in allowed.headers["Access-Control-Allow-Headers"].lower()
    assert "Access-Control-Allow-Credentials" not in allowed.headers
    other = client.options(
        "/api/v1/auth/login", headers={**PREFLIGHT, "Origin": "https://evil.example"}
    )
    assert "Access-Control-Allow-Origin" not in other.headers
    exposed = client.get("/health", headers={"Origin": "https://app.example"})
    assert "X-Request-ID" in exposed.headers["Access-Control-Expose-Headers"]


def test_s33_a_wildcard_origin_comes_without_credentials(database_url: str) -> None:
    client = create_app(make_settings(database_url, cors_origins=("*",))).test_client()
    response = client.get("/health", headers={"Origin": "https://anyone.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_cors_origins_come_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "SECRET_KEY": "s" * 32,
            "JWT_SECRET_KEY": "j" * 32,
            "CORS_ORIGINS": "https://a.example, https://b.example,",
        }
    )
    assert settings.cors_origins == ("https://a.example", "https://b.example")


def test_s31_gunicorns_own_500_says_nothing_of_its_cause() -> None:
    """gunicorn answers 500 itself when the app breaks outside Flask (a bad header)."""
    head, _, body = server_errors.problem_bytes(500).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 500 Internal Server Error\r\n")
    assert json.loads(body) | {"request_id": None} == {
        "type": "https://accounts.example/problems/internal-error",
        "title": "Internal Server Error",
        "status": 500,
        "detail": "The server could not complete the request.",
        "request_id": None,
    }


class BrokenStream(io.RawIOBase):
    """A body that breaks off as it is read, as a server reports a malformed framing."""

    def readable(self) -> bool:
        return True

    def readinto(self, _buffer: Any) -> int:
        raise OSError('chunk size invalid: b\'{"password": "hunter2"}\'')


def test_a_body_whose_framing_breaks_is_400_and_its_bytes_are_not_logged(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        response = api.client.post(
            "/api/v1/auth/login",
            content_type="application/json",
            headers={"Transfer-Encoding": "chunked"},
            environ_overrides={"wsgi.input": BrokenStream(), "wsgi.input_terminated": True},
        )
    assert "malformed" in assert_problem(response, 400)["detail"]
    assert "hunter2" not in caplog.text
