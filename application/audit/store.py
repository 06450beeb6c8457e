"""The stored audit trail's writer: the unit of work runs it at each commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from application.ports import Clock, IdGenerator, OriginSource, UnitOfWork
from domain.audit import AuditEvent
from domain.events import Event


@dataclass(frozen=True, slots=True)
class StoreAuditEvents:
    """Store the events a unit of work recorded, with their origin, in its own
    transaction (S53): a change is never stored without its events, nor an
    event without its change. Hand it to the unit of work as a writer."""

    ids: IdGenerator
    clock: Clock
    origin: OriginSource

    def __call__(self, uow: UnitOfWork, events: Sequence[Event]) -> None:
        stored = [event for event in events if event.stored]
        if not stored:
            return
        origin, now = self.origin(), self.clock.now()
        uow.audit.add([AuditEvent.of(event, origin, self.ids.new_id(), now) for event in stored])
