"""The user entity and the value objects it is made of."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from domain.errors import InvalidEmail, InvalidName, LastAdmin

MAX_EMAIL_LENGTH = 254
MAX_NAME_LENGTH = 80

_ATOM = r"[\w!#$%&'*+/=?^`{|}~-]+"
_LABEL = r"[^\W_](?:(?:[^\W_]|-){0,61}[^\W_])?"
_EMAIL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[^\W\d_]{{2,63}}")


class Role(StrEnum):
    USER = "user"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Email:
    """An email address in its canonical form: trimmed, NFKC, case-folded (S29).

    The canonical form is the uniqueness key, so ``Ada@Example.COM`` and
    ``ada@example.com`` are one account.
    """

    value: str

    @classmethod
    def parse(cls, raw: str, field: str = "email") -> Email:
        value = unicodedata.normalize("NFKC", raw.strip()).casefold()
        if len(value) > MAX_EMAIL_LENGTH:
            raise InvalidEmail(
                field, f"An email address has at most {MAX_EMAIL_LENGTH} characters."
            )
        local, _, _ = value.partition("@")
        if len(local) > 64 or not _EMAIL.fullmatch(value):
            raise InvalidEmail(field, "This is not a valid email address.")
        return cls(value)

    @property
    def local_part(self) -> str:
        return self.value.partition("@")[0]

    def __str__(self) -> str:
        return self.value


def canonical_email_prefix(raw: str) -> str:
    """The start of an email, in the form emails are stored in, to search by.
    Longer than an email can be, it is cut: it would match nothing anyway."""
    return unicodedata.normalize("NFKC", raw.strip()).casefold()[: MAX_EMAIL_LENGTH + 1]


def parse_name(raw: str, field: str = "name") -> str:
    """A display name: 1 to 80 characters after trimming, no control characters.

    Format characters (zero-width joiners, direction marks) are allowed inside
    a name, which some scripts and emoji need, but a name of nothing else
    would show as blank.
    """
    name = raw.strip()
    if not 1 <= len(name) <= MAX_NAME_LENGTH:
        raise InvalidName(field, f"A name has 1 to {MAX_NAME_LENGTH} characters.")
    categories = {unicodedata.category(c) for c in name}
    if categories & {"Cc", "Cs", "Zl", "Zp"}:
        raise InvalidName(field, "A name cannot contain control characters.")
    if categories <= {"Cf", "Zs"}:
        raise InvalidName(field, "A name needs at least one visible character.")
    return name


@dataclass(frozen=True, slots=True)
class UserChange:
    """A partial change of a user's fields, already validated: ``None`` keeps a field."""

    email: Email | None = None
    name: str | None = None
    role: Role | None = None
    is_active: bool | None = None


@dataclass(slots=True)
class User:
    id: UUID
    email: Email
    name: str
    password_hash: str
    role: Role
    is_active: bool
    created_at: datetime
    updated_at: datetime
    version: int = 1
    """Bumped by every stored change; a write based on an older version is refused."""
    email_verified: bool = False
    """The account proved it receives mail at ``email``; a new email starts unproved."""
    mfa_enabled: bool = False
    """A second factor (an authenticator or a passkey) is asked for at login."""

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_active_admin(self) -> bool:
        return self.is_admin and self.is_active

    def apply(self, change: UserChange, now: datetime) -> tuple[str, ...]:
        """Take the fields of ``change`` that differ; return their names, in field order."""
        changed = []
        if change.email is not None and change.email != self.email:
            self.email = change.email
            self.email_verified = False
            changed.append("email")
        if change.name is not None and change.name != self.name:
            self.name = change.name
            changed.append("name")
        if change.role is not None and change.role is not self.role:
            self.role = change.role
            changed.append("role")
        if change.is_active is not None and change.is_active != self.is_active:
            self.is_active = change.is_active
            changed.append("is_active")
        if changed:
            self.updated_at = now
        return tuple(changed)

    def would_stop_being_an_active_admin(self, change: UserChange) -> bool:
        """Whether ``change`` demotes or deactivates this user while an active admin."""
        demoted = change.role is not None and change.role is not Role.ADMIN
        return self.is_active_admin and (demoted or change.is_active is False)

    def verify_email(self, now: datetime) -> bool:
        """Mark the email proved; whether that changed anything."""
        if self.email_verified:
            return False
        self.email_verified = True
        self.updated_at = now
        return True

    def require_second_factor(self, required: bool, now: datetime) -> bool:
        """Turn the second step of login on or off; whether that changed anything."""
        if self.mfa_enabled == required:
            return False
        self.mfa_enabled = required
        self.updated_at = now
        return True

    def change_password(self, password_hash: str, now: datetime) -> None:
        self.password_hash = password_hash
        self.updated_at = now


def require_another_admin(active_admins: int) -> None:
    """The service keeps at least one active admin: the last one cannot be
    demoted, deactivated or deleted."""
    if active_admins <= 1:
        raise LastAdmin()
