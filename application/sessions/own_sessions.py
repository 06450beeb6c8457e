"""A person's own sessions: see them, end one."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.caller import Caller
from application.ports import Clock, UnitOfWorkFactory
from domain.errors import SessionNotFound
from domain.events import SessionRevoked
from domain.sessions import Session


@dataclass(frozen=True, slots=True)
class ListSessions:
    """The caller's active sessions, most recently used first."""

    uow: UnitOfWorkFactory
    clock: Clock

    def __call__(self, caller: Caller) -> list[Session]:
        with self.uow(read_only=True) as uow:
            sessions = uow.sessions.list_active(caller.user_id, self.clock.now())
        return sorted(sessions, key=lambda s: s.last_used_at, reverse=True)


@dataclass(frozen=True, slots=True)
class RevokeSession:
    """End one of the caller's sessions; its tokens stop working at once."""

    uow: UnitOfWorkFactory
    clock: Clock

    def __call__(self, caller: Caller, session_id: UUID) -> None:
        now = self.clock.now()
        with self.uow() as uow:
            session = uow.sessions.get(session_id)
            # Another user's session is "not found" too: ids cannot be probed.
            if session is None or session.user_id != caller.user_id or not session.is_active(now):
                raise SessionNotFound()
            session.revoke(now)
            uow.sessions.update(session)
            uow.record(SessionRevoked(user_id=caller.user_id, session_id=session_id))
            uow.commit()
