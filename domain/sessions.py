"""Sessions: a login, kept alive by a family of single-use refresh tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

MAX_USER_AGENT_LENGTH = 512
# A browser session's last use is written at most this often: reads stay reads.
TOUCH_INTERVAL = timedelta(minutes=1)


class SessionKind(StrEnum):
    """How a session's holder proves it: API tokens, or a browser's cookie."""

    API = "api"
    BROWSER = "browser"


def clip_user_agent(user_agent: str | None) -> str | None:
    """User agents are the client's to write; keep a bounded, non-empty one."""
    return (user_agent or "")[:MAX_USER_AGENT_LENGTH] or None


@dataclass(slots=True)
class Session:
    """One login of one user, on one device.

    ``expires_at`` is the absolute end of the session (S25). An API session's
    idle limit is its refresh token's; a browser session keeps its own
    (``idle_timeout``) and is found by the hash of its cookie's token (S35).
    A revoked session never comes back.
    """

    id: UUID
    user_id: UUID
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
    user_agent: str | None = None
    ip: str | None = None
    kind: SessionKind = SessionKind.API
    token_hash: str | None = None
    idle_timeout: timedelta | None = None
    amr: tuple[str, ...] = ("pwd",)  # how the login was proved (RFC 8176), as tokens carry it

    @classmethod
    def start(
        cls,
        session_id: UUID,
        user_id: UUID,
        now: datetime,
        lifetime: timedelta,
        user_agent: str | None,
        ip: str | None,
        *,
        browser_token_hash: str | None = None,
        idle_timeout: timedelta | None = None,
        amr: tuple[str, ...] = ("pwd",),
    ) -> Session:
        """A new session, good for ``lifetime`` from ``now`` however often it is
        used; a browser's (with its token's hash) also ends after ``idle_timeout`` unused."""
        return cls(
            id=session_id,
            user_id=user_id,
            created_at=now,
            last_used_at=now,
            expires_at=now + lifetime,
            user_agent=clip_user_agent(user_agent),
            ip=ip,
            kind=SessionKind.API if browser_token_hash is None else SessionKind.BROWSER,
            token_hash=browser_token_hash,
            idle_timeout=idle_timeout,
            amr=amr,
        )

    def is_active(self, now: datetime) -> bool:
        if self.idle_timeout is not None and now >= self.last_used_at + self.idle_timeout:
            return False
        return self.revoked_at is None and now < self.expires_at

    def is_due_a_touch(self, now: datetime) -> bool:
        """Whether a browser session's last use is stale enough to write again."""
        return now - self.last_used_at >= TOUCH_INTERVAL

    def ended_before(self, moment: datetime) -> bool:
        """Revoked, or past its end, before ``moment``: kept until then, then purged."""
        return (self.revoked_at is not None and self.revoked_at < moment) or (
            self.expires_at < moment
        )

    def touch(self, now: datetime, user_agent: str | None, ip: str | None) -> None:
        """Record a use; a client that names no user agent or address keeps the last ones."""
        self.last_used_at = now
        self.user_agent = clip_user_agent(user_agent) or self.user_agent
        self.ip = ip or self.ip

    def revoke(self, now: datetime) -> bool:
        """End the session for good; False if it had already ended."""
        if self.revoked_at is not None:
            return False
        self.revoked_at = now
        return True


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
