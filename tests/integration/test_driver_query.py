"""DriverQuery: the same values as SQLAlchemy's own execution, and the same errors."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from sqlalchemy import Engine, bindparam, create_engine, insert, select, text
from sqlalchemy.exc import OperationalError

from adapters.persistence.sqlalchemy.driver_query import DriverQuery
from adapters.persistence.sqlalchemy.engine import create_database_engine
from adapters.persistence.sqlalchemy.tables import audit_events, sessions, users
from tests.support.servers import server_url

WHEN = datetime(2026, 11, 25, 13, 30, 15, 654321, tzinfo=UTC)
SESSION = (
    select(sessions, users.c.is_active)
    .join(users)
    .where(sessions.c.id == bindparam("session_id", type_=sessions.c.id.type))
)


def add_session(engine: Engine, *, revoked: bool) -> UUID:
    user_id, session_id = uuid4(), uuid4()
    with engine.begin() as connection:
        connection.execute(
            insert(users).values(
                id=user_id,
                email=f"{user_id.hex}@example.com",
                name="Ada",
                password_hash="$argon2id$",
                role="user",
                is_active=not revoked,
                created_at=WHEN,
                updated_at=WHEN,
            )
        )
        connection.execute(
            insert(sessions).values(
                id=session_id,
                user_id=user_id,
                created_at=WHEN,
                last_used_at=WHEN,
                expires_at=WHEN,
                revoked_at=WHEN if revoked else None,
                user_agent=None if revoked else "curl/8",
                ip=None if revoked else "2001:db8::1",
            )
        )
    return session_id


@pytest.mark.parametrize("revoked", [False, True])
def test_values_are_those_sqlalchemy_gives(backend_engine: Engine, revoked: bool) -> None:
    session_id = add_session(backend_engine, revoked=revoked)
    with backend_engine.connect() as connection:
        expected = connection.execute(SESSION, {"session_id": session_id}).one()._asdict()
        got = DriverQuery(SESSION).first(connection, {"session_id": session_id})
    assert got == expected
    assert got is not None
    assert isinstance(got["id"], UUID)
    assert got["created_at"] == WHEN
    assert got["is_active"] is (not revoked)


def test_no_row_is_none(backend_engine: Engine) -> None:
    with backend_engine.connect() as connection:
        assert DriverQuery(SESSION).first(connection, {"session_id": uuid4()}) is None


def test_a_driver_error_arrives_as_sqlalchemys(tmp_path: Path) -> None:
    engine = create_database_engine(f"sqlite:///{tmp_path / 'empty.db'}")  # no tables
    with engine.connect() as connection:
        with pytest.raises(OperationalError) as raised:
            DriverQuery(SESSION).first(connection, {"session_id": uuid4()})
        assert isinstance(raised.value.orig, sqlite3.OperationalError)
        assert not raised.value.connection_invalidated
        assert not connection.invalidated
    engine.dispose()


def test_a_lost_connection_is_invalidated() -> None:
    url = server_url("postgresql")
    engine, admin = create_database_engine(url), create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection, admin.connect() as killer:
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        with pytest.raises(OperationalError) as raised:
            DriverQuery(SESSION).first(connection, {"session_id": uuid4()})
        assert raised.value.connection_invalidated
        assert connection.invalidated
    engine.dispose()
    admin.dispose()


def test_an_insert_stores_what_sqlalchemy_reads_back_and_commits_alone(
    backend_engine: Engine,
) -> None:
    """The first statement of a transaction: the insert begins it, so the
    connection's commit is not a no-op."""
    row = {
        "id": uuid4(),
        "type": "login_failed",
        "occurred_at": WHEN,
        "user_id": uuid4(),
        "actor_id": None,
        "session_id": uuid4(),
        "ip": "2001:db8::1",
        "user_agent": "curl/8",
        "request_id": "3f2c",
        "data": {"reason": "wrong_password", "fields": ["name"]},
    }
    with backend_engine.connect() as connection:
        DriverQuery(insert(audit_events)).insert(connection, row)
        connection.commit()
    with backend_engine.connect() as connection:
        stored = connection.execute(select(audit_events)).one()
    assert stored._asdict() == row
