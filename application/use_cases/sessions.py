"""A person's own sessions: see them, end one."""

from __future__ import annotations

from uuid import UUID

from application.ports import Clock, EventPublisher, UnitOfWorkFactory
from application.results import Actor
from domain.errors import SessionNotFound
from domain.events import SessionRevoked
from domain.sessions import Session


class ListSessions:
    """The caller's active sessions, most recently used first."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def __call__(self, actor: Actor) -> list[Session]:
        with self._uow(read_only=True) as uow:
            sessions = uow.sessions.list_active(actor.user_id, self._clock.now())
        return sorted(sessions, key=lambda s: s.last_used_at, reverse=True)


class RevokeSession:
    """End one of the caller's sessions; its tokens stop working at once."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, events: EventPublisher) -> None:
        self._uow = uow
        self._clock = clock
        self._events = events

    def __call__(self, actor: Actor, session_id: UUID) -> None:
        now = self._clock.now()
        with self._uow() as uow:
            session = uow.sessions.get(session_id)
            # Another user's session is "not found" too: ids cannot be probed.
            if session is None or session.user_id != actor.user_id or not session.is_active(now):
                raise SessionNotFound()
            uow.sessions.revoke(session_id, now)
            uow.commit()
        self._events.publish(SessionRevoked(user_id=actor.user_id, session_id=session_id))
