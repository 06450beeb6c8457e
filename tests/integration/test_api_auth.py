"""/api/v1/auth, row by row and error by error of API.md."""

from __future__ import annotations

import re
import time
from typing import Any

import jwt
import pytest

from tests.support.api import PASSWORD, Api, assert_problem

RFC3339_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def test_register_answers_201_with_the_user_and_its_location(api: Api) -> None:
    response = api.register("  Ada@Example.COM ")
    assert response.status_code == 201
    user = response.json
    assert user is not None
    assert set(user) == {
        "id",
        "email",
        "name",
        "role",
        "is_active",
        "email_verified",
        "mfa_enabled",
        "created_at",
        "updated_at",
    }
    assert user["email"] == "ada@example.com"
    assert (user["role"], user["is_active"]) == ("user", True)
    assert RFC3339_UTC.fullmatch(user["created_at"])
    assert response.headers["Location"] == f"/api/v1/users/{user['id']}"
    assert user["id"][14] == "7"  # UUIDv7


def test_register_a_taken_email_is_409(api: Api) -> None:
    api.register()
    body = assert_problem(api.register("ADA@example.com"), 409, "email-taken")
    assert body["title"] == "Email already registered"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"email": "nope", "name": "Ada", "password": PASSWORD}, ["email"]),
        ({"email": "a@example.com", "name": "", "password": PASSWORD}, ["name"]),
        ({"email": "a@example.com", "name": "x" * 81, "password": PASSWORD}, ["name"]),
        ({"email": "a@example.com", "name": "Ada", "password": "short"}, ["password"]),
        ({"email": "a@example.com", "name": "Ada", "password": "password123"}, ["password"]),
        ({"email": "a@example.com", "name": "Ada"}, ["password"]),
        ({"email": 5, "name": ["Ada"], "password": True}, ["email", "name", "password"]),
        (
            {"email": "a@example.com", "name": "Ada", "password": PASSWORD, "role": "admin"},
            ["role"],
        ),
    ],
)
def test_register_invalid_input_is_422_naming_each_field(
    api: Api, body: dict[str, Any], fields: list[str]
) -> None:
    problem = assert_problem(api.client.post("/api/v1/auth/register", json=body), 422)
    assert [e["loc"] for e in problem["errors"]] == [["body", f] for f in fields]
    assert all(e["msg"] and e["type"] for e in problem["errors"])


def test_login_answers_tokens_and_the_user(api: Api) -> None:
    api.register()
    response = api.login("ADA@EXAMPLE.COM")
    assert response.status_code == 200
    body = response.json
    assert body is not None
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in", "user"}
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 900)
    assert body["user"]["email"] == "ada@example.com"
    assert response.headers["Cache-Control"] == "no-store"


def test_access_token_has_the_documented_header_and_claims(api: Api) -> None:
    tokens = api.signup()
    header = jwt.get_unverified_header(tokens["access_token"])
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    assert (header["alg"], header["typ"]) == ("HS256", "at+jwt")
    assert set(claims) == {"sub", "sid", "iat", "nbf", "exp", "iss", "aud", "jti", "amr"}
    assert claims["amr"] == ["pwd"]
    assert claims["sub"] == tokens["user"]["id"]
    assert claims["exp"] - claims["iat"] == 900
    assert abs(claims["iat"] - time.time()) < 60


def test_login_failure_is_401_with_a_bearer_challenge(api: Api) -> None:
    api.register()
    response = api.login(password="wrong password!")
    assert_problem(response, 401, "invalid-credentials")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "body", [{"email": "ada@example.com"}, {"email": "a@b.co", "password": 1}, {"password": "x"}]
)
def test_login_malformed_body_is_422(api: Api, body: dict[str, Any]) -> None:
    assert_problem(api.client.post("/api/v1/auth/login", json=body), 422, "validation-error")


def test_refresh_returns_a_new_pair(api: Api) -> None:
    tokens = api.signup()
    response = api.client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert response.status_code == 200
    fresh = response.json
    assert fresh is not None
    assert set(fresh) == {"access_token", "refresh_token", "token_type", "expires_in", "user"}
    assert fresh["refresh_token"] != tokens["refresh_token"]
    assert response.headers["Cache-Control"] == "no-store"
    assert api.call("GET", "/api/v1/auth/me", fresh).status_code == 200


@pytest.mark.parametrize("token", ["unknown", "x" * 512])
def test_refresh_with_an_unknown_token_is_401(api: Api, token: str) -> None:
    assert_problem(
        api.client.post("/api/v1/auth/refresh", json={"refresh_token": token}),
        401,
        "invalid-refresh-token",
    )


def test_refresh_without_a_token_is_422(api: Api) -> None:
    assert_problem(api.client.post("/api/v1/auth/refresh", json={}), 422)
    assert_problem(api.client.post("/api/v1/auth/refresh", json={"refresh_token": ""}), 422)


def test_logout_is_204_and_kills_the_session_tokens(api: Api) -> None:
    tokens = api.signup()
    assert api.call("POST", "/api/v1/auth/logout", tokens).status_code == 204
    assert_problem(api.call("GET", "/api/v1/auth/me", tokens), 401, "invalid-token")
    refresh = api.client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert_problem(refresh, 401)


def test_logout_accepts_a_refresh_token_in_the_body(api: Api) -> None:
    phone = api.signup()
    laptop = api.tokens()
    response = api.call(
        "POST", "/api/v1/auth/logout", phone, json={"refresh_token": laptop["refresh_token"]}
    )
    assert response.status_code == 204
    assert_problem(api.call("GET", "/api/v1/auth/me", laptop), 401)


def test_logout_with_an_unknown_field_is_422(api: Api) -> None:
    tokens = api.signup()
    assert_problem(api.call("POST", "/api/v1/auth/logout", tokens, json={"everything": True}), 422)


def test_logout_all_ends_every_session(api: Api) -> None:
    phone = api.signup()
    laptop = api.tokens()
    assert api.call("POST", "/api/v1/auth/logout-all", phone).status_code == 204
    for tokens in (phone, laptop):
        assert_problem(api.call("GET", "/api/v1/auth/me", tokens), 401)


def test_logout_all_refuses_a_body_with_fields_and_ends_nothing(api: Api) -> None:
    tokens = api.signup()
    response = api.call("POST", "/api/v1/auth/logout-all", tokens, json={"keep": "this one"})
    assert_problem(response, 422)
    assert api.call("GET", "/api/v1/auth/me", tokens).status_code == 200
    assert api.call("POST", "/api/v1/auth/logout-all", tokens, json={}).status_code == 204


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/auth/logout"),
        ("POST", "/api/v1/auth/logout-all"),
        ("GET", "/api/v1/auth/me"),
        ("POST", "/api/v1/auth/password"),
        ("GET", "/api/v1/users"),
        ("GET", "/api/v1/users/01938f0e-7c2a-7d1e-9b1a-3c4d5e6f7a8b"),
        ("PATCH", "/api/v1/users/01938f0e-7c2a-7d1e-9b1a-3c4d5e6f7a8b"),
        ("DELETE", "/api/v1/users/01938f0e-7c2a-7d1e-9b1a-3c4d5e6f7a8b"),
    ],
)
def test_bearer_endpoints_without_a_token_are_401_with_a_plain_challenge(
    api: Api, method: str, path: str
) -> None:
    response = api.call(method, path, json={})
    assert_problem(response, 401, "authentication-required")
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="accounts"'


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Basic YWRhOnB3", "Token abc", "bearer"])
def test_a_malformed_authorization_header_is_401(api: Api, header: str) -> None:
    assert_problem(api.call("GET", "/api/v1/auth/me", headers={"Authorization": header}), 401)


def test_a_rejected_token_is_401_with_invalid_token(api: Api) -> None:
    response = api.call("GET", "/api/v1/auth/me", headers={"Authorization": "Bearer nonsense"})
    assert_problem(response, 401, "invalid-token")
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="accounts", error="invalid_token"'


def test_me_returns_the_bearer(api: Api) -> None:
    tokens = api.signup()
    response = api.call("GET", "/api/v1/auth/me", tokens)
    assert response.status_code == 200
    assert response.json == tokens["user"]
    assert response.headers["Cache-Control"] == "no-store"


def test_change_password_is_204_and_ends_the_other_sessions(api: Api) -> None:
    here = api.signup()
    elsewhere = api.tokens()
    body = {"current_password": PASSWORD, "new_password": "an entirely new passphrase"}
    assert api.call("POST", "/api/v1/auth/password", here, json=body).status_code == 204
    assert api.call("GET", "/api/v1/auth/me", here).status_code == 200
    assert_problem(api.call("GET", "/api/v1/auth/me", elsewhere), 401)
    assert_problem(api.login(), 401)
    assert api.login(password="an entirely new passphrase").status_code == 200


def test_change_password_with_a_wrong_current_password_is_401(api: Api) -> None:
    tokens = api.signup()
    body = {"current_password": "not it at all", "new_password": "an entirely new passphrase"}
    assert_problem(
        api.call("POST", "/api/v1/auth/password", tokens, json=body), 401, "wrong-password"
    )
    assert api.call("GET", "/api/v1/auth/me", tokens).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"current_password": PASSWORD, "new_password": "short"}, "new_password"),
        ({"current_password": PASSWORD, "new_password": "qwerty123"}, "new_password"),
        ({"current_password": PASSWORD}, "new_password"),
        ({"current_password": PASSWORD, "new_password": "fine passphrase", "x": 1}, "x"),
    ],
)
def test_change_password_invalid_input_is_422(api: Api, body: dict[str, Any], field: str) -> None:
    tokens = api.signup()
    problem = assert_problem(api.call("POST", "/api/v1/auth/password", tokens, json=body), 422)
    assert problem["errors"][0]["loc"] == ["body", field]


def test_full_walkthrough_old_tokens_are_401_at_the_end(api: Api) -> None:
    """register, login, me, refresh, patch, change password, logout: the issue's done-when."""
    user = api.register().json
    assert user is not None
    first = api.tokens()
    assert api.call("GET", "/api/v1/auth/me", first).status_code == 200
    second = api.client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    ).json
    assert second is not None
    patched = api.call("PATCH", f"/api/v1/users/{user['id']}", second, json={"name": "Countess"})
    assert patched.json is not None
    assert patched.json["name"] == "Countess"
    body = {"current_password": PASSWORD, "new_password": "the analytical engine"}
    assert api.call("POST", "/api/v1/auth/password", second, json=body).status_code == 204
    assert api.call("POST", "/api/v1/auth/logout", second).status_code == 204
    for tokens in (first, second):
        assert_problem(api.call("GET", "/api/v1/auth/me", tokens), 401)
        refresh = api.client.post(
            "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
        )
        assert_problem(refresh, 401)


def test_sessions_lists_the_users_sessions_with_the_current_one_marked(api: Api) -> None:
    api.register()
    phone = api.client.post(
        "/api/v1/auth/login",
        json={"email": "ada@example.com", "password": PASSWORD},
        headers={"User-Agent": "Phone/1.0"},
    ).json
    laptop = api.tokens()
    assert phone is not None
    response = api.call("GET", "/api/v1/auth/sessions", laptop)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    sessions = response.json["sessions"]  # type: ignore[index]
    assert len(sessions) == 2
    assert set(sessions[0]) == {
        "id",
        "created_at",
        "last_used_at",
        "expires_at",
        "user_agent",
        "ip",
        "current",
        "kind",
    }
    assert {s["kind"] for s in sessions} == {"api"}
    current = [s for s in sessions if s["current"]]
    assert len(current) == 1
    other = next(s for s in sessions if not s["current"])
    assert other["user_agent"] == "Phone/1.0"
    assert other["ip"] == "127.0.0.1"
    assert all(RFC3339_UTC.fullmatch(s["expires_at"]) for s in sessions)


def test_delete_session_ends_that_session(api: Api) -> None:
    phone = api.signup()
    laptop = api.tokens()
    sessions = api.call("GET", "/api/v1/auth/sessions", laptop).json["sessions"]  # type: ignore[index]
    phone_id = next(s["id"] for s in sessions if not s["current"])
    assert api.call("DELETE", f"/api/v1/auth/sessions/{phone_id}", laptop).status_code == 204
    assert_problem(api.call("GET", "/api/v1/auth/me", phone), 401)
    assert api.call("GET", "/api/v1/auth/me", laptop).status_code == 200
    assert_problem(api.call("DELETE", f"/api/v1/auth/sessions/{phone_id}", laptop), 404)


def test_delete_another_users_or_an_unknown_session_is_404(api: Api) -> None:
    ada = api.signup()
    bob = api.signup("bob@example.com")
    bob_sid = api.call("GET", "/api/v1/auth/sessions", bob).json["sessions"][0]["id"]  # type: ignore[index]
    for sid in (bob_sid, "01938f0e-7c2a-7d1e-9b1a-3c4d5e6f7a8b", "not-a-uuid"):
        assert_problem(api.call("DELETE", f"/api/v1/auth/sessions/{sid}", ada), 404)
    assert api.call("GET", "/api/v1/auth/me", bob).status_code == 200


def test_sessions_without_a_token_are_401(api: Api) -> None:
    assert_problem(api.call("GET", "/api/v1/auth/sessions"), 401)
    assert_problem(
        api.call("DELETE", "/api/v1/auth/sessions/01938f0e-7c2a-7d1e-9b1a-3c4d5e6f7a8b"), 401
    )
