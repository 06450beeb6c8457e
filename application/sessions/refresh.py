from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from application.sessions.tokens import TokenIssuer, TokenPair
from application.throttling import AttemptLimit
from domain.errors import InvalidRefreshToken
from domain.events import RefreshReused
from domain.sessions import Session
from domain.users import User


@dataclass(frozen=True, slots=True)
class RefreshCommand:
    refresh_token: str
    user_agent: str | None = None
    ip: str | None = None


@dataclass(frozen=True, slots=True)
class RefreshSession:
    """Exchange a refresh token for a new pair; the presented token dies (S23).

    A token that was already used is reuse: its whole session is revoked (S24),
    unless it was rotated within the reuse grace and its successor is still
    unused, when the same successor is handed out again.
    The exchange is a compare-and-set on the stored token, so of two
    simultaneous refreshes with one token at most one gets a successor (S26).
    """

    uow: UnitOfWorkFactory
    issuer: TokenIssuer
    clock: Clock
    address_limit: AttemptLimit

    def __call__(self, command: RefreshCommand) -> TokenPair:
        self.address_limit.check(command.ip, "refresh")
        token_hash = self.issuer.hash_refresh_token(command.refresh_token)
        now = self.clock.now()
        with self.uow() as uow:
            stored = uow.sessions.find_refresh_token(token_hash)
            session = uow.sessions.get(stored.session_id) if stored is not None else None
            if stored is None or session is None:
                raise InvalidRefreshToken()
            if stored.used_at is not None or not uow.sessions.use_refresh_token(token_hash, now):
                again = self._within_grace(uow, command.refresh_token, session.id, now)
                if again is not None:
                    return again
                if session.revoke(now):
                    uow.sessions.update(session)
                uow.record(RefreshReused(user_id=session.user_id, session_id=session.id))
                uow.commit()
                raise InvalidRefreshToken()
            user = _active_user(uow, session, now)
            if user is None or stored.is_expired(now):
                raise InvalidRefreshToken()
            session.touch(now, command.user_agent, command.ip)
            # A logout committed since the read above wins: it gets no successor.
            if not uow.sessions.update(session):
                raise InvalidRefreshToken()
            tokens = self.issuer.issue(uow, session, user, now, previous=command.refresh_token)
            uow.commit()
        return tokens

    def _within_grace(
        self, uow: UnitOfWork, token: str, session_id: UUID, now: datetime
    ) -> TokenPair | None:
        """The same successor again, if ``token`` was rotated less than the grace
        ago and its successor is still the session's unused token."""
        grace = self.issuer.lifetimes.reuse_grace
        if not grace:
            return None
        # Read again: a rotation that won the race just now shows its time here.
        used = uow.sessions.find_refresh_token(self.issuer.hash_refresh_token(token))
        if used is None or used.used_at is None or now - used.used_at > grace:
            return None
        successor = self.issuer.successor_of(token)
        current = uow.sessions.find_refresh_token(self.issuer.hash_refresh_token(successor))
        session = uow.sessions.get(session_id)
        if current is None or current.used_at is not None or session is None:
            return None
        user = _active_user(uow, session, now)
        return self.issuer.reissue(session, user, successor, now) if user else None


def _active_user(uow: UnitOfWork, session: Session, now: datetime) -> User | None:
    """The session's user, if both the session and the user are active."""
    user = uow.users.get(session.user_id)
    if not session.is_active(now) or user is None or not user.is_active:
        return None
    return user
