"""What every sign-in with a password shares, whatever it hands back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn, TypeVar
from uuid import UUID

from application.events import record_alone
from application.mailing import Verification
from application.new_devices import NewDeviceAlerts
from application.ports import Clock, PasswordHasher, UnitOfWork, UnitOfWorkFactory
from application.retry import retry_on_conflict
from application.throttling import AttemptLimit
from domain.errors import EmailNotVerified, InvalidCredentials, InvalidEmail, Throttled
from domain.events import LoginFailed, LoginSucceeded
from domain.passwords import normalize_password
from domain.sessions import Session
from domain.users import Email, User

Opened = TypeVar("Opened")


@dataclass(frozen=True, slots=True)
class CheckedPassword:
    """A user whose password was right, and its hash re-made when the hasher's
    parameters changed since (S7)."""

    user: User
    upgraded_hash: str | None


@dataclass(frozen=True, slots=True)
class PasswordLogin:
    """Check an email and password, then open a session: API login and a
    browser's sign-in differ only in what they hand back (S40). Every session,
    whatever proved it, opens here, where a new device is told of (S52).

    Every failure is the same ``InvalidCredentials`` and costs one password
    verification (S9, S10). Hashing runs outside any transaction, so no
    database lock is held for the duration of argon2.
    """

    uow: UnitOfWorkFactory
    hasher: PasswordHasher
    clock: Clock
    account_limit: AttemptLimit
    address_limit: AttemptLimit
    verification: Verification
    verification_limit: AttemptLimit
    alerts: NewDeviceAlerts

    def check(self, raw_email: str, raw_password: str, ip: str | None) -> CheckedPassword:
        self.address_limit.check(ip, "login")
        email = _parse_email(raw_email)
        # Unknown emails are throttled like known ones: a 429 reveals nothing (S11).
        account = email.value if email else raw_email.strip().casefold()
        self.account_limit.check(account, "login")  # before any password is verified
        user = self._find_user(email)
        password = normalize_password(raw_password)
        if user is None:
            self.hasher.verify_dummy(password)
            self._fail(None, "unknown_email")
        if not self.hasher.verify(user.password_hash, password):
            self._fail(user.id, "wrong_password")
        if not user.is_active:
            self._fail(user.id, "inactive")
        if not user.mfa_enabled:  # else only the second step proves the login (S49)
            self.account_limit.reset(account)
        if self.verification.required and not user.email_verified:
            self._ask_for_verification(user)
        upgraded = (
            self.hasher.hash(password) if self.hasher.needs_rehash(user.password_hash) else None
        )
        return CheckedPassword(user, upgraded)

    def _ask_for_verification(self, user: User) -> NoReturn:
        """``EMAIL_VERIFICATION=required``: the right password of an unproved
        address opens nothing, and sends a fresh link (one a minute at most)."""
        try:
            self.verification_limit.check(str(user.id), "email_verification")
        except Throttled:
            raise EmailNotVerified() from None
        with self.uow() as uow:
            self.verification.send(uow, user)
            uow.commit()
        raise EmailNotVerified()

    def open(
        self,
        checked: CheckedPassword,
        session: Session,
        finish: Callable[[UnitOfWork, User, datetime], Opened],
    ) -> Opened:
        """Store ``session`` (and the upgraded hash) in one transaction, with
        whatever ``finish`` adds to it, unless the account changed meanwhile."""
        return retry_on_conflict(lambda: self._open(checked, session, finish))

    def _open(
        self,
        checked: CheckedPassword,
        session: Session,
        finish: Callable[[UnitOfWork, User, datetime], Opened],
    ) -> Opened:
        user = checked.user
        with self.uow() as uow:
            current = uow.users.get(user.id)
            # The account may have changed while the password was being checked.
            if (
                current is None
                or not current.is_active
                or current.password_hash != user.password_hash
            ):
                raise InvalidCredentials()
            if checked.upgraded_hash is not None:  # S7: old parameters are upgraded on login
                current.password_hash = checked.upgraded_hash
                uow.users.update(current)
            uow.sessions.add(session)
            opened = finish(uow, current, session.created_at)
            self.alerts.check(uow, current, session)
            uow.record(LoginSucceeded(user_id=user.id, session_id=session.id))
            uow.commit()
        return opened

    def _fail(self, user_id: UUID | None, reason: str) -> NoReturn:
        record_alone(self.uow, LoginFailed(user_id=user_id, reason=reason))
        raise InvalidCredentials()

    def _find_user(self, email: Email | None) -> User | None:
        if email is None:
            return None
        with self.uow(read_only=True) as uow:
            return uow.users.by_email(email)


def _parse_email(raw: str) -> Email | None:
    try:
        return Email.parse(raw)
    except InvalidEmail:
        return None
