"""An account's second factors: its TOTP authenticator and its recovery codes.

The TOTP secret is kept sealed (S47): this module holds it as the adapter
sealed it and never sees it in the clear; the use cases open it through the
``SecretBox`` port when a code is checked. A recovery code is kept only as
its hash (S48). A login whose password was right waits for its second step
as a ``PendingLogin`` (S49).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

MFA_TOKEN_LIFETIME = timedelta(minutes=5)
MFA_TOKEN_TRIES = 5  # wrong codes an mfa_token survives (S49)


class Method(StrEnum):
    """The ways through a login's second step, as the 202 names them."""

    TOTP = "totp"
    RECOVERY_CODE = "recovery_code"
    WEBAUTHN = "webauthn"


class Amr(StrEnum):
    """Authentication methods of RFC 8176, as sessions and access tokens carry them."""

    PASSWORD = "pwd"  # noqa: S105  (a method's name)
    OTP = "otp"  # a TOTP code or a recovery code
    HARDWARE_KEY = "hwk"  # a passkey


@dataclass(slots=True)
class TotpFactor:
    """An authenticator app bound to an account. It counts only once a first
    code confirmed it (``confirmed_at``); until then it is an enrolment."""

    user_id: UUID
    sealed_secret: str
    created_at: datetime
    confirmed_at: datetime | None = None
    last_used_step: int | None = None  # the newest time step accepted: no replay (S47)


@dataclass(frozen=True, slots=True)
class RecoveryCode:
    user_id: UUID
    code_hash: str
    created_at: datetime
    used_at: datetime | None = None


@dataclass(slots=True)
class PendingLogin:
    """A login whose password was right, waiting for its second factor (S49).

    Found by the hash of its ``mfa_token``, never by the token. It lives
    ``MFA_TOKEN_LIFETIME``, is spent by the login it completes, and each code
    tried is counted (``tries``) before the code is judged, so that no number
    of concurrent guesses gets past ``MFA_TOKEN_TRIES``. ``password_stamp``
    ties it to the password that was checked: a password changed meanwhile
    kills it. ``remember`` is None for the API's login, and the browser's
    "remember me" for a sign-in.
    """

    token_hash: str
    user_id: UUID
    created_at: datetime
    expires_at: datetime
    password_stamp: str
    remember: bool | None = None
    user_agent: str | None = None
    ip: str | None = None
    tries: int = 0
    spent_at: datetime | None = None

    @property
    def for_browser(self) -> bool:
        return self.remember is not None

    def is_usable(self, now: datetime) -> bool:
        return self.spent_at is None and self.tries < MFA_TOKEN_TRIES and now < self.expires_at

    def ended_before(self, moment: datetime) -> bool:
        """Spent or expired before ``moment``: never usable again, and purged."""
        return (self.spent_at is not None and self.spent_at < moment) or self.expires_at < moment
