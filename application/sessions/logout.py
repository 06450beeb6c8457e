from __future__ import annotations

from dataclasses import dataclass

from application.caller import Caller
from application.ports import Clock, RefreshTokens, UnitOfWorkFactory
from domain.events import LoggedOut, LoggedOutEverywhere


@dataclass(frozen=True, slots=True)
class Logout:
    """End the caller's session and, if a refresh token of the caller is given, its session."""

    uow: UnitOfWorkFactory
    refresh_tokens: RefreshTokens
    clock: Clock

    def __call__(self, caller: Caller, refresh_token: str | None = None) -> None:
        now = self.clock.now()
        with self.uow() as uow:
            session_ids = {caller.session_id}
            if refresh_token is not None:
                stored = uow.sessions.find_refresh_token(self.refresh_tokens.hash(refresh_token))
                if stored is not None:
                    session_ids.add(stored.session_id)
            ended = []
            for session_id in session_ids:
                session = uow.sessions.get(session_id)
                # A refresh token of another user's session is ignored, not obeyed.
                if session is not None and session.user_id == caller.user_id:
                    if session.revoke(now):
                        uow.sessions.update(session)
                    ended.append(session_id)
            uow.record(LoggedOut(user_id=caller.user_id, session_ids=tuple(ended)))
            uow.commit()


@dataclass(frozen=True, slots=True)
class LogoutAll:
    """End every session of the caller, this one included."""

    uow: UnitOfWorkFactory
    clock: Clock

    def __call__(self, caller: Caller) -> None:
        with self.uow() as uow:
            uow.sessions.revoke_all(caller.user_id, self.clock.now())
            uow.record(LoggedOutEverywhere(user_id=caller.user_id))
            uow.commit()
