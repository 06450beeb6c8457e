"""In-memory link tokens and outbox: tables of ``memory.InMemoryDatabase``."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from application.ports import OutboxSummary
from domain.mail import DeliveryState, LinkPurpose, LinkToken, OutboxMessage, ResetRequest

if TYPE_CHECKING:
    from adapters.persistence.memory import InMemoryDatabase


class InMemoryLinkTokenRepository:
    def __init__(self, db: InMemoryDatabase) -> None:
        self._db = db

    def add(self, token: LinkToken) -> None:
        self._db.link_tokens[token.token_hash] = copy.copy(token)

    def get(self, token_hash: str) -> LinkToken | None:
        token = self._db.link_tokens.get(token_hash)
        return copy.copy(token) if token is not None else None

    def spend(self, token_hash: str, now: datetime) -> bool:
        token = self._db.link_tokens.get(token_hash)
        if token is None or token.used_at is not None:
            return False
        self._db.link_tokens[token_hash] = replace(token, used_at=now)
        return True

    def spend_all(self, user_id: UUID, purpose: LinkPurpose, now: datetime) -> None:
        for token_hash, token in self._db.link_tokens.items():
            if token.user_id == user_id and token.purpose is purpose and token.used_at is None:
                self._db.link_tokens[token_hash] = replace(token, used_at=now)


class InMemoryOutbox:
    def __init__(self, db: InMemoryDatabase) -> None:
        self._db = db

    def add(self, message: OutboxMessage) -> None:
        self._db.outbox[message.id] = copy.copy(message)

    def claim_due(self, now: datetime, limit: int, lease: timedelta) -> list[OutboxMessage]:
        due = sorted(
            message_id
            for message_id, message in self._db.outbox.items()
            if message.state is DeliveryState.PENDING
            and (message.next_attempt_at is None or message.next_attempt_at <= now)
        )[:limit]
        claimed = []
        for message_id in due:
            claimed.append(copy.copy(self._db.outbox[message_id]))
            self._db.outbox[message_id] = replace(
                self._db.outbox[message_id], next_attempt_at=now + lease
            )
        return claimed

    def update(self, message: OutboxMessage) -> None:
        self._db.outbox[message.id] = copy.copy(message)

    def get(self, message_id: UUID) -> OutboxMessage | None:
        message = self._db.outbox.get(message_id)
        return copy.copy(message) if message is not None else None

    def newest(self, limit: int, state: DeliveryState | None = None) -> list[OutboxMessage]:
        found = (
            message
            for _, message in sorted(self._db.outbox.items(), reverse=True)
            if state is None or message.state is state
        )
        return [copy.copy(message) for message, _ in zip(found, range(limit), strict=False)]

    def summary(self) -> OutboxSummary:
        pending = [m for m in self._db.outbox.values() if m.state is DeliveryState.PENDING]
        failed = sum(1 for m in self._db.outbox.values() if m.state is DeliveryState.FAILED)
        return OutboxSummary(
            pending=len(pending),
            failed=failed,
            oldest_pending_at=min((m.created_at for m in pending), default=None),
        )


class InMemoryResetRequests:
    def __init__(self, db: InMemoryDatabase) -> None:
        self._db = db

    def add(self, request: ResetRequest) -> None:
        self._db.reset_requests[request.id] = request

    def claim(self, limit: int) -> list[ResetRequest]:
        taken = sorted(self._db.reset_requests)[:limit]
        return [self._db.reset_requests.pop(request_id) for request_id in taken]
