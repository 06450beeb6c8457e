"""The throttle contract: every ``AttemptCounter`` store must pass this module.

In memory (one process), in the database (SQLite, PostgreSQL, MariaDB: every
worker of every host that shares it) and in Redis.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import Engine, func, select

from adapters.persistence.sqlalchemy import throttle as sql_throttle
from adapters.persistence.sqlalchemy.engine import create_database_engine
from adapters.persistence.sqlalchemy.tables import throttle_windows
from adapters.persistence.sqlalchemy.throttle import SqlAttemptCounter
from adapters.throttle.memory import InMemoryAttemptCounter
from adapters.throttle.redis import RedisAttemptCounter
from application.ports import AttemptCounter
from application.throttling import FailOpen
from domain.errors import ThrottleUnavailable
from tests.support.api import together
from tests.support.servers import BACKENDS, free_port, migrated_database, redis_url


class Ticks:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


Store = Callable[[int, int], AttemptCounter]  # (limit, window seconds) -> throttle


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


@pytest.fixture(params=["memory", "redis", *BACKENDS])
def store(request: pytest.FixtureRequest, ticks: Ticks, tmp_path: Path) -> Iterator[Store]:
    if request.param == "memory":
        yield lambda limit, window: InMemoryAttemptCounter(limit, window, monotonic=ticks)
    elif request.param == "redis":
        client, prefix = Redis.from_url(redis_url()), request.getfixturevalue("prefix")
        yield lambda limit, window: RedisAttemptCounter(
            client, limit=limit, window_seconds=window, prefix=prefix
        )
        client.close()
    else:
        with migrated_database(request.param, tmp_path) as url:
            engine = create_database_engine(url)
            yield lambda limit, window: SqlAttemptCounter(
                engine, limit=limit, window_seconds=window, scope="login", clock=ticks
            )
            engine.dispose()


def test_the_limit_passes_then_the_wait_is_told(store: Store) -> None:
    throttle = store(3, 900)
    assert [throttle.attempt("k") for _ in range(3)] == [0, 0, 0]
    assert 899 <= throttle.attempt("k") <= 900
    assert throttle.attempt("other") == 0


def test_reset_forgets_a_key(store: Store) -> None:
    throttle = store(2, 900)
    for _ in range(3):
        throttle.attempt("k")
    throttle.reset("k")
    assert [throttle.attempt("k") for _ in range(2)] == [0, 0]
    throttle.reset("never seen")


def test_s11_the_limit_is_exact_under_concurrency(store: Store) -> None:
    throttle = store(10, 60)
    waits = together(24, lambda _: throttle.attempt("spray"))
    assert [w for w in waits if not isinstance(w, int)] == []
    assert waits.count(0) == 10


def test_a_window_ends_and_a_new_one_opens(backend_engine: Engine, ticks: Ticks) -> None:
    for throttle in (
        InMemoryAttemptCounter(3, 60, monotonic=ticks),
        SqlAttemptCounter(backend_engine, limit=3, window_seconds=60, scope="login", clock=ticks),
    ):
        assert [throttle.attempt("k") for _ in range(3)] == [0, 0, 0]
        ticks.now += 20
        assert throttle.attempt("k") == 40  # blocked until the window that began 20 s ago ends
        ticks.now += 40
        assert throttle.attempt("k") == 0  # a new window, counted from one
        assert [throttle.attempt("k") for _ in range(2)] == [0, 0]
        assert throttle.attempt("k") == 60


def test_scopes_in_one_table_do_not_share_counts(backend_engine: Engine) -> None:
    login = SqlAttemptCounter(backend_engine, limit=1, window_seconds=60, scope="login")
    address = SqlAttemptCounter(backend_engine, limit=1, window_seconds=60, scope="address")
    assert (login.attempt("k"), address.attempt("k")) == (0, 0)
    assert login.attempt("k") > 0


def test_the_database_keeps_no_email_and_sweeps_ended_windows(
    backend_engine: Engine, ticks: Ticks, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sql_throttle, "SWEEP_EVERY", 5)
    throttle = SqlAttemptCounter(
        backend_engine, limit=3, window_seconds=60, scope="login", clock=ticks
    )
    for n in range(4):
        throttle.attempt(f"account:user{n}@example.com")
    with backend_engine.connect() as connection:
        assert "example.com" not in str(connection.execute(select(throttle_windows)).all())
    ticks.now += 61
    throttle.attempt("account:fresh@example.com")  # the fifth attempt sweeps
    with backend_engine.connect() as connection:
        left = connection.execute(select(func.count()).select_from(throttle_windows)).scalar()
    assert left == 1


@pytest.fixture(params=["redis", "database"])
def unreachable(request: pytest.FixtureRequest) -> Iterator[AttemptCounter]:
    """A store whose server is down."""
    if request.param == "redis":
        client = Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=0.5)
        yield RedisAttemptCounter(client, limit=3, window_seconds=60, prefix="x:")
        return
    engine = create_database_engine(f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/none")
    yield SqlAttemptCounter(engine, limit=3, window_seconds=60, scope="login")
    engine.dispose()


def test_an_unreachable_store_is_throttle_unavailable(unreachable: AttemptCounter) -> None:
    with pytest.raises(ThrottleUnavailable):
        unreachable.attempt("k")
    with pytest.raises(ThrottleUnavailable):
        unreachable.reset("k")


def test_fail_open_lets_attempts_through_an_unreachable_store(unreachable: AttemptCounter) -> None:
    throttle = FailOpen(unreachable)
    assert throttle.attempt("k") == 0
    throttle.reset("k")
