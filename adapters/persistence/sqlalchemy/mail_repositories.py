"""Link tokens and the outbox over SQLAlchemy Core."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from adapters.persistence.sqlalchemy.tables import link_tokens, outbox, reset_requests
from application.ports import OutboxSummary
from domain.mail import (
    DeliveryState,
    LinkPurpose,
    LinkToken,
    MailKind,
    OutboxMessage,
    ResetRequest,
)
from domain.origin import Origin

# Built once: a statement made per call costs its cache lookup each time.
_ADD_LINK = insert(link_tokens)
_ADD_MESSAGE = insert(outbox)
_ADD_RESET_REQUEST = insert(reset_requests)


def _link_from_row(row: Any) -> LinkToken:
    return LinkToken(
        token_hash=row.token_hash,
        purpose=LinkPurpose(row.purpose),
        user_id=row.user_id,
        created_at=row.created_at,
        expires_at=row.expires_at,
        email=row.email,
        used_at=row.used_at,
        session_id=row.session_id,
    )


class SqlLinkTokenRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(self, token: LinkToken) -> None:
        self._db.execute(
            _ADD_LINK,
            {
                "token_hash": token.token_hash,
                "purpose": token.purpose.value,
                "user_id": token.user_id,
                "email": token.email,
                "created_at": token.created_at,
                "expires_at": token.expires_at,
                "used_at": token.used_at,
                "session_id": token.session_id,
            },
        )

    def get(self, token_hash: str) -> LinkToken | None:
        query = select(link_tokens).where(link_tokens.c.token_hash == token_hash)
        row = self._db.execute(query).first()
        return _link_from_row(row) if row is not None else None

    def spend(self, token_hash: str, now: datetime) -> bool:
        statement = (
            update(link_tokens)
            .where(link_tokens.c.token_hash == token_hash, link_tokens.c.used_at.is_(None))
            .values(used_at=now)
        )
        return self._db.execute(statement).rowcount == 1

    def spend_all(self, user_id: UUID, purpose: LinkPurpose, now: datetime) -> None:
        self._db.execute(
            update(link_tokens)
            .where(
                link_tokens.c.user_id == user_id,
                link_tokens.c.purpose == purpose.value,
                link_tokens.c.used_at.is_(None),
            )
            .values(used_at=now)
        )


def _message_from_row(row: Any) -> OutboxMessage:
    return OutboxMessage(
        id=row.id,
        kind=MailKind(row.kind),
        to=row.recipient,
        subject=row.subject,
        text=row.text_body,
        html=row.html_body,
        created_at=row.created_at,
        state=DeliveryState(row.state),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        sent_at=row.sent_at,
    )


class SqlOutbox:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(self, message: OutboxMessage) -> None:
        self._db.execute(
            _ADD_MESSAGE,
            {
                "id": message.id,
                "kind": message.kind.value,
                "recipient": message.to,
                "subject": message.subject,
                "text_body": message.text,
                "html_body": message.html,
                "created_at": message.created_at,
                "state": message.state.value,
                "attempts": message.attempts,
                "next_attempt_at": message.next_attempt_at,
                "last_error": message.last_error,
                "sent_at": message.sent_at,
            },
        )

    def claim_due(self, now: datetime, limit: int, lease: timedelta) -> list[OutboxMessage]:
        due = (
            select(outbox)
            .where(
                outbox.c.state == DeliveryState.PENDING.value,
                or_(outbox.c.next_attempt_at.is_(None), outbox.c.next_attempt_at <= now),
            )
            .order_by(outbox.c.id)
            .limit(limit)
        )
        if self._db.dialect.name != "sqlite":  # SQLite has one writer at a time anyway
            due = due.with_for_update(skip_locked=True)
        claimed = [_message_from_row(row) for row in self._db.execute(due)]
        if claimed:
            self._db.execute(
                update(outbox)
                .where(outbox.c.id.in_([message.id for message in claimed]))
                .values(next_attempt_at=now + lease)
            )
        return claimed

    def update(self, message: OutboxMessage) -> None:
        self._db.execute(
            update(outbox)
            .where(outbox.c.id == message.id)
            .values(
                state=message.state.value,
                attempts=message.attempts,
                next_attempt_at=message.next_attempt_at,
                last_error=message.last_error,
                sent_at=message.sent_at,
            )
        )

    def get(self, message_id: UUID) -> OutboxMessage | None:
        row = self._db.execute(select(outbox).where(outbox.c.id == message_id)).first()
        return _message_from_row(row) if row is not None else None

    def newest(self, limit: int, state: DeliveryState | None = None) -> list[OutboxMessage]:
        query = select(outbox).order_by(outbox.c.id.desc()).limit(limit)
        if state is not None:
            query = query.where(outbox.c.state == state.value)
        return [_message_from_row(row) for row in self._db.execute(query)]

    def summary(self) -> OutboxSummary:
        counts: dict[str, int] = dict(
            self._db.execute(
                select(outbox.c.state, func.count())
                .where(outbox.c.state != DeliveryState.SENT.value)
                .group_by(outbox.c.state)
            ).all()
        )
        oldest = self._db.execute(
            select(func.min(outbox.c.created_at)).where(
                outbox.c.state == DeliveryState.PENDING.value
            )
        ).scalar()  # min() keeps the column's type: an aware datetime
        return OutboxSummary(
            pending=counts.get(DeliveryState.PENDING.value, 0),
            failed=counts.get(DeliveryState.FAILED.value, 0),
            oldest_pending_at=oldest,
        )


class SqlResetRequests:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(self, request: ResetRequest) -> None:
        self._db.execute(
            _ADD_RESET_REQUEST,
            {
                "id": request.id,
                "email": request.email,
                "requested_at": request.requested_at,
                "ip": request.origin.ip,
                "user_agent": request.origin.user_agent,
                "request_id": request.origin.request_id,
            },
        )

    def claim(self, limit: int) -> list[ResetRequest]:
        oldest = select(reset_requests).order_by(reset_requests.c.id).limit(limit)
        if self._db.dialect.name != "sqlite":  # SQLite has one writer at a time anyway
            oldest = oldest.with_for_update(skip_locked=True)
        taken = [
            ResetRequest(
                row.id, row.email, row.requested_at, Origin(row.ip, row.user_agent, row.request_id)
            )
            for row in self._db.execute(oldest)
        ]
        if taken:
            ids = [request.id for request in taken]
            self._db.execute(delete(reset_requests).where(reset_requests.c.id.in_(ids)))
        return taken
