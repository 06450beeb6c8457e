"""Confirming the current password before a sensitive change: shared by every
area that asks for it (a password or email change, account deletion)."""

from __future__ import annotations

from dataclasses import dataclass

from application.events import record_alone
from application.ports import PasswordHasher, UnitOfWorkFactory
from application.throttling import AttemptLimit
from domain.errors import WrongPassword
from domain.events import PasswordCheckFailed
from domain.passwords import normalize_password
from domain.users import User


@dataclass(frozen=True, slots=True)
class PasswordConfirmation:
    """Every check of a signed-in user's current password (a password change
    today; an email change, second factors and account deletion later).

    A stolen access token must not become a way to guess the password: each
    check counts on the account's and the address's throttle, like a login,
    and a wrong password is an audit event (S11, S12).
    """

    uow: UnitOfWorkFactory
    hasher: PasswordHasher
    account_limit: AttemptLimit
    address_limit: AttemptLimit

    def confirm(self, user: User, password: str, ip: str | None, action: str) -> None:
        self.address_limit.check(ip, action)
        self.account_limit.check(user.email.value, action)
        if not self.hasher.verify(user.password_hash, normalize_password(password)):
            record_alone(self.uow, PasswordCheckFailed(user_id=user.id, action=action))
            raise WrongPassword()
        self.account_limit.reset(user.email.value)
