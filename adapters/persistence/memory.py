"""In-memory repositories and unit of work: for unit tests and for embedding the core.

A unit of work holds the database's lock from ``__enter__`` to ``__exit__``
(transactions are serial) and works on copies of the tables, which ``commit``
publishes; leaving without ``commit`` drops them. Entities are copied in and
out, so a caller mutating what it read changes nothing until it saves.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import TracebackType
from typing import Self
from uuid import UUID

from application.ports import Count
from domain.errors import ConcurrentUpdate, EmailTaken
from domain.sessions import RefreshToken, Session
from domain.users import Email, User


@dataclass
class InMemoryDatabase:
    users: dict[UUID, User] = field(default_factory=dict)
    emails: dict[Email, UUID] = field(default_factory=dict)
    sessions: dict[UUID, Session] = field(default_factory=dict)
    refresh_tokens: dict[str, RefreshToken] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def tables(self) -> InMemoryDatabase:
        """A copy of the tables (not the lock's owner: it shares the lock)."""
        return replace(
            self,
            users=dict(self.users),
            emails=dict(self.emails),
            sessions=dict(self.sessions),
            refresh_tokens=dict(self.refresh_tokens),
        )


class InMemoryUserRepository:
    def __init__(self, db: InMemoryDatabase) -> None:
        self._db = db

    def get(self, user_id: UUID) -> User | None:
        user = self._db.users.get(user_id)
        return copy.copy(user) if user is not None else None

    def by_email(self, email: Email) -> User | None:
        user_id = self._db.emails.get(email)
        return self.get(user_id) if user_id is not None else None

    def add(self, user: User) -> None:
        if user.email in self._db.emails:
            raise EmailTaken()
        self._db.users[user.id] = copy.copy(user)
        self._db.emails[user.email] = user.id

    def update(self, user: User) -> None:
        old = self._db.users.get(user.id)
        if old is None or old.version != user.version:
            raise ConcurrentUpdate()
        owner = self._db.emails.get(user.email)
        if owner is not None and owner != user.id:
            raise EmailTaken()
        user.version += 1
        del self._db.emails[old.email]
        self._db.emails[user.email] = user.id
        self._db.users[user.id] = copy.copy(user)

    def delete(self, user_id: UUID) -> None:
        user = self._db.users.pop(user_id)
        del self._db.emails[user.email]
        gone = {s.id for s in self._db.sessions.values() if s.user_id == user_id}
        for session_id in gone:
            del self._db.sessions[session_id]
        for token_hash, token in list(self._db.refresh_tokens.items()):
            if token.session_id in gone:
                del self._db.refresh_tokens[token_hash]

    def list_page(self, offset: int, limit: int) -> list[User]:
        ordered = sorted(self._db.users)[offset : offset + limit]
        return [copy.copy(self._db.users[user_id]) for user_id in ordered]

    def count(self) -> Count:
        return Count(len(self._db.users))

    def count_active_admins(self) -> int:
        return sum(1 for u in self._db.users.values() if u.is_admin and u.is_active)


class InMemorySessionRepository:
    def __init__(self, db: InMemoryDatabase) -> None:
        self._db = db

    def get(self, session_id: UUID) -> Session | None:
        session = self._db.sessions.get(session_id)
        return copy.copy(session) if session is not None else None

    def get_with_user(self, session_id: UUID) -> tuple[Session, User] | None:
        session = self._db.sessions.get(session_id)
        user = self._db.users.get(session.user_id) if session is not None else None
        if session is None or user is None:
            return None
        return copy.copy(session), copy.copy(user)

    def add(self, session: Session) -> None:
        self._db.sessions[session.id] = copy.copy(session)

    def touch(
        self, session_id: UUID, now: datetime, user_agent: str | None, ip: str | None
    ) -> bool:
        session = self._db.sessions.get(session_id)
        if session is None or session.revoked_at is not None:
            return False
        self._db.sessions[session_id] = replace(
            session, last_used_at=now, user_agent=user_agent, ip=ip
        )
        return True

    def revoke(self, session_id: UUID, now: datetime) -> None:
        session = self._db.sessions.get(session_id)
        if session is not None and session.revoked_at is None:
            self._db.sessions[session_id] = replace(session, revoked_at=now)

    def list_active(self, user_id: UUID, now: datetime) -> list[Session]:
        return [
            copy.copy(s)
            for s in self._db.sessions.values()
            if s.user_id == user_id and s.is_active(now)
        ]

    def revoke_all(self, user_id: UUID, now: datetime, keep: UUID | None = None) -> None:
        for session in self._db.sessions.values():
            if session.user_id == user_id and session.id != keep and session.revoked_at is None:
                self._db.sessions[session.id] = replace(session, revoked_at=now)

    def add_refresh_token(self, token: RefreshToken) -> None:
        self._db.refresh_tokens[token.token_hash] = token

    def find_refresh_token(self, token_hash: str) -> RefreshToken | None:
        return self._db.refresh_tokens.get(token_hash)

    def use_refresh_token(self, token_hash: str, now: datetime) -> bool:
        token = self._db.refresh_tokens.get(token_hash)
        if token is None or token.used_at is not None:
            return False
        self._db.refresh_tokens[token_hash] = replace(token, used_at=now)
        return True


class InMemoryUnitOfWork:
    def __init__(self, db: InMemoryDatabase, *, read_only: bool = False) -> None:  # noqa: ARG002
        self._db = db  # read_only changes nothing here: copies are cheap

    def __enter__(self) -> Self:
        self._db.lock.acquire()
        self._work = self._db.tables()
        self.users = InMemoryUserRepository(self._work)
        self.sessions = InMemorySessionRepository(self._work)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._db.lock.release()

    def commit(self) -> None:
        """Publish the working tables; the unit of work is done with them."""
        work, self._work = self._work, self._work.tables()
        self.users = InMemoryUserRepository(self._work)
        self.sessions = InMemorySessionRepository(self._work)
        self._db.users = work.users
        self._db.emails = work.emails
        self._db.sessions = work.sessions
        self._db.refresh_tokens = work.refresh_tokens
