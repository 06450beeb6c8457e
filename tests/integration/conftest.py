"""The real app (SQLAlchemy over a migrated temporary SQLite file) and a small API client."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from alembic import command
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis
from sqlalchemy import Engine
from werkzeug.test import TestResponse

from adapters.persistence.sqlalchemy.engine import create_database_engine
from main import Settings, alembic_config, create_app
from tests.integration.servers import BACKENDS, migrated_database, redis_url

PASSWORD = "correct horse battery staple"
ADMIN_PASSWORD = "admin passphrase of length"
T = TypeVar("T")


def make_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "secret_key": "s" * 32,
        "jwt_secret_key": "j" * 32,
        "database_url": database_url,
        "argon2_profile": "cheapest",
        "api_docs": True,
    }
    return Settings(**(values | overrides))


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'accounts.db'}"
    command.upgrade(alembic_config(url), "head")
    return url


@pytest.fixture(params=BACKENDS)
def backend_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a migrated database of its own, on each backend."""
    with migrated_database(request.param, tmp_path) as url:
        engine = create_database_engine(url)
        yield engine
        engine.dispose()


@pytest.fixture
def app(database_url: str) -> Flask:
    return create_app(make_settings(database_url))


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


@pytest.fixture
def api(app: Flask) -> Api:
    return Api(app.test_client())


@pytest.fixture
def admin(app: Flask, api: Api) -> dict[str, Any]:
    """An admin made with the real ``create-admin`` command, logged in."""
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--email", "root@example.com", "--name", "Root", "--password-stdin"],
        input=ADMIN_PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    return api.tokens("root@example.com", ADMIN_PASSWORD)


@pytest.fixture
def prefix() -> Iterator[str]:
    """A key prefix of this test's own, deleted afterwards."""
    name = f"test-{uuid.uuid4().hex[:12]}:"
    yield name
    client = Redis.from_url(redis_url())
    keys = list(client.scan_iter(f"{name}*"))
    if keys:
        client.delete(*keys)
    client.close()


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
