"""Domain events: facts the audit trail records. They never hold a secret (S8, S12).

A failed login records the account's id when there is one and the reason,
never the attempted email: people type passwords into the email field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar
from uuid import UUID

from domain.origin import Origin

_NAMES: dict[type, str] = {}  # once per class: every listener and the audit store ask


def _name_of(kind: type) -> str:
    name = _NAMES.get(kind)
    if name is None:
        name = _NAMES[kind] = re.sub(r"(?<!^)(?=[A-Z])", "_", kind.__name__).lower()
    return name


@dataclass(frozen=True, slots=True)
class Event:
    # The account the event is about is the one acting (a login proves who it is).
    subject_acts: ClassVar[bool] = False

    @property
    def name(self) -> str:
        """``LoginFailed`` -> ``login_failed``."""
        return _name_of(type(self))

    @property
    def stored(self) -> bool:
        """Whether the audit store keeps it (S53); the audit log has every event."""
        return True


@dataclass(frozen=True, slots=True)
class UserRegistered(Event):
    user_id: UUID


@dataclass(frozen=True, slots=True)
class LoginSucceeded(Event):
    subject_acts: ClassVar[bool] = True

    user_id: UUID
    session_id: UUID


@dataclass(frozen=True, slots=True)
class LoginFailed(Event):
    user_id: UUID | None
    reason: (
        str  # unknown_email, wrong_password, inactive, wrong_code (a second step's), wrong_passkey
    )


@dataclass(frozen=True, slots=True)
class AttemptThrottled(Event):
    scope: str  # account or address
    action: str  # login, register, refresh, or what a password check guards


@dataclass(frozen=True, slots=True)
class PasswordCheckFailed(Event):
    """A signed-in user gave a wrong current password to confirm ``action``."""

    user_id: UUID
    action: str  # password_change (later: email_change, mfa, account_deletion)


@dataclass(frozen=True, slots=True)
class RefreshReused(Event):
    user_id: UUID
    session_id: UUID


@dataclass(frozen=True, slots=True)
class PasswordChanged(Event):
    user_id: UUID


@dataclass(frozen=True, slots=True)
class LoggedOut(Event):
    user_id: UUID
    session_ids: tuple[UUID, ...]


@dataclass(frozen=True, slots=True)
class LoggedOutEverywhere(Event):
    user_id: UUID


@dataclass(frozen=True, slots=True)
class SessionRevoked(Event):
    user_id: UUID
    session_id: UUID


@dataclass(frozen=True, slots=True)
class UserUpdated(Event):
    user_id: UUID
    by: UUID
    fields: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RoleChanged(Event):
    user_id: UUID
    by: UUID
    role: str


@dataclass(frozen=True, slots=True)
class UserDeleted(Event):
    user_id: UUID
    by: UUID


@dataclass(frozen=True, slots=True)
class MailQueued(Event):
    """A mail was written to the outbox (its words and link are not here);
    ``user_id`` is None for a mail to an address of no account."""

    user_id: UUID | None
    kind: str


@dataclass(frozen=True, slots=True)
class EmailVerified(Event):
    user_id: UUID


@dataclass(frozen=True, slots=True)
class PasswordResetRequested(Event):
    """``user_id`` is None for an address of no active account (the attempt is
    recorded all the same, and costs what a real one costs, S42), and is not
    stored: no account's activity shows it."""

    user_id: UUID | None
    origin: Origin | None = None  # where it was asked from: it is answered later, by the relay

    @property
    def stored(self) -> bool:
        return self.user_id is not None


@dataclass(frozen=True, slots=True)
class PasswordReset(Event):
    user_id: UUID


@dataclass(frozen=True, slots=True)
class EmailChangeRequested(Event):
    user_id: UUID


@dataclass(frozen=True, slots=True)
class EmailChanged(Event):
    user_id: UUID


@dataclass(frozen=True, slots=True)
class EmailChangeUndone(Event):
    user_id: UUID


@dataclass(frozen=True, slots=True)
class SecondFactorEnabled(Event):
    user_id: UUID
    method: str  # totp


@dataclass(frozen=True, slots=True)
class SecondFactorDisabled(Event):
    user_id: UUID
    method: str


@dataclass(frozen=True, slots=True)
class SecondFactorsReset(Event):
    """An admin removed every second factor of an account."""

    user_id: UUID
    by: UUID


@dataclass(frozen=True, slots=True)
class NewDeviceSignIn(Event):
    """A sign-in from a device unseen on the account for 90 days; the person
    was mailed (S52)."""

    subject_acts: ClassVar[bool] = True

    user_id: UUID
    session_id: UUID
    device: str
    network: str


@dataclass(frozen=True, slots=True)
class SignInDisowned(Event):
    """The person said a sign-in was not theirs: its session was ended."""

    user_id: UUID
    session_id: UUID


@dataclass(frozen=True, slots=True)
class PasskeyAdded(Event):
    user_id: UUID
    passkey_id: UUID
    passkey_name: str  # not ``name``: every event's name is its type


@dataclass(frozen=True, slots=True)
class PasskeyRenamed(Event):
    user_id: UUID
    passkey_id: UUID
    passkey_name: str  # the new name


@dataclass(frozen=True, slots=True)
class PasskeyRemoved(Event):
    user_id: UUID
    passkey_id: UUID
    passkey_name: str


@dataclass(frozen=True, slots=True)
class RecoveryCodesMade(Event):
    """A new set of recovery codes; the old set died with it (S48)."""

    user_id: UUID


@dataclass(frozen=True, slots=True)
class RecoveryCodeUsed(Event):
    subject_acts: ClassVar[bool] = True

    user_id: UUID
    left: int


@dataclass(frozen=True, slots=True)
class MailDeliveryEvent(Event):
    """What became of one outbox message: for the log and the metrics, not
    for an account's stored trail (its queuing is stored, as ``mail_queued``)."""

    message_id: UUID
    kind: str

    @property
    def stored(self) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class MailDelivered(MailDeliveryEvent):
    pass


@dataclass(frozen=True, slots=True)
class MailDeliveryRetried(MailDeliveryEvent):
    pass


@dataclass(frozen=True, slots=True)
class MailDeliveryFailed(MailDeliveryEvent):
    """The last try failed: the message stays in the outbox, marked failed."""
