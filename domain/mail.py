"""Mail as the core sees it: who is told what (``Mail``), the links it carries
(``LinkToken``), and the outbox row that delivers it (``OutboxMessage``).

The words and the look of a message belong to the mail adapter; the core
decides when a mail goes, to whom, and with which link.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from domain.origin import NO_ORIGIN, Origin

MAX_ERROR_LENGTH = 500
RETRY_DELAYS = tuple(
    timedelta(minutes=m) for m in (1, 5, 15, 60, 180, 360)
)  # a message is failed about 10 hours after its first try


class LinkPurpose(StrEnum):
    """What a link token may do; its value is the page the link opens."""

    VERIFY_EMAIL = "verify-email"
    RESET_PASSWORD = "reset-password"  # noqa: S105  (a page, not a password)
    CONFIRM_EMAIL = "confirm-email"
    UNDO_EMAIL_CHANGE = "undo-email-change"
    NEW_DEVICE = "new-device"  # "this was not me": ends that session, starts a reset (S52)


class MailKind(StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"  # noqa: S105  (a kind of mail)
    CONFIRM_NEW_EMAIL = "confirm_new_email"  # to the new address
    EMAIL_CHANGING = "email_changing"  # to the old address, with the undo link
    PASSWORD_CHANGED = "password_changed"  # noqa: S105  (a kind of mail)
    NO_ACCOUNT = "no_account"  # a reset asked for an address of no active account
    SECOND_FACTORS_CHANGED = "second_factors_changed"  # S50: every change, and an admin's reset
    NEW_DEVICE = "new_device"  # S52: a sign-in from a device unseen for 90 days


class FactorChange(StrEnum):
    """What a ``SECOND_FACTORS_CHANGED`` mail tells."""

    TOTP_ENABLED = "totp_enabled"
    TOTP_DISABLED = "totp_disabled"
    RECOVERY_CODES_RENEWED = "recovery_codes_renewed"
    PASSKEY_ADDED = "passkey_added"
    PASSKEY_REMOVED = "passkey_removed"
    RESET_BY_ADMIN = "reset_by_admin"


@dataclass(frozen=True, slots=True)
class SignInNotice:
    """What a new-device mail tells of the sign-in (S52)."""

    device: str  # "Chrome on Linux", or "" when unknown
    ip: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class Link:
    """A link a mail carries: the page it opens and its token, in clear, for this mail only."""

    purpose: LinkPurpose
    token: str


@dataclass(frozen=True, slots=True)
class Mail:
    """One mail the core decided to send: its kind, its reader and its link."""

    kind: MailKind
    to: str
    name: str
    link: Link | None = None
    new_email: str | None = None  # the address an email change goes to
    change: FactorChange | None = None  # what a second-factors mail tells
    sign_in: SignInNotice | None = None  # the sign-in a new-device mail is about


@dataclass(frozen=True, slots=True)
class ComposedMail:
    """A mail in words: what the composer made of a ``Mail``."""

    subject: str
    text: str
    html: str | None = None


@dataclass(slots=True)
class LinkToken:
    """A link's token as stored: only its hash, bound to one purpose and one
    account (and, for an email change, to the addresses involved), spent once (S41)."""

    token_hash: str
    purpose: LinkPurpose
    user_id: UUID
    created_at: datetime
    expires_at: datetime
    email: str | None = None  # confirm: the new address; undo: the old one
    used_at: datetime | None = None
    session_id: UUID | None = None  # new device: the session the link can end

    @classmethod
    def issue(
        cls,
        token_hash: str,
        purpose: LinkPurpose,
        user_id: UUID,
        now: datetime,
        lifetime: timedelta,
        email: str | None = None,
        session_id: UUID | None = None,
    ) -> LinkToken:
        return cls(token_hash, purpose, user_id, now, now + lifetime, email, session_id=session_id)

    def is_usable(self, purpose: LinkPurpose, now: datetime) -> bool:
        return self.purpose is purpose and self.used_at is None and now < self.expires_at


@dataclass(frozen=True, slots=True)
class ResetRequest:
    """A password reset asked for ``email``, whoever has it. The request is
    stored alike for every address; the relay then mails a link to an
    active account's address or a notice to any other (S42)."""

    id: UUID
    email: str
    requested_at: datetime
    origin: Origin = NO_ORIGIN  # the request's client: the stored event's, when answered


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


@dataclass(slots=True)
class OutboxMessage:
    """A composed mail waiting in the outbox, written in the transaction of its cause (S46)."""

    id: UUID
    kind: MailKind
    to: str
    subject: str
    text: str
    html: str | None
    created_at: datetime
    state: DeliveryState = DeliveryState.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None  # None: due now
    last_error: str | None = None
    sent_at: datetime | None = None

    def delivered(self, now: datetime) -> None:
        self.attempts += 1
        self.state = DeliveryState.SENT
        self.sent_at = now
        self.next_attempt_at = None

    def not_delivered(
        self,
        error: str,
        now: datetime,
        retry_delays: Sequence[timedelta],
        permanent: bool = False,
    ) -> None:
        """A failed try: the next one waits ``retry_delays[tries so far - 1]``;
        after the last delay is used up, or at a ``permanent`` refusal, the
        message is failed for good."""
        self.attempts += 1
        self.last_error = error[:MAX_ERROR_LENGTH]
        if permanent or self.attempts > len(retry_delays):
            self.state = DeliveryState.FAILED
            self.next_attempt_at = None
        else:
            self.next_attempt_at = now + retry_delays[self.attempts - 1]
