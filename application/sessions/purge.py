from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from application.batches import delete_in_batches
from application.ports import Clock, UnitOfWorkFactory

BATCH = 1000


@dataclass(frozen=True, slots=True)
class PurgeEndedSessions:
    """Delete the sessions, and their refresh tokens, that ended more than
    ``keep`` ago: revoked or expired sessions are never used again, and
    without this their rows would grow without bound.

    Deleted in batches, each its own short transaction, so a large backlog
    never holds a lock for long. Returns how many sessions went.
    """

    uow: UnitOfWorkFactory
    clock: Clock

    def __call__(self, keep: timedelta, batch: int = BATCH) -> int:
        before = self.clock.now() - keep
        return delete_in_batches(self.uow, lambda uow: uow.sessions.delete_ended(before, batch))
