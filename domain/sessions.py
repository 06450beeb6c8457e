"""Sessions: a login, kept alive by a family of single-use refresh tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

MAX_USER_AGENT_LENGTH = 512


def clip_user_agent(user_agent: str | None) -> str | None:
    """User agents are the client's to write; keep a bounded, non-empty one."""
    return (user_agent or "")[:MAX_USER_AGENT_LENGTH] or None


@dataclass(slots=True)
class Session:
    """One login of one user, on one device.

    ``expires_at`` is the absolute end of the session (S25); each refresh
    token adds an idle limit of its own. A revoked session never comes back.
    """

    id: UUID
    user_id: UUID
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
    user_agent: str | None = None
    ip: str | None = None

    def is_active(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


@dataclass(frozen=True, slots=True)
class RefreshToken:
    """The stored side of a refresh token: only its hash, never the token (S22).

    ``used_at`` is set when the token is exchanged; presenting it again is
    reuse, and revokes the session (S24).
    """

    token_hash: str
    session_id: UUID
    issued_at: datetime
    expires_at: datetime
    used_at: datetime | None = None

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires_at
