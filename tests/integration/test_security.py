"""SECURITY.md requirements checked through the HTTP API, each test named by its id."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, insert, select
from sqlalchemy.exc import IntegrityError

from adapters.persistence.sqlalchemy.tables import users
from main import create_app
from tests.support.api import PASSWORD, Api, assert_problem, make_settings
from tests.support.timing import alternating_medians

LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh"


def comparable(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in {"instance", "request_id"}}


def test_s9_unknown_email_wrong_password_and_inactive_account_answer_alike(
    api: Api, admin: dict[str, Any]
) -> None:
    api.signup()
    api.register("sleepy@example.com")
    sleepy = api.tokens("sleepy@example.com")
    api.call("PATCH", f"/api/v1/users/{sleepy['user']['id']}", admin, json={"is_active": False})
    answers = [
        api.login("nobody@example.com"),
        api.login("ada@example.com", "wrong password"),
        api.login("sleepy@example.com"),
    ]
    bodies = [comparable(assert_problem(r, 401)) for r in answers]
    assert bodies[0] == bodies[1] == bodies[2]
    assert len({r.headers["WWW-Authenticate"] for r in answers}) == 1


def test_s10_unknown_email_costs_a_hash(database_url: str) -> None:
    """Medians within 15%, with the OWASP-minimum argon2id profile (real
    work, ~20 ms), measured by ``alternating_medians``."""
    settings = make_settings(database_url, argon2_profile="owasp-minimum", login_throttle_limit=100)
    client = create_app(settings).test_client()
    Api(client).register()

    def attempt(email: str, _: int) -> None:
        response = client.post(LOGIN, json={"email": email, "password": "wrong password"})
        assert response.status_code == 401

    known, unknown = alternating_medians(attempt, ["ada@example.com", "nobody@example.com"], 20)
    assert abs(known - unknown) / known < 0.15, (known, unknown)


def test_s42_a_reset_costs_the_same_for_known_and_unknown_addresses(database_url: str) -> None:
    """Medians within 15%, measured as S10 is: alternating, in the CPU time of
    the serving thread. Each request names an address of its own (the
    per-target throttle allows 3 an hour), half of them existing accounts."""
    settings = make_settings(database_url, address_throttle_limit=1000)
    client = create_app(settings).test_client()
    api = Api(client)
    rounds = 25
    for n in range(rounds + 1):
        assert api.register(f"known{n}@example.com").status_code == 201
    bodies = []

    def request(kind: str, n: int) -> None:
        response = client.post(
            "/api/v1/auth/password-reset", json={"email": f"{kind}{n}@example.com"}
        )
        assert response.status_code == 202
        bodies.append(response.get_data())

    known, unknown = alternating_medians(request, ["known", "unknown"], rounds)
    assert abs(known - unknown) / known < 0.15, (known, unknown)
    assert len(set(bodies)) == 1


def test_s7_login_rehashes_a_hash_with_old_parameters(database_url: str) -> None:
    weak = Api(create_app(make_settings(database_url, argon2_profile="cheapest")).test_client())
    weak.register()
    engine = create_engine(database_url)
    with engine.connect() as db:
        before = db.execute(select(users.c.password_hash)).scalar_one()
    strong = Api(
        create_app(make_settings(database_url, argon2_profile="owasp-minimum")).test_client()
    )
    assert strong.login().status_code == 200
    with engine.connect() as db:
        after = db.execute(select(users.c.password_hash)).scalar_one()
    assert before.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert after.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert strong.login().status_code == 200


def test_s3_the_422_says_which_rule_failed(api: Api) -> None:
    cases = {
        "short": "too_short",
        "p" * 129: "too_long",
        "iloveyou": "common_password",
        "my ada!pass": "contains_email",
        "myaccountspass": "contains_service_name",
    }
    for password, rule in cases.items():
        problem = assert_problem(api.register("ada!pass@example.com", password=password), 422)
        assert problem["errors"] == [
            {"loc": ["body", "password"], "msg": problem["errors"][0]["msg"], "type": rule}
        ]


def test_s2_composition_rule_is_a_setting(database_url: str) -> None:
    api = Api(
        create_app(make_settings(database_url, password_require_composition=True)).test_client()
    )
    problem = assert_problem(api.register(password="all lowercase words"), 422)
    assert problem["errors"][0]["type"] == "composition"
    assert api.register(password="Has Upper and 7 digit").status_code == 201


def test_s1_minimum_length_is_a_setting(database_url: str) -> None:
    api = Api(create_app(make_settings(database_url, password_min_length=15)).test_client())
    assert_problem(api.register(password="fourteen chars"), 422)
    assert api.register(password="fifteen chars!!").status_code == 201


def test_s13_a_taken_email_answers_409(api: Api) -> None:
    api.register()
    assert_problem(api.register(), 409, "email-taken")


def test_s23_s24_reuse_of_a_rotated_refresh_token_revokes_the_session(api: Api) -> None:
    first = api.signup()
    second = api.client.post(REFRESH, json={"refresh_token": first["refresh_token"]}).json
    assert second is not None
    assert_problem(api.client.post(REFRESH, json={"refresh_token": first["refresh_token"]}), 401)
    assert_problem(api.client.post(REFRESH, json={"refresh_token": second["refresh_token"]}), 401)
    assert_problem(api.call("GET", "/api/v1/auth/me", second), 401)


def test_s17_an_access_token_is_not_a_refresh_token_and_vice_versa(api: Api) -> None:
    tokens = api.signup()
    assert_problem(
        api.client.post(REFRESH, json={"refresh_token": tokens["access_token"][:512]}), 401
    )
    response = api.call("GET", "/api/v1/auth/me", {"access_token": tokens["refresh_token"]})
    assert_problem(response, 401, "invalid-token")


def test_s26_simultaneous_refreshes_give_at_most_one_successor(app: Flask, api: Api) -> None:
    tokens = api.signup()
    barrier = threading.Barrier(6)
    answers: list[int] = []
    successors: list[dict[str, Any]] = []

    def refresh() -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]})
        answers.append(response.status_code)
        if response.status_code == 200:
            assert response.json is not None
            successors.append(response.json)

    threads = [threading.Thread(target=refresh) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(answers) <= {200, 401}
    assert answers.count(200) <= 1
    working = [s for s in successors if api.call("GET", "/api/v1/auth/me", s).status_code == 200]
    assert len(working) <= 1


def test_s29_the_database_enforces_unique_canonical_emails(database_url: str) -> None:
    """Even a writer that skips the core cannot store one email twice."""
    now = datetime.now(UTC)
    row = {
        "email": "ada@example.com",
        "name": "Ada",
        "password_hash": "x",
        "role": "user",
        "is_active": True,
        "created_at": now,
        "updated_at": now,
    }
    engine = create_engine(database_url)
    with engine.begin() as db:
        db.execute(insert(users).values(id=uuid.uuid4(), **row))
    with pytest.raises(IntegrityError), engine.begin() as db:
        db.execute(insert(users).values(id=uuid.uuid4(), **row))


def test_s20_every_way_a_token_dies(api: Api, admin: dict[str, Any]) -> None:
    # logout
    tokens = api.signup()
    api.call("POST", "/api/v1/auth/logout", tokens)
    assert_problem(api.call("GET", "/api/v1/auth/me", tokens), 401)
    # logout-all
    tokens = api.tokens()
    api.call("POST", "/api/v1/auth/logout-all", tokens)
    assert_problem(api.call("GET", "/api/v1/auth/me", tokens), 401)
    # password change (other sessions)
    here, other = api.tokens(), api.tokens()
    change = {"current_password": PASSWORD, "new_password": "another passphrase"}
    api.call("POST", "/api/v1/auth/password", here, json=change)
    assert_problem(api.call("GET", "/api/v1/auth/me", other), 401)
    # deactivation
    path = f"/api/v1/users/{here['user']['id']}"
    api.call("PATCH", path, admin, json={"is_active": False})
    assert_problem(api.call("GET", "/api/v1/auth/me", here), 401)
    # deletion
    api.call("PATCH", path, admin, json={"is_active": True})
    again = api.tokens(password="another passphrase")
    api.call("DELETE", path, admin)
    assert_problem(api.call("GET", "/api/v1/auth/me", again), 401)


def test_concurrent_registrations_of_one_email_make_one_account(app: Flask) -> None:
    barrier = threading.Barrier(10)
    answers: list[int] = []

    def register() -> None:
        client = app.test_client()
        barrier.wait()
        body = {"email": "race@example.com", "name": "Racer", "password": PASSWORD}
        answers.append(client.post("/api/v1/auth/register", json=body).status_code)

    threads = [threading.Thread(target=register) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [201] + [409] * 9
