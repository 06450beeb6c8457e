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
    without this their rows would grow without bound. Logins that waited for
    a second step, and WebAuthn challenges, go as soon as they ended: the
    audit trail, not they, tells what happened.

    Deleted in batches, each its own short transaction, so a large backlog
    never holds a lock for long. Returns how many sessions went.
    """

    uow: UnitOfWorkFactory
    clock: Clock

    def __call__(self, keep: timedelta, batch: int = BATCH) -> int:
        now = self.clock.now()
        delete_in_batches(self.uow, lambda uow: uow.pending_logins.delete_ended(now, batch))
        delete_in_batches(self.uow, lambda uow: uow.passkeys.delete_ended_challenges(now, batch))
        before = now - keep
        return delete_in_batches(self.uow, lambda uow: uow.sessions.delete_ended(before, batch))
