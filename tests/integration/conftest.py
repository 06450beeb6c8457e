"""Fixtures of the integration tests: the real app over a migrated SQLite file,
an engine on each backend, an admin, a Redis key prefix, the app served on a
free port and the Chromium that browses it."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from flask import Flask
from playwright.sync_api import Browser as Chromium
from playwright.sync_api import sync_playwright
from redis import Redis
from sqlalchemy import Engine
from werkzeug.serving import make_server

from adapters.persistence.memory import InMemoryDatabase, InMemoryUnitOfWork
from adapters.persistence.sqlalchemy.engine import create_database_engine
from adapters.persistence.sqlalchemy.migrations import alembic_config
from adapters.persistence.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from main import create_app
from tests.support.api import ADMIN_PASSWORD, Api, make_settings
from tests.support.browser import Browser
from tests.support.contract import UowFactory
from tests.support.servers import BACKENDS, migrated_database, redis_url
from tests.support.tools import required_tool


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


@pytest.fixture
def api(app: Flask) -> Api:
    return Api(app.test_client())


@pytest.fixture(params=["memory", *BACKENDS])
def uow(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[UowFactory]:
    """Every adapter: in-memory, and SQLAlchemy on each database it supports."""
    if request.param == "memory":
        yield partial(InMemoryUnitOfWork, InMemoryDatabase())
        return
    with migrated_database(request.param, tmp_path) as url:
        engine = create_database_engine(url)
        yield partial(SqlAlchemyUnitOfWork, engine)
        engine.dispose()


@pytest.fixture
def browser(app: Flask) -> Browser:
    """A person at the pages, signed out."""
    return Browser(app.test_client())


@pytest.fixture
def ada(browser: Browser) -> Browser:
    """A browser signed in as Ada, who just signed up through the pages."""
    assert browser.sign_up().status_code == 303
    return browser


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


@pytest.fixture
def chromium() -> str:
    return required_tool("chromium", "chromium", "CHROMIUM")


@pytest.fixture
def base_url(app: Flask) -> Iterator[str]:
    """The app served on a free port of 127.0.0.1, for a real browser."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def chrome(chromium: str) -> Iterator[Chromium]:
    """Headless Chromium, the system's (never a downloaded one)."""
    with sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-background-networking"]
        )
        yield browser
        browser.close()
