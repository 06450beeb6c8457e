"""Repositories over SQLAlchemy Core: rows are mapped to domain objects explicitly."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Connection,
    CursorResult,
    Select,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError

from adapters.persistence.sqlalchemy.driver_query import DriverQuery
from adapters.persistence.sqlalchemy.tables import refresh_tokens, sessions, users
from application.ports import Count
from domain.errors import ConcurrentUpdate, EmailTaken
from domain.sessions import RefreshToken, Session, SessionKind
from domain.users import Email, Role, User


def _user_from_row(row: Any) -> User:
    return User(
        id=row.id,
        email=Email(row.email),
        name=row.name,
        password_hash=row.password_hash,
        role=Role(row.role),
        is_active=row.is_active,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
        email_verified=row.email_verified,
        mfa_enabled=row.mfa_enabled,
    )


def _user_values(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email.value,
        "name": user.name,
        "password_hash": user.password_hash,
        "role": user.role.value,
        "is_active": user.is_active,
        "created_at": user.created_at,
        "updated_at": user.updated_at,
        "version": user.version,
        "email_verified": user.email_verified,
        "mfa_enabled": user.mfa_enabled,
    }


# Above this many rows an exact count(*) costs a scan per page; the planner's
# estimate (kept by ANALYZE and autovacuum) is used instead, and marked so.
EXACT_COUNT_LIMIT = 100_000

_ESTIMATES = {
    "postgresql": "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(:table)",
    "mysql": (
        "SELECT table_rows FROM information_schema.tables"
        " WHERE table_schema = DATABASE() AND table_name = :table"
    ),
}


def _estimated_rows(connection: Connection, table: str) -> int | None:
    """The database's own row estimate, where it keeps one (None: unknown)."""
    query = _ESTIMATES.get(connection.dialect.name)
    if query is None:
        return None
    estimate = connection.execute(text(query), {"table": table}).scalar()
    return int(estimate) if estimate is not None and estimate >= 0 else None


def _with_email_prefix(query: Select[Any], email_prefix: str) -> Select[Any]:
    """Emails that start with ``email_prefix``, its ``%`` and ``_`` taken literally."""
    if not email_prefix:
        return query
    return query.where(users.c.email.startswith(email_prefix, autoescape=True))


def _is_email_conflict(error: IntegrityError) -> bool:
    # Every backend names the column or the constraint (uq_users_email) in its message.
    return "email" in str(error.orig).lower()


class SqlUserRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def get(self, user_id: UUID) -> User | None:
        row = self._db.execute(select(users).where(users.c.id == user_id)).first()
        return _user_from_row(row) if row is not None else None

    def by_email(self, email: Email) -> User | None:
        row = self._db.execute(select(users).where(users.c.email == email.value)).first()
        return _user_from_row(row) if row is not None else None

    def add(self, user: User) -> None:
        self._write(insert(users).values(_user_values(user)))

    def update(self, user: User) -> None:
        values = _user_values(user)
        del values["id"], values["created_at"]
        values["version"] = user.version + 1
        statement = (
            update(users)
            .where(users.c.id == user.id, users.c.version == user.version)
            .values(values)
        )
        if self._write(statement).rowcount != 1:
            raise ConcurrentUpdate()
        user.version += 1

    def _write(self, statement: Any) -> CursorResult[Any]:
        try:
            return self._db.execute(statement)
        except IntegrityError as error:
            if _is_email_conflict(error):
                raise EmailTaken() from error
            raise

    def delete(self, user_id: UUID) -> None:
        # Sessions and refresh tokens go by ON DELETE CASCADE.
        self._db.execute(delete(users).where(users.c.id == user_id))

    def list_page(
        self, offset: int, limit: int, email_prefix: str = "", after: UUID | None = None
    ) -> list[User]:
        # A deferred join: the offset walks the primary-key index alone, and only
        # the page's rows are read from the table, so deep pages stay cheap.
        # After a cursor's user, the index starts there: no offset to walk.
        ids = _with_email_prefix(select(users.c.id), email_prefix)
        if after is not None:
            ids = ids.where(users.c.id > after)
        page = ids.order_by(users.c.id).offset(offset).limit(limit).subquery()
        query = select(users).join(page, users.c.id == page.c.id).order_by(users.c.id)
        return [_user_from_row(row) for row in self._db.execute(query)]

    def count(self, email_prefix: str = "") -> Count:
        if not email_prefix:
            estimate = _estimated_rows(self._db, users.name)
            if estimate is not None and estimate >= EXACT_COUNT_LIMIT:
                return Count(estimate, exact=False)
        query = _with_email_prefix(select(func.count()).select_from(users), email_prefix)
        return Count(self._db.execute(query).scalar_one())

    def names(self, user_ids: Collection[UUID]) -> dict[UUID, str]:
        if not user_ids:
            return {}
        query = select(users.c.id, users.c.name).where(users.c.id.in_(set(user_ids)))
        return {row.id: row.name for row in self._db.execute(query)}

    def count_active_admins(self) -> int:
        # FOR UPDATE locks the admins' rows until the transaction ends, and a
        # waiting reader sees the rows as the winner left them. (SQLite has no
        # row locks; its writing units of work hold the database's write lock.)
        query = (
            select(users.c.id)
            .where(users.c.role == Role.ADMIN.value, users.c.is_active.is_(True))
            .order_by(users.c.id)
            .with_for_update()
        )
        return len(self._db.execute(query).all())


def _session_from_row(row: Any) -> Session:
    return Session(
        id=row.id,
        user_id=row.user_id,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        user_agent=row.user_agent,
        ip=row.ip,
        kind=SessionKind(row.kind),
        token_hash=row.token_hash,
        idle_timeout=(
            timedelta(seconds=row.idle_timeout_seconds)
            if row.idle_timeout_seconds is not None
            else None
        ),
        amr=tuple(row.amr.split()),
    )


def _session_values(session: Session) -> dict[str, Any]:
    return {
        "id": session.id,
        "user_id": session.user_id,
        "created_at": session.created_at,
        "last_used_at": session.last_used_at,
        "expires_at": session.expires_at,
        "revoked_at": session.revoked_at,
        "user_agent": session.user_agent,
        "ip": session.ip,
        "kind": session.kind.value,
        "token_hash": session.token_hash,
        "idle_timeout_seconds": (
            int(session.idle_timeout.total_seconds()) if session.idle_timeout is not None else None
        ),
        "amr": " ".join(session.amr),
    }


# Authenticating is the hottest path: the statements are built once, and run on
# the driver's cursor (driver_query.py). Columns are prefixed apart.
_SESSION_AND_USER = select(
    *(column.label(f"s_{column.name}") for column in sessions.c),
    *(column.label(f"u_{column.name}") for column in users.c),
).join_from(sessions, users, sessions.c.user_id == users.c.id)
_SESSION_WITH_USER = DriverQuery(
    _SESSION_AND_USER.where(sessions.c.id == bindparam("session_id", type_=sessions.c.id.type))
)
_BROWSER_SESSION_WITH_USER = DriverQuery(
    _SESSION_AND_USER.where(
        sessions.c.token_hash == bindparam("token_hash", type_=sessions.c.token_hash.type)
    )
)


def _session_and_user(values: dict[str, Any] | None) -> tuple[Session, User] | None:
    if values is None:
        return None
    return _session_from_row(_Prefixed(values, "s_")), _user_from_row(_Prefixed(values, "u_"))


class _Prefixed:
    """Attribute access to one table's columns of a joined row."""

    __slots__ = ("_prefix", "_values")

    def __init__(self, values: Any, prefix: str) -> None:
        self._values, self._prefix = values, prefix

    def __getattr__(self, name: str) -> Any:
        return self._values[self._prefix + name]


class SqlSessionRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def get(self, session_id: UUID) -> Session | None:
        row = self._db.execute(select(sessions).where(sessions.c.id == session_id)).first()
        return _session_from_row(row) if row is not None else None

    def get_with_user(self, session_id: UUID) -> tuple[Session, User] | None:
        return _session_and_user(_SESSION_WITH_USER.first(self._db, {"session_id": session_id}))

    def browser_session_with_user(self, token_hash: str) -> tuple[Session, User] | None:
        return _session_and_user(
            _BROWSER_SESSION_WITH_USER.first(self._db, {"token_hash": token_hash})
        )

    def add(self, session: Session) -> None:
        self._db.execute(insert(sessions).values(_session_values(session)))

    def update(self, session: Session) -> bool:
        result = self._db.execute(
            update(sessions)
            .where(sessions.c.id == session.id, sessions.c.revoked_at.is_(None))
            .values(
                last_used_at=session.last_used_at,
                user_agent=session.user_agent,
                ip=session.ip,
                revoked_at=session.revoked_at,
            )
        )
        return result.rowcount == 1

    def list_active(self, user_id: UUID, now: datetime) -> list[Session]:
        query = select(sessions).where(
            sessions.c.user_id == user_id,
            sessions.c.revoked_at.is_(None),
            sessions.c.expires_at > now,
        )
        found = (_session_from_row(row) for row in self._db.execute(query))
        return [session for session in found if session.is_active(now)]  # a browser's idle limit

    def revoke_all(self, user_id: UUID, now: datetime, keep: UUID | None = None) -> None:
        statement = (
            update(sessions)
            .where(sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        if keep is not None:
            statement = statement.where(sessions.c.id != keep)
        self._db.execute(statement)

    def delete_ended(self, before: datetime, limit: int) -> int:
        # Ids first, then the delete: MariaDB refuses LIMIT in an IN subquery.
        # Refresh tokens go by ON DELETE CASCADE.
        ended = (
            select(sessions.c.id)
            .where(or_(sessions.c.revoked_at < before, sessions.c.expires_at < before))
            .limit(limit)
        )
        ids = self._db.execute(ended).scalars().all()
        if ids:
            self._db.execute(delete(sessions).where(sessions.c.id.in_(ids)))
        return len(ids)

    def add_refresh_token(self, token: RefreshToken) -> None:
        self._db.execute(
            insert(refresh_tokens).values(
                token_hash=token.token_hash,
                session_id=token.session_id,
                issued_at=token.issued_at,
                expires_at=token.expires_at,
                used_at=token.used_at,
            )
        )

    def find_refresh_token(self, token_hash: str) -> RefreshToken | None:
        query = select(refresh_tokens).where(refresh_tokens.c.token_hash == token_hash)
        row = self._db.execute(query).first()
        if row is None:
            return None
        return RefreshToken(
            token_hash=row.token_hash,
            session_id=row.session_id,
            issued_at=row.issued_at,
            expires_at=row.expires_at,
            used_at=row.used_at,
        )

    def use_refresh_token(self, token_hash: str, now: datetime) -> bool:
        result = self._db.execute(
            update(refresh_tokens)
            .where(refresh_tokens.c.token_hash == token_hash, refresh_tokens.c.used_at.is_(None))
            .values(used_at=now)
        )
        return result.rowcount == 1
