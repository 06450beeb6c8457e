"""Driving the real app: its settings for tests, a small API client, and checks of its answers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from domain.mail import MailKind
from settings import Settings
from tests.support.mailbox import token

PASSWORD = "correct horse battery staple"
ADMIN_PASSWORD = "admin passphrase of length"
T = TypeVar("T")
# What production requires besides the signing keys, in the environment's
# names and the settings': mail, and the key of second factors.
PRODUCTION_REQUIRED = {
    "PUBLIC_URL": "https://accounts.example",
    "MAIL_URL": "smtp://127.0.0.1:2525",
    "MAIL_FROM": "accounts <no-reply@accounts.example>",
    "MFA_ENCRYPTION_KEY": "bW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW0",
}


def make_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "secret_key": "s" * 32,
        "jwt_secret_key": "j" * 32,
        "database_url": database_url,
        "argon2_profile": "cheapest",
        "api_docs": True,
    }
    if overrides.get("env") == "production":
        values |= {name.lower(): value for name, value in PRODUCTION_REQUIRED.items()}
    return Settings(**(values | overrides))


@dataclass
class Api:
    client: FlaskClient

    def register(
        self, email: str = "ada@example.com", name: str = "Ada Lovelace", password: str = PASSWORD
    ) -> TestResponse:
        return self.client.post(
            "/api/v1/auth/register", json={"email": email, "name": name, "password": password}
        )

    def login(self, email: str = "ada@example.com", password: str = PASSWORD) -> TestResponse:
        return self.client.post("/api/v1/auth/login", json={"email": email, "password": password})

    def tokens(self, email: str = "ada@example.com", password: str = PASSWORD) -> dict[str, Any]:
        response = self.login(email, password)
        assert response.status_code == 200, response.json
        body = response.json
        assert isinstance(body, dict)
        return body

    def signup(self, email: str = "ada@example.com") -> dict[str, Any]:
        """Register and log in; the token response."""
        assert self.register(email).status_code == 201
        return self.tokens(email)

    def call(
        self, method: str, path: str, tokens: dict[str, Any] | None = None, **kwargs: Any
    ) -> TestResponse:
        headers = dict(kwargs.pop("headers", {}))
        if tokens is not None:
            headers["Authorization"] = f"Bearer {tokens['access_token']}"
        return self.client.open(path, method=method, headers=headers, **kwargs)


def verified_signup(app: Flask, api: Api, email: str = "ada@example.com") -> dict[str, Any]:
    """Register, prove the address with the mailed link, and log in; the tokens."""
    api.signup(email)
    body = {"token": token(app, MailKind.VERIFY_EMAIL, email)}
    assert api.call("POST", "/api/v1/auth/email-verification/confirm", json=body).status_code == 200
    return api.tokens(email)


def together(count: int, work: Callable[[int], T]) -> list[T]:
    """Run ``work(i)`` on ``count`` threads released at the same instant."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = work(index)
        except Exception as error:  # collected, asserted on by the caller
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def assert_problem(response: TestResponse, status: int, slug: str | None = None) -> dict[str, Any]:
    """An RFC 9457 body whose status matches the response's (S31)."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.json
    assert isinstance(body, dict)
    assert body["status"] == status
    assert {"type", "title", "detail", "instance", "request_id"} <= set(body)
    assert body["request_id"] == response.headers["X-Request-ID"]
    if slug is not None:
        assert body["type"].endswith("/" + slug), body["type"]
    return body
