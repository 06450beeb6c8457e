"""The unit of work over SQLAlchemy: one connection, one transaction, its events."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from adapters.persistence.sqlalchemy.audit_repositories import SqlAuditEvents
from adapters.persistence.sqlalchemy.mail_repositories import (
    SqlLinkTokenRepository,
    SqlOutbox,
    SqlResetRequests,
)
from adapters.persistence.sqlalchemy.passkey_repositories import SqlPasskeys
from adapters.persistence.sqlalchemy.post_repositories import SqlPostRepository
from adapters.persistence.sqlalchemy.repositories import SqlSessionRepository, SqlUserRepository
from adapters.persistence.sqlalchemy.second_factor_repositories import (
    SqlPendingLogins,
    SqlSecondFactors,
)
from application.events import publish_committed
from application.ports import EventPublisher, EventWriter
from domain.errors import StorageUnavailable
from domain.events import Event


def _is_outage(error: BaseException | None) -> bool:
    """Connection refused or lost, pool exhausted, statement timed out."""
    if isinstance(error, OperationalError | InterfaceError | PoolTimeout):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


class SqlAlchemyUnitOfWork:
    """One connection and one transaction; closing without ``commit`` rolls back.

    Database outages leave as ``StorageUnavailable``, so the edge can answer
    503 instead of 500, and the pool's pre-ping reconnects once the server is back.
    Recorded events are written by ``writers`` just before the commit and
    handed to ``listeners`` just after it.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        read_only: bool = False,
        writers: Sequence[EventWriter] = (),
        listeners: Sequence[EventPublisher] = (),
    ) -> None:
        self._engine = engine
        self._read_only = read_only
        self._writers = writers
        self._listeners = listeners
        self._events: list[Event] = []

    def __enter__(self) -> Self:
        try:
            self._connection: Connection = self._engine.connect()
            try:
                self._begin()
            except BaseException:
                self._connection.close()
                raise
        except (OperationalError, InterfaceError, PoolTimeout) as error:
            raise StorageUnavailable() from error
        self.users = SqlUserRepository(self._connection)
        self.sessions = SqlSessionRepository(self._connection)
        self.links = SqlLinkTokenRepository(self._connection)
        self.outbox = SqlOutbox(self._connection)
        self.reset_requests = SqlResetRequests(self._connection)
        self.posts = SqlPostRepository(self._connection)
        self.audit = SqlAuditEvents(self._connection)
        self.second_factors = SqlSecondFactors(self._connection)
        self.pending_logins = SqlPendingLogins(self._connection)
        self.passkeys = SqlPasskeys(self._connection)
        return self

    def _begin(self) -> None:
        sqlite = self._engine.dialect.name == "sqlite"
        if self._read_only and not sqlite:
            # No BEGIN and no ROLLBACK: each read stands alone. (pysqlite
            # opens no transaction for reads anyway, and switching its
            # isolation level would cost a PRAGMA per unit of work.)
            self._connection = self._connection.execution_options(isolation_level="AUTOCOMMIT")
        elif not self._read_only and sqlite:
            # Writers take the write lock up front (waiting out the busy
            # timeout), so what they read stays true until they commit:
            # pysqlite would begin only at the first write, after the reads.
            self._connection.exec_driver_sql("BEGIN IMMEDIATE")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._events = []
        self._connection.close()
        if _is_outage(exc):
            raise StorageUnavailable() from exc

    def record(self, event: Event) -> None:
        if self._read_only:
            raise RuntimeError("a read-only unit of work records no events")
        self._events.append(event)

    def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        events, self._events = self._events, []
        for write in self._writers:
            write(self, events)
        self._connection.commit()
        publish_committed(self._listeners, events)
