"""Passkeys through the JSON API (API.md "Second factors"; S50, S51): the
real app and relying party, answered by a software authenticator."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from flask import Flask

from domain.mail import MailKind
from main import create_app
from tests.support.api import PASSWORD, Api, assert_problem, make_settings, verified_signup
from tests.support.authenticator import SoftAuthenticator, b64url
from tests.support.mailbox import outbox

PASSKEYS = "/api/v1/auth/passkeys"
ORIGIN = "https://accounts.example"


@pytest.fixture
def app(database_url: str) -> Flask:
    return create_app(make_settings(database_url, public_url=ORIGIN))


@pytest.fixture
def key() -> SoftAuthenticator:
    return SoftAuthenticator(ORIGIN)


def add(api: Api, tokens: dict[str, Any], key: SoftAuthenticator, name: str = "Laptop") -> Any:
    options = api.call(
        "POST", PASSKEYS + "/registration-options", tokens, json={"current_password": PASSWORD}
    )
    assert options.status_code == 200, options.json
    added = api.call(
        "POST", PASSKEYS, tokens, json={"credential": key.create(options.json), "name": name}
    )
    assert added.status_code == 201, added.json
    return added


def amr(tokens: dict[str, Any]) -> list[str]:
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    return list(claims["amr"])


def test_a_passkey_is_added_listed_and_asked_for_after_the_password(
    app: Flask, api: Api, key: SoftAuthenticator
) -> None:
    tokens = verified_signup(app, api)
    added = add(api, tokens, key, "Work laptop")
    assert set(added.json) == {"id", "name", "created_at", "last_used_at"}
    assert (added.json["name"], added.json["last_used_at"]) == ("Work laptop", None)
    assert added.headers["Location"] == f"{PASSKEYS}/{added.json['id']}"
    listed = api.call("GET", PASSKEYS, tokens)
    assert listed.json == {"passkeys": [added.json]}
    assert api.call("GET", "/api/v1/auth/me", tokens).json["mfa_enabled"] is True
    assert "passkey" in outbox(app)[0].text.lower()

    password_step = api.login()
    assert password_step.status_code == 202
    assert password_step.json["methods"] == ["webauthn"]
    mfa_token = password_step.json["mfa_token"]
    options = api.call("POST", PASSKEYS + "/login-options", json={"mfa_token": mfa_token})
    assert options.status_code == 200
    assert [c["id"] for c in options.json["allowCredentials"]] == [b64url(*key.credentials)]
    answer = key.get(options.json)
    done = api.call(
        "POST", PASSKEYS + "/login", json={"mfa_token": mfa_token, "credential": answer}
    )
    assert done.status_code == 200, done.json
    assert amr(done.json) == ["pwd", "hwk"]


def test_a_passkey_alone_signs_in_once_per_answer(
    app: Flask, api: Api, key: SoftAuthenticator
) -> None:
    add(api, verified_signup(app, api), key)
    options = api.call("POST", PASSKEYS + "/login-options", json={})
    assert (options.status_code, options.json["userVerification"]) == (200, "required")
    assert options.json["rpId"] == "accounts.example"
    answer = key.get(options.json)
    done = api.call("POST", PASSKEYS + "/login", json={"credential": answer})
    assert done.status_code == 200, done.json
    assert amr(done.json) == ["hwk"]
    assert done.json["user"]["email"] == "ada@example.com"
    assert_problem(api.call("POST", PASSKEYS + "/login", json={"credential": answer}), 401)
    used = api.call("GET", PASSKEYS, done.json).json["passkeys"][0]
    assert used["last_used_at"] is not None


def test_adding_needs_the_password_and_a_verified_email(app: Flask, api: Api) -> None:
    unverified = api.signup("bob@example.com")
    body = {"current_password": PASSWORD}
    assert_problem(
        api.call("POST", PASSKEYS + "/registration-options", unverified, json=body),
        403,
        "email-not-verified",
    )
    tokens = verified_signup(app, api)
    wrong = {"current_password": "not the password"}
    assert_problem(
        api.call("POST", PASSKEYS + "/registration-options", tokens, json=wrong),
        401,
        "wrong-password",
    )
    assert_problem(api.call("POST", PASSKEYS + "/registration-options", json=body), 401)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"credential": {"id": "x", "response": {}}, "name": "Laptop"}, 400),
        ({"credential": "not an object", "name": "Laptop"}, 422),
        ({"credential": {}, "name": ""}, 422),
        ({"credential": {}, "name": "   "}, 422),
        ({"name": "Laptop"}, 422),
        ({"credential": {}, "name": "Laptop", "sign_count": 9}, 422),
    ],
)
def test_bad_passkeys_get_a_clear_error(
    app: Flask, api: Api, body: dict[str, Any], status: int
) -> None:
    tokens = verified_signup(app, api)
    assert_problem(api.call("POST", PASSKEYS, tokens, json=body), status)
    assert api.call("GET", PASSKEYS, tokens).json == {"passkeys": []}


@pytest.mark.parametrize(
    "body",
    [
        {"credential": {}},
        {
            "credential": {
                "id": "AAAA",
                "rawId": "AAAA",
                "type": "public-key",
                "response": {"clientDataJSON": "%%%"},
            }
        },
        {"credential": {}, "mfa_token": "unknown"},
    ],
)
def test_a_bad_passkey_login_is_a_401(api: Api, body: dict[str, Any]) -> None:
    assert_problem(api.call("POST", PASSKEYS + "/login", json=body), 401)


def test_an_unknown_mfa_token_gets_no_options(api: Api) -> None:
    assert_problem(api.call("POST", PASSKEYS + "/login-options", json={"mfa_token": "x"}), 401)


def test_removing_a_passkey_is_mailed_and_the_last_turns_the_second_step_off(
    app: Flask, api: Api, key: SoftAuthenticator
) -> None:
    tokens = verified_signup(app, api)
    passkey_id = add(api, tokens, key).json["id"]
    other = verified_signup(app, api, "bob@example.com")
    assert_problem(api.call("DELETE", f"{PASSKEYS}/{passkey_id}", other), 404, "not-found")
    assert api.call("DELETE", f"{PASSKEYS}/{passkey_id}", tokens).status_code == 204
    assert_problem(api.call("DELETE", f"{PASSKEYS}/{passkey_id}", tokens), 404)
    assert api.call("GET", "/api/v1/auth/me", tokens).json["mfa_enabled"] is False
    mails = [m for m in outbox(app) if m.kind is MailKind.SECOND_FACTORS_CHANGED]
    assert len(mails) == 2
    assert api.login().status_code == 200


def test_a_passkey_is_renamed(app: Flask, api: Api, key: SoftAuthenticator) -> None:
    tokens = verified_signup(app, api)
    passkey_id = add(api, tokens, key).json["id"]
    renamed = api.call("PATCH", f"{PASSKEYS}/{passkey_id}", tokens, json={"name": "Phone"})
    assert (renamed.status_code, renamed.json["name"]) == (200, "Phone")
    assert api.call("GET", PASSKEYS, tokens).json["passkeys"][0]["name"] == "Phone"
    assert_problem(api.call("PATCH", f"{PASSKEYS}/{passkey_id}", tokens, json={"name": " "}), 422)
    other = verified_signup(app, api, "bob@example.com")
    answer = api.call("PATCH", f"{PASSKEYS}/{passkey_id}", other, json={"name": "Mine"})
    assert_problem(answer, 404, "not-found")
