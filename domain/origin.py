"""Where a change was asked from: what a stored audit event records beside the event."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.sessions import clip_user_agent


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a change was asked from. Empty outside a request (the mail relay,
    the command line)."""

    ip: str | None = None
    user_agent: str | None = None
    request_id: str | None = None
    actor_id: UUID | None = None  # the authenticated caller, if any
    session_id: UUID | None = None  # the caller's session, if any

    def __post_init__(self) -> None:
        object.__setattr__(self, "user_agent", clip_user_agent(self.user_agent))


NO_ORIGIN = Origin()
