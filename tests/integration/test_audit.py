"""S8, S12, S53: the audit trail of a whole session, as JSON lines and stored,
with no secret anywhere."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, select

from adapters.audit.events_log import AUDIT_LOGGER
from adapters.http_flask.request_id import RequestContextFilter
from adapters.observability.json_logs import JsonLineFormatter
from adapters.persistence.sqlalchemy.tables import audit_events, users
from domain.mail import MailKind
from tests.support.api import ADMIN_PASSWORD, PASSWORD, Api
from tests.support.mailbox import token

NEW_PASSWORD = "an entirely new passphrase"


@pytest.fixture
def audit_lines() -> Iterator[io.StringIO]:
    """The audit logger's output, formatted exactly as the composition root does."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonLineFormatter())
    logger = logging.getLogger(AUDIT_LOGGER)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)


def test_s8_s12_a_full_session_is_audited_and_no_secret_is_logged(
    app: Flask,
    api: Api,
    admin: dict[str, Any],
    database_url: str,
    audit_lines: io.StringIO,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    seen: list[str] = []  # every token the session handled

    api.register()
    seen.append(token(app, MailKind.VERIFY_EMAIL))  # a mailed link is a secret too (S41)
    api.login(password="wrong password, typed")
    tokens = api.tokens()
    seen += [tokens["access_token"], tokens["refresh_token"]]
    refreshed = api.client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    ).json
    assert refreshed is not None
    seen += [refreshed["access_token"], refreshed["refresh_token"]]
    api.client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    tokens = api.tokens()
    seen += [tokens["access_token"], tokens["refresh_token"]]
    change = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    api.call("POST", "/api/v1/auth/password", tokens, json=change)
    user_path = f"/api/v1/users/{tokens['user']['id']}"
    api.call("PATCH", user_path, admin, json={"role": "admin"})
    with create_engine(database_url).connect() as db:
        password_hash = db.execute(
            select(users.c.password_hash).where(users.c.email == "ada@example.com")
        ).scalar_one()
    api.call("POST", "/api/v1/auth/logout", tokens)
    api.call("DELETE", user_path, admin)

    lines = [json.loads(line) for line in audit_lines.getvalue().splitlines()]
    events = [line["event"] for line in lines]
    assert events == [
        "user_registered",
        "mail_queued",
        "login_failed",
        "login_succeeded",
        "refresh_reused",
        "login_succeeded",
        "password_changed",
        "mail_queued",
        "user_updated",
        "role_changed",
        "logged_out",
        "user_deleted",
    ]
    failed = lines[2]
    assert (failed["user_id"], failed["reason"]) == (tokens["user"]["id"], "wrong_password")
    for line in lines:
        assert len(line["request_id"]) == 32
        assert line["client_ip"] == "127.0.0.1"
        assert line["level"] == "INFO"
    ada_id = tokens["user"]["id"]
    assert {line.get("user_id") for line in lines} >= {ada_id}

    with create_engine(database_url).connect() as db:
        stored = [row._asdict() for row in db.execute(select(audit_events))]
    stored_types = [row["type"] for row in sorted(stored, key=lambda row: row["id"])]
    assert stored_types[-len(events) :] == events  # after the admin's: the same trail, stored
    everything = audit_lines.getvalue() + caplog.text + repr(stored)
    for secret in [
        PASSWORD,
        NEW_PASSWORD,
        ADMIN_PASSWORD,
        "wrong password, typed",
        password_hash,
        *seen,
    ]:
        assert secret not in everything
    assert "$argon2" not in everything


def test_s11_s12_guesses_at_the_current_password_are_throttled_and_audited(
    api: Api, audit_lines: io.StringIO
) -> None:
    """With a stolen access token, 66 guesses at the current password were all
    answered 401 and none was audited; now they count like failed logins."""
    tokens = api.signup()
    guess = {"current_password": "is it this one?", "new_password": NEW_PASSWORD}
    answers = [
        api.call("POST", "/api/v1/auth/password", tokens, json=guess).status_code for _ in range(12)
    ]
    assert answers == [401] * 10 + [429] * 2
    throttled = api.call("POST", "/api/v1/auth/password", tokens, json=guess)
    assert 1 <= int(throttled.headers["Retry-After"]) <= 900
    assert api.login().status_code == 429  # the same account counter as the login's
    lines = [json.loads(line) for line in audit_lines.getvalue().splitlines()]
    failed = [line for line in lines if line["event"] == "password_check_failed"]
    assert len(failed) == 10
    assert failed[0]["user_id"] == tokens["user"]["id"]
    assert failed[0]["action"] == "password_change"
    assert "is it this one?" not in audit_lines.getvalue()
    assert [line["action"] for line in lines if line["event"] == "attempt_throttled"] == [
        "password_change",
        "password_change",
        "password_change",
        "login",
    ]
