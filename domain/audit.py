"""The audit trail as it is stored: each event with where it came from (S53).

An event says what happened to which account; an ``Origin`` says who asked
and from where (the request's client, the authenticated caller). Together
they make an ``AuditEvent``, the row a person's activity and an admin's
queries read. Neither ever holds a password, hash, token or code.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from uuid import UUID

from domain.events import Event
from domain.origin import Origin

# What ``data`` may hold: the event's own fields, as JSON values.
DataValue = str | int | bool | None | list[str]


@dataclass(frozen=True, slots=True)
class EventOrigin:
    """Where a stored event came from, and no more: what a new-device check reads."""

    id: UUID
    user_agent: str | None
    ip: str | None


@dataclass(frozen=True, slots=True)
class AuditEvent:
    id: UUID  # time-ordered: newest first is id order, descending
    type: str
    occurred_at: datetime
    user_id: UUID | None  # the account the event is about
    actor_id: UUID | None  # who made it happen
    session_id: UUID | None
    ip: str | None
    user_agent: str | None
    request_id: str | None
    data: dict[str, DataValue]

    @classmethod
    def of(cls, event: Event, origin: Origin, event_id: UUID, now: datetime) -> AuditEvent:
        """``event`` as stored. Its subject, actor and session become columns
        (an admin's ``by`` is the actor; else the caller; a login's actor is
        the account that proved its password); the rest of its fields, ``data``."""
        origin = getattr(event, "origin", None) or origin  # an event answered later carries its own
        data: dict[str, DataValue] = {}
        for f in fields(event):
            if f.name not in _COLUMNS:
                data[f.name] = _json_value(getattr(event, f.name))
        user_id = getattr(event, "user_id", None)
        session_id = getattr(event, "session_id", None)
        actor_id = getattr(event, "by", None) or origin.actor_id
        if actor_id is None and event.subject_acts:
            actor_id = user_id
        return cls(
            id=event_id,
            type=event.name,
            occurred_at=now,
            user_id=user_id,
            actor_id=actor_id,
            session_id=session_id or origin.session_id,
            ip=origin.ip,
            user_agent=origin.user_agent,
            request_id=origin.request_id,
            data=data,
        )


_COLUMNS = frozenset({"user_id", "by", "session_id", "origin"})


def _json_value(value: object) -> DataValue:
    if isinstance(value, str | int | bool) or value is None:
        return value
    if isinstance(value, tuple | list):
        return [str(item) for item in value]
    return str(value)  # UUIDs, enums


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """Which stored events an admin asks for; every filter is optional."""

    user_id: UUID | None = None
    type: str | None = None
    since: datetime | None = None  # occurred at or after
    until: datetime | None = None  # occurred before

    @property
    def listing(self) -> str:
        """The filter, as a page cursor is bound to it."""
        return (
            f"audit:user={self.user_id or ''}:type={self.type or ''}"
            f":since={self.since.isoformat() if self.since else ''}"
            f":until={self.until.isoformat() if self.until else ''}"
        )
