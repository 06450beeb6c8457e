"""How long the stored trail is kept, and how it leaves: purge and export."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from application.batches import delete_in_batches
from application.ports import Clock, UnitOfWorkFactory
from domain.audit import AuditEvent

BATCH = 1000


@dataclass(frozen=True, slots=True)
class PurgeAuditEvents:
    """Delete the events older than ``keep``, in batches of their own
    transaction (no long lock on a busy table); how many went."""

    uow: UnitOfWorkFactory
    clock: Clock

    def __call__(self, keep: timedelta, batch: int = BATCH) -> int:
        cutoff = self.clock.now() - keep
        return delete_in_batches(self.uow, lambda uow: uow.audit.delete_before(cutoff, batch))


@dataclass(frozen=True, slots=True)
class ExportAuditEvents:
    """Every stored event since ``since`` (all, if None), oldest first, read
    in batches by keyset so an export of millions holds no long transaction."""

    uow: UnitOfWorkFactory

    def __call__(self, since: datetime | None = None, batch: int = BATCH) -> Iterator[AuditEvent]:
        after = None
        while True:
            with self.uow(read_only=True) as uow:
                found = uow.audit.oldest(batch, after, since)
            yield from found
            if len(found) < batch:
                return
            after = found[-1].id
