"""Request log lines, metrics, and what they must never contain."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from adapters.http_flask.request_id import RequestContextFilter
from adapters.observability.json_logs import JsonLineFormatter
from main import create_app
from tests.support.api import PASSWORD, Api, assert_problem, make_settings


@pytest.fixture
def request_lines() -> Iterator[io.StringIO]:
    """The request logger's output as JSON lines, as production writes them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonLineFormatter())
    logger = logging.getLogger("accounts.request")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)


def test_one_json_line_per_request_with_route_template_and_user(
    api: Api, request_lines: io.StringIO
) -> None:
    tokens = api.signup()
    api.call(
        "GET",
        f"/api/v1/users/{tokens['user']['id']}",
        tokens,
        headers={"X-Request-ID": "trace-1234"},
    )
    lines = [json.loads(line) for line in request_lines.getvalue().splitlines()]
    assert [(line["method"], line["path"], line["status"]) for line in lines] == [
        ("POST", "/api/v1/auth/register", 201),
        ("POST", "/api/v1/auth/login", 200),
        ("GET", "/api/v1/users/<uuid:user_id>", 200),
    ]
    last = lines[-1]
    assert last["request_id"] == "trace-1234"
    assert last["user_id"] == tokens["user"]["id"]
    assert last["client_ip"] == "127.0.0.1"
    assert last["duration_ms"] >= 0
    assert lines[0]["user_id"] is None  # nobody was authenticated yet
    assert set(last) >= {"time", "level", "logger"}


def test_unmatched_paths_are_not_labels(api: Api, request_lines: io.StringIO) -> None:
    api.client.get("/api/v1/users/not-an-id/or/anything")
    (line,) = [json.loads(x) for x in request_lines.getvalue().splitlines()]
    assert (line["path"], line["status"]) == ("unmatched", 404)


def test_s8_request_logs_of_a_full_session_hold_no_secret(
    api: Api, admin: dict[str, Any], request_lines: io.StringIO
) -> None:
    tokens = api.signup()
    api.login(password="a wrong password here")
    refreshed = api.client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    ).json
    assert refreshed is not None
    api.call(
        "POST",
        "/api/v1/auth/password",
        refreshed,
        json={"current_password": PASSWORD, "new_password": "another passphrase"},
    )
    api.call("DELETE", f"/api/v1/users/{tokens['user']['id']}", admin)
    text = request_lines.getvalue()
    for secret in [
        PASSWORD,
        "another passphrase",
        "a wrong password here",
        tokens["access_token"],
        tokens["refresh_token"],
        refreshed["access_token"],
        refreshed["refresh_token"],
        admin["access_token"],
    ]:
        assert secret not in text
    assert "$argon2" not in text


def metric(text: str, prefix: str) -> float:
    return sum(
        float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(prefix)
    )


def test_metrics_count_requests_logins_throttling_and_sessions(api: Api) -> None:
    before = api.client.get("/metrics").get_data(as_text=True)
    tokens = api.signup()
    for _ in range(11):
        api.login(password="wrong password!")
    api.call("POST", "/api/v1/auth/logout", tokens)
    response = api.client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    after = response.get_data(as_text=True)

    def grew(prefix: str) -> float:
        return metric(after, prefix) - metric(before, prefix)

    assert (
        grew('accounts_http_requests_total{method="POST",route="/api/v1/auth/login",status="401"}')
        == 10
    )
    assert (
        grew('accounts_http_requests_total{method="POST",route="/api/v1/auth/login",status="429"}')
        == 1
    )
    assert (
        grew(
            'accounts_http_request_duration_seconds_count{method="POST",route="/api/v1/auth/login"}'
        )
        == 12
    )
    assert grew('accounts_logins_total{outcome="success"}') == 1
    assert grew('accounts_logins_total{outcome="wrong_password"}') == 10
    assert grew('accounts_logins_total{outcome="throttled"}') == 1
    assert grew('accounts_throttled_total{action="login",scope="account"}') == 1
    assert grew("accounts_sessions_started_total") == 1
    assert grew('accounts_sessions_ended_total{how="logout"}') == 1


def test_metrics_count_mail_and_show_the_outbox(app: Flask, api: Api) -> None:
    before = api.client.get("/metrics").get_data(as_text=True)
    api.register()
    api.call("POST", "/api/v1/auth/password-reset", json={"email": "ada@example.com"})
    waiting = api.client.get("/metrics").get_data(as_text=True)
    assert (
        metric(waiting, 'accounts_mail_total{kind="verify_email",outcome="queued"}')
        - metric(before, 'accounts_mail_total{kind="verify_email",outcome="queued"}')
        == 1
    )
    assert metric(waiting, "accounts_mail_pending") == 1  # the reset is answered by the relay
    assert metric(waiting, "accounts_mail_oldest_unsent_age_seconds") >= 0
    relay = app.test_cli_runner().invoke(args=["mail", "relay", "--once"])
    assert "sent 2" in relay.output
    after = api.client.get("/metrics").get_data(as_text=True)
    assert metric(after, "accounts_mail_pending") == 0
    assert metric(after, "accounts_mail_oldest_unsent_age_seconds") == 0
    assert (
        metric(after, 'accounts_mail_total{kind="reset_password",outcome="sent"}')
        - metric(before, 'accounts_mail_total{kind="reset_password",outcome="sent"}')
        == 1
    )


def test_a_made_up_method_cannot_add_series(api: Api) -> None:
    for method in ("BREW", "WHEN", "PROPFIND"):
        assert api.client.open("/api/v1/auth/me", method=method).status_code == 405
    text = api.client.get("/metrics").get_data(as_text=True)
    assert metric(text, 'accounts_http_requests_total{method="OTHER",route="unmatched"') >= 3
    assert not any(name in text for name in ("BREW", "WHEN", "PROPFIND"))


def test_metrics_are_not_public_in_production_unless_a_token_is_set(database_url: str) -> None:
    production = {"env": "production", "argon2_profile": "owasp-minimum"}
    closed = create_app(make_settings(database_url, **production)).test_client()
    assert_problem(closed.get("/metrics"), 404)
    guarded = create_app(
        make_settings(database_url, metrics_token="m" * 32, **production)
    ).test_client()
    assert_problem(guarded.get("/metrics"), 401)
    assert_problem(guarded.get("/metrics", headers={"Authorization": "Bearer wrong"}), 401)
    assert (
        guarded.get("/metrics", headers={"Authorization": "Bearer " + "m" * 32}).status_code == 200
    )
