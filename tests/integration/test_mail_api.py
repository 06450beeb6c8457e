"""The mail flows through the JSON API (API.md "Verification, reset, email
change"; S41-S44), reading the mail from the outbox the relay would deliver."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from domain.mail import MailKind
from tests.support.api import PASSWORD, Api, assert_problem, make_settings
from tests.support.mailbox import link, outbox, token

NEW_PASSWORD = "a whole new passphrase"


@pytest.fixture
def tokens(api: Api) -> dict[str, Any]:
    """Ada's, who just signed up through the API."""
    return api.signup()


def test_registering_mails_a_verification_link_on_a_line_of_its_own(
    app: Flask, api: Api, tokens: dict[str, Any]
) -> None:
    assert tokens["user"]["email_verified"] is False
    url = link(app, MailKind.VERIFY_EMAIL, "ada@example.com")
    assert url.startswith("http://127.0.0.1:8000/verify-email/")
    assert len(url.rsplit("/", 1)[1]) >= 43  # 256 bits, base64url (S41)
    confirmed = api.call(
        "POST", "/api/v1/auth/email-verification/confirm", json={"token": url.rsplit("/", 1)[1]}
    )
    assert confirmed.status_code == 200
    assert confirmed.json["email_verified"] is True
    assert api.call("GET", "/api/v1/auth/me", tokens).json["email_verified"] is True


def test_s45_links_start_with_public_url_never_the_requests_host(database_url: str) -> None:
    from main import create_app

    app = create_app(make_settings(database_url, public_url="https://accounts.example"))
    Api(app.test_client()).register()
    app.test_client().post(
        "/api/v1/auth/password-reset",
        json={"email": "ada@example.com"},
        headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"},
    )
    for message in outbox(app):
        assert "evil.example" not in message.text
    assert link(app, MailKind.RESET_PASSWORD).startswith("https://accounts.example/reset-password/")


def test_a_spent_or_unknown_link_is_400_invalid_link_token(
    app: Flask, api: Api, tokens: dict[str, Any]
) -> None:
    body = {"token": token(app, MailKind.VERIFY_EMAIL)}
    assert api.call("POST", "/api/v1/auth/email-verification/confirm", json=body).status_code == 200
    again = api.call("POST", "/api/v1/auth/email-verification/confirm", json=body)
    assert_problem(again, 400, "invalid-link-token")
    unknown = api.call("POST", "/api/v1/auth/email/confirm", json={"token": "x" * 43})
    assert_problem(unknown, 400, "invalid-link-token")
    missing = api.call("POST", "/api/v1/auth/email/undo", json={})
    assert_problem(missing, 422)


def test_asking_for_a_verification_link(app: Flask, api: Api, tokens: dict[str, Any]) -> None:
    sent = api.call("POST", "/api/v1/auth/email-verification", tokens)
    assert sent.status_code == 202
    assert_problem(api.call("POST", "/api/v1/auth/email-verification", tokens), 429, "throttled")
    assert_problem(api.call("POST", "/api/v1/auth/email-verification"), 401)
    api.call(
        "POST",
        "/api/v1/auth/email-verification/confirm",
        json={"token": token(app, MailKind.VERIFY_EMAIL)},
    )
    verified = api.tokens()
    already = api.call("POST", "/api/v1/auth/email-verification", verified)
    assert_problem(already, 409, "already-verified")


def test_required_verification_refuses_login_with_403_and_sends_a_link(
    database_url: str,
) -> None:
    from main import create_app

    app = create_app(make_settings(database_url, email_verification="required"))
    api = Api(app.test_client())
    assert api.register().status_code == 201
    refused = api.login()
    assert_problem(refused, 403, "email-not-verified")
    assert [m.kind for m in outbox(app)] == [MailKind.VERIFY_EMAIL] * 2
    assert_problem(api.login(password="wrong password"), 401, "invalid-credentials")
    api.call(
        "POST",
        "/api/v1/auth/email-verification/confirm",
        json={"token": token(app, MailKind.VERIFY_EMAIL)},
    )
    assert api.login().status_code == 200


def test_s42_a_reset_answers_the_same_for_known_and_unknown_addresses(
    api: Api, tokens: dict[str, Any]
) -> None:
    known = api.call("POST", "/api/v1/auth/password-reset", json={"email": "ada@example.com"})
    unknown = api.call("POST", "/api/v1/auth/password-reset", json={"email": "eve@example.com"})
    assert (known.status_code, unknown.status_code) == (202, 202)
    assert known.get_data() == unknown.get_data()
    invalid = api.call("POST", "/api/v1/auth/password-reset", json={"email": "nope"})
    assert_problem(invalid, 422)


def test_s42_resets_are_throttled_per_target_address(api: Api) -> None:
    for _ in range(3):
        sent = api.call("POST", "/api/v1/auth/password-reset", json={"email": "eve@example.com"})
        assert sent.status_code == 202
    throttled = api.call("POST", "/api/v1/auth/password-reset", json={"email": "eve@example.com"})
    assert_problem(throttled, 429, "throttled")
    assert int(throttled.headers["Retry-After"]) > 0


def test_s43_a_reset_ends_every_session_verifies_and_mails_a_notice(
    app: Flask, api: Api, tokens: dict[str, Any]
) -> None:
    api.call("POST", "/api/v1/auth/password-reset", json={"email": "ada@example.com"})
    reset = token(app, MailKind.RESET_PASSWORD)
    weak = api.call(
        "POST", "/api/v1/auth/password-reset/confirm", json={"token": reset, "new_password": "x"}
    )
    assert_problem(weak, 422)
    done = api.call(
        "POST",
        "/api/v1/auth/password-reset/confirm",
        json={"token": reset, "new_password": NEW_PASSWORD},
    )
    assert done.status_code == 204
    assert_problem(api.call("GET", "/api/v1/auth/me", tokens), 401)
    assert api.tokens(password=NEW_PASSWORD)["user"]["email_verified"] is True
    assert outbox(app)[0].kind is MailKind.PASSWORD_CHANGED


def test_s43_a_password_change_mails_a_notice(app: Flask, api: Api, tokens: dict[str, Any]) -> None:
    body = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert api.call("POST", "/api/v1/auth/password", tokens, json=body).status_code == 204
    notice = outbox(app)[0]
    assert (notice.kind, notice.to) == (MailKind.PASSWORD_CHANGED, "ada@example.com")


def test_s44_an_email_change_confirms_at_the_new_address_and_undoes_from_the_old(
    app: Flask, api: Api, tokens: dict[str, Any]
) -> None:
    wrong = api.call(
        "POST",
        "/api/v1/auth/email",
        tokens,
        json={"new_email": "lovelace@example.com", "current_password": "wrong"},
    )
    assert_problem(wrong, 401, "wrong-password")
    asked = api.call(
        "POST",
        "/api/v1/auth/email",
        tokens,
        json={"new_email": "lovelace@example.com", "current_password": PASSWORD},
    )
    assert asked.status_code == 202
    assert api.call("GET", "/api/v1/auth/me", tokens).json["email"] == "ada@example.com"
    confirm = token(app, MailKind.CONFIRM_NEW_EMAIL, "lovelace@example.com")
    undo = token(app, MailKind.EMAIL_CHANGING, "ada@example.com")
    confirmed = api.call("POST", "/api/v1/auth/email/confirm", json={"token": confirm})
    assert (confirmed.status_code, confirmed.json["email"]) == (200, "lovelace@example.com")
    assert confirmed.json["email_verified"] is True
    restored = api.call("POST", "/api/v1/auth/email/undo", json={"token": undo})
    assert (restored.status_code, restored.json["email"]) == (200, "ada@example.com")
    assert_problem(api.call("GET", "/api/v1/auth/me", tokens), 401)  # every session ended
    assert outbox(app)[0].kind is MailKind.RESET_PASSWORD
    assert outbox(app)[0].to == "ada@example.com"


def test_an_email_change_to_a_taken_address_is_409(api: Api, tokens: dict[str, Any]) -> None:
    api.register("root@example.com")
    taken = api.call(
        "POST",
        "/api/v1/auth/email",
        tokens,
        json={"new_email": "ROOT@example.com", "current_password": PASSWORD},
    )
    assert_problem(taken, 409, "email-taken")


def test_a_users_own_email_changes_only_through_the_confirmed_change(
    app: Flask, api: Api, tokens: dict[str, Any], admin: dict[str, Any]
) -> None:
    user_id = tokens["user"]["id"]
    refused = api.call(
        "PATCH", f"/api/v1/users/{user_id}", tokens, json={"email": "lovelace@example.com"}
    )
    body = assert_problem(refused, 403, "email-change-needs-confirmation")
    assert "POST /api/v1/auth/email" in body["detail"]
    by_admin = api.call(
        "PATCH", f"/api/v1/users/{user_id}", admin, json={"email": "lovelace@example.com"}
    )
    assert by_admin.status_code == 200
    assert (by_admin.json["email"], by_admin.json["email_verified"]) == (
        "lovelace@example.com",
        False,
    )
    assert link(app, MailKind.VERIFY_EMAIL, "lovelace@example.com")
