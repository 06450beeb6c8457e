"""Second factors through the JSON API (API.md "Second factors"; S47-S50):
the real app on every database, codes computed from the secret it shows."""

from __future__ import annotations

import base64
import time
from typing import Any

import jwt
from flask import Flask

from domain.mail import MailKind
from domain.totp import totp
from main import create_app
from tests.support.api import (
    PASSWORD,
    Api,
    assert_problem,
    make_settings,
    together,
    verified_signup,
)
from tests.support.mailbox import outbox
from tests.support.timing import alternating_medians

TOTP = "/api/v1/auth/mfa/totp"


def code(secret: str, at: float | None = None) -> str:
    return totp(base64.b32decode(secret), time.time() if at is None else at)


def turn_on(api: Api, tokens: dict[str, Any]) -> tuple[str, list[str]]:
    """The secret, and the recovery codes; the confirming step is spent."""
    started = api.call("POST", TOTP, tokens, json={"current_password": PASSWORD})
    assert started.status_code == 201, started.json
    secret = started.json["secret"]
    confirmed = api.call("POST", TOTP + "/confirm", tokens, json={"code": code(secret)})
    assert confirmed.status_code == 200, confirmed.json
    return secret, confirmed.json["recovery_codes"]


def mfa_token(api: Api, email: str = "ada@example.com") -> str:
    answer = api.login(email)
    assert answer.status_code == 202, answer.json
    return str(answer.json["mfa_token"])


def next_code(secret: str) -> str:
    """A code of the next time step: the current one may be spent already."""
    return code(secret, time.time() + 30)


def test_turning_on_answers_201_with_the_secret_then_200_with_ten_codes(
    app: Flask, api: Api
) -> None:
    tokens = verified_signup(app, api)
    started = api.call("POST", TOTP, tokens, json={"current_password": PASSWORD})
    assert started.status_code == 201
    assert set(started.json) == {"secret", "otpauth_uri"}
    assert started.json["otpauth_uri"].startswith("otpauth://totp/")
    assert api.call("GET", "/api/v1/auth/me", tokens).json["mfa_enabled"] is False
    wrong = api.call("POST", TOTP + "/confirm", tokens, json={"code": "000000"})
    assert_problem(wrong, 400, "invalid-mfa-code")
    confirmed = api.call(
        "POST", TOTP + "/confirm", tokens, json={"code": code(started.json["secret"])}
    )
    assert confirmed.status_code == 200
    assert len(confirmed.json["recovery_codes"]) == 10
    assert api.call("GET", "/api/v1/auth/me", tokens).json["mfa_enabled"] is True
    again = api.call("POST", TOTP, tokens, json={"current_password": PASSWORD})
    assert_problem(again, 409, "already-enabled")
    kinds = [message.kind for message in outbox(app)]
    assert kinds.count(MailKind.SECOND_FACTORS_CHANGED) == 1


def test_turning_on_needs_a_verified_email_and_the_password(app: Flask, api: Api) -> None:
    tokens = api.signup()
    body = {"current_password": PASSWORD}
    assert_problem(api.call("POST", TOTP, tokens, json=body), 403, "email-not-verified")
    tokens = verified_signup(app, api, "bob@example.com")
    wrong = api.call("POST", TOTP, tokens, json={"current_password": "wrong"})
    assert_problem(wrong, 401, "wrong-password")
    assert_problem(api.call("POST", TOTP, json=body), 401)


def test_login_in_two_steps_gives_tokens_with_amr(app: Flask, api: Api) -> None:
    secret, _ = turn_on(api, verified_signup(app, api))
    answer = api.login()
    assert answer.status_code == 202
    assert answer.json["mfa_required"] is True
    assert answer.json["methods"] == ["totp", "recovery_code"]
    assert answer.json["expires_in"] == 300
    assert "access_token" not in answer.json
    body = {"mfa_token": answer.json["mfa_token"], "code": next_code(secret)}
    tokens = api.call("POST", "/api/v1/auth/login/mfa", json=body)
    assert tokens.status_code == 200, tokens.json
    claims = jwt.decode(tokens.json["access_token"], options={"verify_signature": False})
    assert claims["amr"] == ["pwd", "otp"]
    assert api.call("GET", "/api/v1/auth/me", tokens.json).status_code == 200
    refreshed = api.call(
        "POST", "/api/v1/auth/refresh", json={"refresh_token": tokens.json["refresh_token"]}
    )
    claims = jwt.decode(refreshed.json["access_token"], options={"verify_signature": False})
    assert claims["amr"] == ["pwd", "otp"]  # the session keeps how it was proved
    replay = api.call("POST", "/api/v1/auth/login/mfa", json=body)
    assert_problem(replay, 401, "invalid-mfa-code")


def test_a_recovery_code_logs_in_once(app: Flask, api: Api) -> None:
    _, codes = turn_on(api, verified_signup(app, api))
    body = {"mfa_token": mfa_token(api), "recovery_code": codes[0]}
    assert api.call("POST", "/api/v1/auth/login/mfa", json=body).status_code == 200
    body = {"mfa_token": mfa_token(api), "recovery_code": codes[0]}
    assert_problem(api.call("POST", "/api/v1/auth/login/mfa", json=body), 401, "invalid-mfa-code")


def test_the_second_step_takes_one_code_or_the_other(app: Flask, api: Api) -> None:
    secret, codes = turn_on(api, verified_signup(app, api))
    token = mfa_token(api)
    both = {"mfa_token": token, "code": next_code(secret), "recovery_code": codes[0]}
    assert_problem(api.call("POST", "/api/v1/auth/login/mfa", json=both), 422)
    assert_problem(api.call("POST", "/api/v1/auth/login/mfa", json={"mfa_token": token}), 422)


def test_twenty_concurrent_wrong_codes_leave_the_token_dead_after_five(
    app: Flask, api: Api
) -> None:
    secret, _ = turn_on(api, verified_signup(app, api))
    token = mfa_token(api)
    body = {"mfa_token": token, "code": "000000"}
    answers = together(
        20, lambda _: app.test_client().post("/api/v1/auth/login/mfa", json=body).status_code
    )
    assert all(status in (401, 429) for status in answers), answers
    right = {"mfa_token": token, "code": next_code(secret)}
    assert_problem(api.call("POST", "/api/v1/auth/login/mfa", json=right), 401)


def test_turning_off_needs_the_password_and_a_code(app: Flask, api: Api) -> None:
    tokens = verified_signup(app, api)
    secret, _ = turn_on(api, tokens)
    wrong = {"current_password": PASSWORD, "code": "000000"}
    assert_problem(api.call("DELETE", TOTP, tokens, json=wrong), 400, "invalid-mfa-code")
    bad_password = {"current_password": "wrong", "code": next_code(secret)}
    assert_problem(api.call("DELETE", TOTP, tokens, json=bad_password), 401, "wrong-password")
    right = {"current_password": PASSWORD, "code": next_code(secret)}
    assert api.call("DELETE", TOTP, tokens, json=right).status_code == 204
    assert api.login().status_code == 200
    assert_problem(api.call("DELETE", TOTP, tokens, json=right), 409, "not-enabled")


def test_new_recovery_codes_replace_the_old(app: Flask, api: Api) -> None:
    tokens = verified_signup(app, api)
    _, old = turn_on(api, tokens)
    renewed = api.call(
        "POST", "/api/v1/auth/mfa/recovery-codes", tokens, json={"current_password": PASSWORD}
    )
    assert renewed.status_code == 200
    new = renewed.json["recovery_codes"]
    assert len(new) == 10
    assert not set(new) & set(old)
    body = {"mfa_token": mfa_token(api), "recovery_code": old[1]}
    assert_problem(api.call("POST", "/api/v1/auth/login/mfa", json=body), 401)


def test_an_admin_removes_a_persons_second_factors(
    app: Flask, api: Api, admin: dict[str, Any]
) -> None:
    tokens = verified_signup(app, api)
    turn_on(api, tokens)
    user_id = tokens["user"]["id"]
    assert_problem(api.call("DELETE", f"/api/v1/users/{user_id}/mfa", tokens), 403)
    unknown = "01900000-0000-7000-8000-000000000000"
    assert_problem(api.call("DELETE", f"/api/v1/users/{unknown}/mfa", admin), 404)
    assert api.call("DELETE", f"/api/v1/users/{user_id}/mfa", admin).status_code == 204
    assert api.login().status_code == 200
    mails = [m for m in outbox(app) if m.kind is MailKind.SECOND_FACTORS_CHANGED]
    assert "administrator" in mails[0].text  # newest first


def test_the_password_step_costs_the_same_with_or_without_a_second_factor(
    database_url: str,
) -> None:
    """S49, and S10's rule: ``202`` is the only difference, and it comes only
    after the right password. Medians within 15%, with the OWASP-minimum
    argon2id profile, measured as S10 is (alternating, in the CPU time of
    the serving thread)."""
    settings = make_settings(database_url, argon2_profile="owasp-minimum", login_throttle_limit=100)
    app = create_app(settings)
    api = Api(app.test_client())
    turn_on(api, verified_signup(app, api, "guarded@example.com"))
    verified_signup(app, api, "plain@example.com")
    expected = {"guarded@example.com": 202, "plain@example.com": 200}

    def attempt(email: str, _: int) -> None:
        response = api.login(email)
        assert response.status_code == expected[email], response.json

    guarded, plain = alternating_medians(attempt, list(expected), 20)
    assert abs(guarded - plain) / plain < 0.15, (guarded, plain)
    for email in expected:
        assert_problem(api.login(email, "wrong password"), 401, "invalid-credentials")
