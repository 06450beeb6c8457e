"""Minting a session's token pair: shared by login and refresh."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from application.ports import AccessTokens, RefreshTokens, UnitOfWork
from domain.sessions import RefreshToken, Session
from domain.users import User


@dataclass(frozen=True, slots=True)
class SessionLifetimes:
    """A refresh token lives ``refresh_token`` (the idle limit); a session never
    outlives ``session`` from its login, however often it is refreshed (S25).
    ``reuse_grace`` lets a just-rotated token be presented again for that long
    (browser tabs refreshing at once) and get the same successor. A browser
    session signed in without "remember me" ends after ``browser_idle`` unused;
    with it, after ``refresh_token`` unused, like an API session."""

    refresh_token: timedelta = timedelta(days=30)
    session: timedelta = timedelta(days=90)
    reuse_grace: timedelta = timedelta(0)
    browser_idle: timedelta = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    user: User


@dataclass(frozen=True, slots=True)
class TokenIssuer:
    access_tokens: AccessTokens
    refresh_tokens: RefreshTokens
    lifetimes: SessionLifetimes

    def hash_refresh_token(self, token: str) -> str:
        return self.refresh_tokens.hash(token)

    def successor_of(self, token: str) -> str:
        return self.refresh_tokens.successor(token)

    def issue(
        self,
        uow: UnitOfWork,
        session: Session,
        user: User,
        now: datetime,
        previous: str | None = None,
    ) -> TokenPair:
        """Store the next refresh token of ``session`` (the successor of
        ``previous``, or a fresh one at login) and sign an access token."""
        refresh_token = (
            self.refresh_tokens.successor(previous)
            if previous is not None
            else self.refresh_tokens.generate()
        )
        uow.sessions.add_refresh_token(
            RefreshToken(
                token_hash=self.refresh_tokens.hash(refresh_token),
                session_id=session.id,
                issued_at=now,
                expires_at=min(now + self.lifetimes.refresh_token, session.expires_at),
            )
        )
        return self.reissue(session, user, refresh_token, now)

    def reissue(self, session: Session, user: User, refresh_token: str, now: datetime) -> TokenPair:
        """A new access token beside an already stored refresh token."""
        access = self.access_tokens.issue(user.id, session.id, now, session.amr)
        return TokenPair(access.token, refresh_token, access.expires_in, user)
