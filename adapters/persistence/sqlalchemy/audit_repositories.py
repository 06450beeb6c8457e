"""The stored audit trail over SQLAlchemy Core."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Integer, Select, bindparam, delete, insert, select

from adapters.persistence.sqlalchemy.driver_query import DriverQuery
from adapters.persistence.sqlalchemy.tables import audit_events
from domain.audit import AuditEvent, AuditQuery, EventOrigin

# On the driver's cursor: every sign-in and change writes one (driver_query.py).
_ADD = DriverQuery(insert(audit_events))
_c = audit_events.c


def _row(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "type": event.type,
        "occurred_at": event.occurred_at,
        "user_id": event.user_id,
        "actor_id": event.actor_id,
        "session_id": event.session_id,
        "ip": event.ip,
        "user_agent": event.user_agent,
        "request_id": event.request_id,
        "data": event.data,
    }


def _event(row: Any) -> AuditEvent:
    return AuditEvent(
        id=row.id,
        type=row.type,
        occurred_at=row.occurred_at,
        user_id=row.user_id,
        actor_id=row.actor_id,
        session_id=row.session_id,
        ip=row.ip,
        user_agent=row.user_agent,
        request_id=row.request_id,
        data=row.data,
    )


def _filtered(statement: Select[Any], query: AuditQuery) -> Select[Any]:
    if query.user_id is not None:
        statement = statement.where(_c.user_id == query.user_id)
    if query.type is not None:
        statement = statement.where(_c.type == query.type)
    if query.since is not None:
        statement = statement.where(_c.occurred_at >= query.since)
    if query.until is not None:
        statement = statement.where(_c.occurred_at < query.until)
    return statement


@lru_cache(maxsize=32)
def _origins_query(types: int, since: bool, before: bool) -> DriverQuery:
    """The new-device check's read, one statement per shape, on the driver's
    cursor: it runs at every sign-in (S52; docs/performance.md)."""
    statement = select(_c.id, _c.user_agent, _c.ip).where(
        _c.user_id == bindparam("user_id"),
        _c.type.in_([bindparam(f"type{number}") for number in range(types)]),
    )
    if since:
        statement = statement.where(_c.occurred_at >= bindparam("since"))
    if before:
        statement = statement.where(_c.id < bindparam("before"))
    return DriverQuery(statement.order_by(_c.id.desc()).limit(bindparam("limit", type_=Integer)))


class SqlAuditEvents:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(self, events: Sequence[AuditEvent]) -> None:
        for event in events:
            _ADD.insert(self._db, _row(event))

    def newest(self, query: AuditQuery, limit: int, before: UUID | None = None) -> list[AuditEvent]:
        statement = _filtered(select(audit_events), query).order_by(_c.id.desc()).limit(limit)
        if before is not None:
            statement = statement.where(_c.id < before)
        return [_event(row) for row in self._db.execute(statement)]

    def origins(
        self,
        user_id: UUID,
        types: Sequence[str],
        since: datetime | None,
        limit: int,
        before: UUID | None = None,
    ) -> list[EventOrigin]:
        query = _origins_query(len(types), since is not None, before is not None)
        parameters: dict[str, Any] = {"user_id": user_id, "since": since, "before": before}
        parameters["limit"] = limit
        parameters |= {f"type{number}": kind for number, kind in enumerate(types)}
        rows = query.all(self._db, {k: v for k, v in parameters.items() if v is not None})
        return [EventOrigin(row["id"], row["user_agent"], row["ip"]) for row in rows]

    def oldest(
        self, limit: int, after: UUID | None = None, since: datetime | None = None
    ) -> list[AuditEvent]:
        statement = _filtered(select(audit_events), AuditQuery(since=since))
        if after is not None:
            statement = statement.where(_c.id > after)
        return [_event(row) for row in self._db.execute(statement.order_by(_c.id).limit(limit))]

    def delete_before(self, cutoff: datetime, limit: int) -> int:
        # Ids first, then the delete: MariaDB refuses LIMIT in an IN subquery.
        # The oldest first, on the primary key (time order): no index on the time.
        old = select(_c.id).where(_c.occurred_at < cutoff).order_by(_c.id).limit(limit)
        ids = self._db.execute(old).scalars().all()
        if ids:
            self._db.execute(delete(audit_events).where(_c.id.in_(ids)))
        return len(ids)
