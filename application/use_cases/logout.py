from __future__ import annotations

from application.ports import Clock, EventPublisher, RefreshTokens, UnitOfWorkFactory
from application.results import Actor
from domain.events import LoggedOut, LoggedOutEverywhere


class Logout:
    """End the caller's session and, if a refresh token of the caller is given, its session."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        refresh_tokens: RefreshTokens,
        clock: Clock,
        events: EventPublisher,
    ) -> None:
        self._uow = uow
        self._refresh_tokens = refresh_tokens
        self._clock = clock
        self._events = events

    def __call__(self, actor: Actor, refresh_token: str | None = None) -> None:
        now = self._clock.now()
        with self._uow() as uow:
            session_ids = {actor.session_id}
            if refresh_token is not None:
                stored = uow.sessions.find_refresh_token(self._refresh_tokens.hash(refresh_token))
                if stored is not None:
                    session_ids.add(stored.session_id)
            ended = []
            for session_id in session_ids:
                session = uow.sessions.get(session_id)
                # A refresh token of another user's session is ignored, not obeyed.
                if session is not None and session.user_id == actor.user_id:
                    uow.sessions.revoke(session_id, now)
                    ended.append(session_id)
            uow.commit()
        self._events.publish(LoggedOut(user_id=actor.user_id, session_ids=tuple(ended)))


class LogoutAll:
    """End every session of the caller, this one included."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, events: EventPublisher) -> None:
        self._uow = uow
        self._clock = clock
        self._events = events

    def __call__(self, actor: Actor) -> None:
        with self._uow() as uow:
            uow.sessions.revoke_all(actor.user_id, self._clock.now())
            uow.commit()
        self._events.publish(LoggedOutEverywhere(user_id=actor.user_id))
