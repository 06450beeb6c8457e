"""Request and response models of the stored audit trail (pydantic, at the edge only)."""

from __future__ import annotations

import re
from typing import Annotated
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, BeforeValidator, Field

from adapters.http_flask.schemas import Timestamp
from application.audit.listing import AuditPage
from application.paging import MAX_LIMIT
from domain.audit import AuditEvent, AuditQuery, DataValue

_UNENCODED_PLUS = re.compile(r" (\d\d:\d\d)$")
_RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", re.ASCII)


def _rfc3339_text(value: object) -> object:
    """Only the text of an RFC 3339 time: pydantic would also take a number
    of seconds, or a date without a time. A ``+`` left unencoded in a query
    string arrives as a space; before an offset it can only have been a ``+``."""
    if isinstance(value, str):
        value = _UNENCODED_PLUS.sub(r"+\1", value)
    if not isinstance(value, str) or not _RFC3339.fullmatch(value):
        raise ValueError("an RFC 3339 time with its offset, such as 2026-12-03T10:00:00Z")
    return value


Rfc3339Time = Annotated[AwareDatetime, BeforeValidator(_rfc3339_text)]


class ActivityQuery(BaseModel):
    limit: int = Field(default=20, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(
        default=None, max_length=200, description="next_cursor of the previous page"
    )


class AuditEventsQuery(ActivityQuery):
    user_id: UUID | None = Field(default=None, description="the account the events are about")
    type: str | None = Field(default=None, max_length=64, description="say, login_failed")
    since: Rfc3339Time | None = Field(default=None, description="occurred at or after (RFC 3339)")
    until: Rfc3339Time | None = Field(default=None, description="occurred before (RFC 3339)")

    def audit_query(self) -> AuditQuery:
        return AuditQuery(self.user_id, self.type, self.since, self.until)


class AuditEventResponse(BaseModel):
    id: UUID
    type: str
    occurred_at: Timestamp
    user_id: UUID | None = Field(description="the account the event is about")
    actor_id: UUID | None = Field(description="who made it happen")
    session_id: UUID | None
    ip: str | None
    user_agent: str | None
    request_id: str | None
    data: dict[str, DataValue] = Field(description="the event's own fields; never a secret")

    @classmethod
    def of(cls, event: AuditEvent) -> AuditEventResponse:
        return cls(
            id=event.id,
            type=event.type,
            occurred_at=event.occurred_at,
            user_id=event.user_id,
            actor_id=event.actor_id,
            session_id=event.session_id,
            ip=event.ip,
            user_agent=event.user_agent,
            request_id=event.request_id,
            data=event.data,
        )


class AuditEventListResponse(BaseModel):
    events: list[AuditEventResponse]
    next_cursor: str | None = Field(description="null on the last page")

    @classmethod
    def of(cls, page: AuditPage) -> AuditEventListResponse:
        return cls(
            events=[AuditEventResponse.of(e) for e in page.events], next_cursor=page.next_cursor
        )
