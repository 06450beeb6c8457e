"""A database outage is a quick 503, and the same process recovers when it returns."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from flask import Flask
from sqlalchemy import text

from adapters.persistence.sqlalchemy.engine import PoolSettings, create_database_engine
from adapters.persistence.sqlalchemy.migrations import alembic_config
from adapters.persistence.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from domain.errors import StorageUnavailable
from main import DATABASE_ENGINE, create_app
from tests.support.api import PASSWORD, Api, assert_problem, make_settings
from tests.support.private_postgres import PrivateCluster, private_cluster
from tests.support.servers import migrated_database

DEADLINE_SECONDS = 5


@pytest.fixture
def cluster() -> Iterator[PrivateCluster]:
    with private_cluster() as cluster:
        yield cluster


@pytest.fixture(params=[False, True], ids=["reconnect-on-error", "pre-ping"])
def app(cluster: PrivateCluster, request: pytest.FixtureRequest) -> Iterator[Flask]:
    command.upgrade(alembic_config(cluster.url), "head")
    app = create_app(make_settings(cluster.url, db_pool_pre_ping=request.param))
    yield app
    app.extensions[DATABASE_ENGINE].dispose()


def test_outage_is_a_quick_503_and_the_app_recovers(cluster: PrivateCluster, app: Flask) -> None:
    api = Api(app.test_client())
    tokens = api.signup()
    assert api.client.get("/health/ready").status_code == 200

    cluster.stop()
    calls = {
        "ready": lambda: api.client.get("/health/ready"),
        "login": lambda: api.login(),
        "me": lambda: api.call("GET", "/api/v1/auth/me", tokens),
        "register": lambda: api.register("grace@example.com"),
    }
    for name, call in calls.items():
        started = time.monotonic()
        response = call()
        elapsed = time.monotonic() - started
        assert elapsed < DEADLINE_SECONDS, (name, elapsed)
        body = assert_problem(response, 503)
        assert "Traceback" not in response.get_data(as_text=True)
        if name == "ready":
            assert body["checks"] == {"database": "unavailable"}
            assert "database" in body["detail"]
        else:
            assert response.headers["Retry-After"] == "5"

    cluster.start()
    deadline = time.monotonic() + DEADLINE_SECONDS
    while api.client.get("/health/ready").status_code != 200:
        assert time.monotonic() < deadline, "the app did not recover"
        time.sleep(0.2)
    assert api.login().status_code == 200  # the committed account survived
    assert api.call("GET", "/api/v1/auth/me", tokens).status_code == 200
    assert api.register("grace@example.com").status_code == 201
    assert api.login("grace@example.com", PASSWORD).status_code == 200


@pytest.mark.parametrize(
    ("kind", "slow_query"),
    [("postgresql", "SELECT pg_sleep(3)"), ("mariadb", "SELECT SLEEP(3)")],
)
def test_a_statement_past_the_timeout_is_storage_unavailable(
    kind: str, slow_query: str, tmp_path: Path
) -> None:
    """A failure in the middle of a transaction (here the statement timeout) is a 503 too."""
    with migrated_database(kind, tmp_path) as url:
        engine = create_database_engine(url, PoolSettings(statement_timeout_ms=1000))
        started = time.monotonic()
        with pytest.raises(StorageUnavailable), SqlAlchemyUnitOfWork(engine) as work:
            work._connection.execute(text(slow_query))
        assert time.monotonic() - started < 2.5
        engine.dispose()


def test_a_read_only_unit_of_work_refuses_to_commit(database_url: str) -> None:
    engine = create_database_engine(database_url)
    with (
        pytest.raises(RuntimeError, match="read-only"),
        SqlAlchemyUnitOfWork(engine, read_only=True) as work,
    ):
        work.commit()
    engine.dispose()
