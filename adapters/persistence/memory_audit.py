"""The in-memory stored audit trail: a table of ``memory.InMemoryDatabase``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from domain.audit import AuditEvent, AuditQuery, EventOrigin

if TYPE_CHECKING:
    from adapters.persistence.memory import InMemoryDatabase


def _matches(event: AuditEvent, query: AuditQuery) -> bool:
    return (
        (query.user_id is None or event.user_id == query.user_id)
        and (query.type is None or event.type == query.type)
        and (query.since is None or event.occurred_at >= query.since)
        and (query.until is None or event.occurred_at < query.until)
    )


class InMemoryAuditEvents:
    def __init__(self, db: InMemoryDatabase) -> None:
        self._db = db

    def add(self, events: Sequence[AuditEvent]) -> None:
        for event in events:
            self._db.audit_events[event.id] = event

    def newest(self, query: AuditQuery, limit: int, before: UUID | None = None) -> list[AuditEvent]:
        found = (
            event
            for event_id, event in sorted(self._db.audit_events.items(), reverse=True)
            if (before is None or event_id < before) and _matches(event, query)
        )
        return [event for event, _ in zip(found, range(limit), strict=False)]

    def origins(
        self,
        user_id: UUID,
        types: Sequence[str],
        since: datetime | None,
        limit: int,
        before: UUID | None = None,
    ) -> list[EventOrigin]:
        found = (
            EventOrigin(event.id, event.user_agent, event.ip)
            for event_id, event in sorted(self._db.audit_events.items(), reverse=True)
            if (before is None or event_id < before)
            and event.user_id == user_id
            and event.type in types
            and (since is None or event.occurred_at >= since)
        )
        return [origin for origin, _ in zip(found, range(limit), strict=False)]

    def oldest(
        self, limit: int, after: UUID | None = None, since: datetime | None = None
    ) -> list[AuditEvent]:
        found = (
            event
            for event_id, event in sorted(self._db.audit_events.items())
            if (after is None or event_id > after) and (since is None or event.occurred_at >= since)
        )
        return [event for event, _ in zip(found, range(limit), strict=False)]

    def delete_before(self, cutoff: datetime, limit: int) -> int:
        old = [i for i, event in self._db.audit_events.items() if event.occurred_at < cutoff]
        for event_id in sorted(old)[:limit]:
            del self._db.audit_events[event_id]
        return min(len(old), limit)
