"""The stored audit trail through the JSON API (API.md "Stored audit events")."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote
from uuid import uuid4

from flask import Flask

from adapters.persistence.sqlalchemy.engine import create_database_engine
from adapters.persistence.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from domain.audit import AuditEvent, AuditQuery
from tests.support.api import Api, assert_problem

EVENTS = "/api/v1/audit-events"
ACTIVITY = "/api/v1/auth/activity"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
FIELDS = {
    "id",
    "type",
    "occurred_at",
    "user_id",
    "actor_id",
    "session_id",
    "ip",
    "user_agent",
    "request_id",
    "data",
}


def test_a_person_reads_their_own_events_with_where_they_came_from(api: Api) -> None:
    api.register()
    api.login(password="a wrong password")
    login = api.client.post(
        "/api/v1/auth/login",
        json={"email": "ada@example.com", "password": "correct horse battery staple"},
        headers={"User-Agent": FIREFOX, "X-Request-ID": "req-42"},
    )
    tokens = login.json
    assert tokens is not None
    body = api.call("GET", ACTIVITY, tokens).json
    assert [e["type"] for e in body["events"]] == [
        "login_succeeded",
        "mail_queued",  # Firefox is not the client that registered: a new device (S52)
        "new_device_sign_in",
        "login_failed",
        "mail_queued",
        "user_registered",
    ]
    assert body["next_cursor"] is None
    signed_in = body["events"][0]
    assert set(signed_in) == FIELDS
    user_id = tokens["user"]["id"]
    assert (signed_in["user_id"], signed_in["actor_id"]) == (user_id, user_id)
    assert (signed_in["user_agent"], signed_in["request_id"]) == (FIREFOX, "req-42")
    assert signed_in["ip"] == "127.0.0.1"
    assert signed_in["occurred_at"].endswith("Z")
    assert body["events"][3]["data"] == {"reason": "wrong_password"}
    assert_problem(api.call("GET", ACTIVITY), 401)


def test_own_activity_pages_by_cursor_with_a_link_to_the_next(api: Api) -> None:
    api.register()
    for _ in range(3):
        api.login()
    tokens = api.tokens()
    first = api.call("GET", f"{ACTIVITY}?limit=2", tokens)
    assert len(first.json["events"]) == 2
    cursor = first.json["next_cursor"]
    assert first.headers["Link"] == f'<{ACTIVITY}?limit=2&cursor={cursor}>; rel="next"'
    seen = [e["id"] for e in first.json["events"]]
    while cursor:
        page = api.call("GET", f"{ACTIVITY}?limit=2&cursor={cursor}", tokens).json
        seen += [e["id"] for e in page["events"]]
        cursor = page["next_cursor"]
    assert len(seen) == len(set(seen)) == 6  # registered, mailed, four sign-ins
    assert seen == sorted(seen, reverse=True)


def test_a_cursor_is_the_callers_own(api: Api) -> None:
    api.register()
    api.login()
    ada = api.tokens()
    cursor = api.call("GET", f"{ACTIVITY}?limit=1", ada).json["next_cursor"]
    bob = api.signup("bob@example.com")
    body = assert_problem(api.call("GET", f"{ACTIVITY}?cursor={cursor}", bob), 422)
    assert body["errors"][0]["loc"] == ["query", "cursor"]
    assert_problem(api.call("GET", f"{ACTIVITY}?cursor=forged", ada), 422)
    assert_problem(api.call("GET", f"{ACTIVITY}?cursor=", ada), 422)
    assert_problem(api.call("GET", f"{ACTIVITY}?limit=0", ada), 422)
    assert_problem(api.call("GET", f"{ACTIVITY}?limit=101", ada), 422)


def test_an_admin_filters_the_trail_by_account_type_and_time(
    api: Api, admin: dict[str, Any]
) -> None:
    ada = api.signup()
    api.login(password="a wrong password")
    user_id = ada["user"]["id"]
    mine = api.call("GET", f"{EVENTS}?user_id={user_id}&limit=100", admin).json["events"]
    assert {e["user_id"] for e in mine} == {user_id}
    assert "login_failed" in [e["type"] for e in mine]
    failed = api.call("GET", f"{EVENTS}?type=login_failed", admin).json["events"]
    assert [(e["user_id"], e["data"]) for e in failed] == [(user_id, {"reason": "wrong_password"})]
    newest = mine[0]["occurred_at"]
    since = api.call("GET", f"{EVENTS}?since={quote(newest)}&limit=100", admin).json["events"]
    assert mine[0]["id"] in [e["id"] for e in since]
    until = api.call("GET", f"{EVENTS}?until={quote(newest)}&limit=100", admin).json["events"]
    assert mine[0]["id"] not in [e["id"] for e in until]
    # An offset's "+" sent unencoded arrives as a space; it is read as the "+" it was.
    offset = newest.replace("Z", "+00:00")
    unencoded = api.call("GET", f"{EVENTS}?since={offset}&limit=100", admin)
    assert unencoded.status_code == 200
    assert [e["id"] for e in unencoded.json["events"]] == [e["id"] for e in since]


def test_an_admins_change_names_the_admin_as_actor(api: Api, admin: dict[str, Any]) -> None:
    ada = api.signup()
    user_id = ada["user"]["id"]
    api.call("PATCH", f"/api/v1/users/{user_id}", admin, json={"name": "Countess"})
    updated = api.call("GET", f"{EVENTS}?type=user_updated", admin).json["events"][0]
    assert (updated["user_id"], updated["actor_id"]) == (user_id, admin["user"]["id"])
    assert updated["data"] == {"fields": ["name"]}
    # The admin's own session made the change.
    admin_sessions = api.call("GET", "/api/v1/auth/sessions", admin).json["sessions"]
    assert updated["session_id"] in {s["id"] for s in admin_sessions}


def test_the_trail_is_for_admins_and_bad_filters_are_422(api: Api, admin: dict[str, Any]) -> None:
    ada = api.signup()
    assert_problem(api.call("GET", EVENTS, ada), 403)
    assert_problem(api.call("GET", EVENTS), 401)
    for bad in ("user_id=nope", "since=yesterday", "since=2026-12-03T10:00:00", "limit=0"):
        body = assert_problem(api.call("GET", f"{EVENTS}?{bad}", admin), 422)
        assert body["errors"][0]["loc"][0] == "query"
    window = "since=2026-12-03T10:00:00Z&until=2026-12-03T09:00:00Z"
    body = assert_problem(api.call("GET", f"{EVENTS}?{window}", admin), 422)
    assert body["errors"][0]["loc"] == ["query", "until"]
    cursor = api.call("GET", f"{EVENTS}?limit=1", admin).json["next_cursor"]
    other_filter = api.call("GET", f"{EVENTS}?type=login_succeeded&cursor={cursor}", admin)
    assert_problem(other_filter, 422)


def test_export_writes_json_lines_as_the_api_shows_them(
    app: Flask, api: Api, admin: dict[str, Any]
) -> None:
    api.signup()
    shown = api.call("GET", f"{EVENTS}?limit=100", admin).json["events"]
    result = app.test_cli_runner().invoke(args=["audit", "export"])
    assert result.exit_code == 0, result.output
    exported = [json.loads(line) for line in result.output.splitlines()]
    assert exported == shown[::-1]  # oldest first
    since = shown[0]["occurred_at"]
    later = app.test_cli_runner().invoke(args=["audit", "export", "--since", since])
    assert [json.loads(line)["id"] for line in later.output.splitlines()] == [
        e["id"] for e in shown if e["occurred_at"] >= since
    ][::-1]
    for bad in ("yesterday", "2026-12-03T10:00:00"):
        refused = app.test_cli_runner().invoke(args=["audit", "export", "--since", bad])
        assert refused.exit_code == 2
        assert "--since" in refused.output


def test_purge_deletes_events_older_than_the_retention(
    app: Flask, api: Api, database_url: str
) -> None:
    api.signup()
    engine = create_database_engine(database_url)
    old = AuditEvent(
        uuid4(), "login_succeeded", datetime.now(UTC) - timedelta(days=400), *[None] * 6, data={}
    )
    with SqlAlchemyUnitOfWork(engine) as uow:
        uow.audit.add([old])
        uow.commit()
    result = app.test_cli_runner().invoke(args=["audit", "purge"])
    assert (result.exit_code, result.output) == (0, "purged 1 audit events older than 365 days\n")
    with SqlAlchemyUnitOfWork(engine, read_only=True) as uow:
        kept = uow.audit.newest(AuditQuery(), 100)
    assert kept  # the sign-up's events stay
    assert old.id not in {e.id for e in kept}
    engine.dispose()
