"""In-memory repositories and unit of work: for unit tests and for embedding the core.

A unit of work holds the database's lock from ``__enter__`` to ``__exit__``
(transactions are serial) and works on copies of the tables, which ``commit``
publishes; leaving without ``commit`` drops them. Entities are copied in and
out, so a caller mutating what it read changes nothing until it saves.

Adding a table is a field of ``InMemoryDatabase`` (``tables`` copies and
``commit`` publishes every field, so none can be forgotten) and a repository
attribute in ``InMemoryUnitOfWork._open``.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from types import TracebackType
from typing import Any, Self
from uuid import UUID

from adapters.persistence.memory_audit import InMemoryAuditEvents
from adapters.persistence.memory_mail import (
    InMemoryLinkTokenRepository,
    InMemoryOutbox,
    InMemoryResetRequests,
)
from adapters.persistence.memory_passkeys import InMemoryPasskeys
from adapters.persistence.memory_posts import InMemoryPostRepository
from adapters.persistence.memory_second_factors import InMemoryPendingLogins, InMemorySecondFactors
from application.events import publish_committed
from application.ports import Count, EventPublisher, EventWriter
from domain.audit import AuditEvent
from domain.errors import ConcurrentUpdate, EmailTaken
from domain.events import Event
from domain.mail import LinkToken, OutboxMessage, ResetRequest
from domain.passkeys import Passkey, WebAuthnChallenge
from domain.posts import Post
from domain.second_factors import PendingLogin, RecoveryCode, TotpFactor
from domain.sessions import RefreshToken, Session
from domain.users import Email, User


@dataclass
class InMemoryDatabase:
    users: dict[UUID, User] = field(default_factory=dict)
    emails: dict[Email, UUID] = field(default_factory=dict)
    sessions: dict[UUID, Session] = field(default_factory=dict)
    refresh_tokens: dict[str, RefreshToken] = field(default_factory=dict)
    link_tokens: dict[str, LinkToken] = field(default_factory=dict)
    outbox: dict[UUID, OutboxMessage] = field(default_factory=dict)
    reset_requests: dict[UUID, ResetRequest] = field(default_factory=dict)
    posts: dict[UUID, Post] = field(default_factory=dict)
    audit_events: dict[UUID, AuditEvent] = field(default_factory=dict)
    totp_factors: dict[UUID, TotpFactor] = field(default_factory=dict)
    recovery_codes: dict[tuple[UUID, str], RecoveryCode] = field(default_factory=dict)
    pending_logins: dict[str, PendingLogin] = field(default_factory=dict)
    passkeys: dict[UUID, Passkey] = field(default_factory=dict)
    webauthn_challenges: dict[str, WebAuthnChallenge] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def tables(self) -> InMemoryDatabase:
        """A copy of the tables (not the lock's owner: it shares the lock)."""
        copies: dict[str, Any] = {name: dict(table) for name, table in self._tables()}
        return replace(self, **copies)

    def publish(self, work: InMemoryDatabase) -> None:
        """Make ``work``'s tables the database's own: a commit."""
        for name, table in work._tables():
            setattr(self, name, table)

    def _tables(self) -> list[tuple[str, dict]]:
        return [(f.name, getattr(self, f.name)) for f in fields(self) if f.name != "lock"]


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
        for token_hash, token in list(self._db.link_tokens.items()):
            if token.user_id == user_id:  # ON DELETE CASCADE
                del self._db.link_tokens[token_hash]
        for post_id, post in list(self._db.posts.items()):
            if post.author_id == user_id:  # ON DELETE CASCADE
                del self._db.posts[post_id]
        self._db.totp_factors.pop(user_id, None)  # ON DELETE CASCADE
        for key in [key for key in self._db.recovery_codes if key[0] == user_id]:
            del self._db.recovery_codes[key]
        for token_hash, pending in list(self._db.pending_logins.items()):
            if pending.user_id == user_id:
                del self._db.pending_logins[token_hash]
        for passkey_id in [p.id for p in self._db.passkeys.values() if p.user_id == user_id]:
            del self._db.passkeys[passkey_id]
        for challenge_key, challenge in list(self._db.webauthn_challenges.items()):
            if challenge.user_id == user_id:
                del self._db.webauthn_challenges[challenge_key]
        _delete_sessions(
            self._db, {s.id for s in self._db.sessions.values() if s.user_id == user_id}
        )

    def list_page(
        self, offset: int, limit: int, email_prefix: str = "", after: UUID | None = None
    ) -> list[User]:
        matching = (i for i in self._matching(email_prefix) if after is None or i > after)
        ordered = sorted(matching)[offset : offset + limit]
        return [copy.copy(self._db.users[user_id]) for user_id in ordered]

    def count(self, email_prefix: str = "") -> Count:
        return Count(len(self._matching(email_prefix)))

    def _matching(self, email_prefix: str) -> list[UUID]:
        return [
            user_id
            for email, user_id in self._db.emails.items()
            if email.value.startswith(email_prefix)
        ]

    def names(self, user_ids: Collection[UUID]) -> dict[UUID, str]:
        return {i: self._db.users[i].name for i in set(user_ids) if i in self._db.users}

    def count_active_admins(self) -> int:
        return sum(1 for u in self._db.users.values() if u.is_admin and u.is_active)


def _delete_sessions(db: InMemoryDatabase, gone: set[UUID]) -> None:
    """What the SQL schema's ON DELETE CASCADE does: the sessions' tokens go too."""
    for session_id in gone:
        del db.sessions[session_id]
    for token_hash, token in list(db.refresh_tokens.items()):
        if token.session_id in gone:
            del db.refresh_tokens[token_hash]


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

    def browser_session_with_user(self, token_hash: str) -> tuple[Session, User] | None:
        for session in self._db.sessions.values():
            if session.token_hash == token_hash:
                return self.get_with_user(session.id)
        return None

    def add(self, session: Session) -> None:
        self._db.sessions[session.id] = copy.copy(session)

    def update(self, session: Session) -> bool:
        stored = self._db.sessions.get(session.id)
        if stored is None or stored.revoked_at is not None:
            return False
        self._db.sessions[session.id] = copy.copy(session)
        return True

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

    def delete_ended(self, before: datetime, limit: int) -> int:
        ended = [s.id for s in self._db.sessions.values() if s.ended_before(before)][:limit]
        _delete_sessions(self._db, set(ended))
        return len(ended)

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
    def __init__(
        self,
        db: InMemoryDatabase,
        *,
        read_only: bool = False,
        writers: Sequence[EventWriter] = (),
        listeners: Sequence[EventPublisher] = (),
    ) -> None:
        self._db = db  # read_only skips nothing here (copies are cheap), but it refuses writes
        self._read_only = read_only
        self._writers = writers
        self._listeners = listeners

    def __enter__(self) -> Self:
        self._db.lock.acquire()
        self._open(self._db.tables())
        return self

    def _open(self, work: InMemoryDatabase) -> None:
        self._work = work
        self._events: list[Event] = []
        self.users = InMemoryUserRepository(work)
        self.sessions = InMemorySessionRepository(work)
        self.links = InMemoryLinkTokenRepository(work)
        self.outbox = InMemoryOutbox(work)
        self.reset_requests = InMemoryResetRequests(work)
        self.posts = InMemoryPostRepository(work)
        self.audit = InMemoryAuditEvents(work)
        self.second_factors = InMemorySecondFactors(work)
        self.pending_logins = InMemoryPendingLogins(work)
        self.passkeys = InMemoryPasskeys(work)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._events = []
        self._db.lock.release()

    def record(self, event: Event) -> None:
        if self._read_only:
            raise RuntimeError("a read-only unit of work records no events")
        self._events.append(event)

    def commit(self) -> None:
        """Write the events, publish the working tables, then tell the listeners."""
        if self._read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        work, events = self._work, self._events
        for write in self._writers:
            write(self, events)
        self._db.publish(work)
        self._open(work.tables())
        publish_committed(self._listeners, events)
