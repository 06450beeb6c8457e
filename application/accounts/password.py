"""The current password: confirming it before a sensitive change, and changing it."""

from __future__ import annotations

from dataclasses import dataclass

from application.caller import Caller
from application.events import record_alone
from application.ports import Clock, PasswordHasher, UnitOfWorkFactory
from application.retry import retry_on_conflict
from application.throttling import AttemptLimit
from domain.errors import InvalidToken, WrongPassword
from domain.events import PasswordChanged, PasswordCheckFailed
from domain.passwords import PasswordPolicy, normalize_password
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


@dataclass(frozen=True, slots=True)
class ChangePasswordCommand:
    current_password: str
    new_password: str
    ip: str | None = None


@dataclass(frozen=True, slots=True)
class ChangePassword:
    """Set a new password (S5); every other session of the user ends (S20)."""

    uow: UnitOfWorkFactory
    hasher: PasswordHasher
    policy: PasswordPolicy
    clock: Clock
    confirmation: PasswordConfirmation

    def __call__(self, caller: Caller, command: ChangePasswordCommand) -> None:
        user = caller.user
        self.confirmation.confirm(user, command.current_password, command.ip, "password_change")
        new_password = self.policy.check(command.new_password, user.email, field="new_password")
        new_hash = self.hasher.hash(new_password)
        retry_on_conflict(lambda: self._store(caller, new_hash))

    def _store(self, caller: Caller, new_hash: str) -> None:
        user = caller.user
        with self.uow() as uow:
            current = uow.users.get(user.id)
            if current is None:
                raise InvalidToken()
            if current.password_hash != user.password_hash:
                raise WrongPassword()  # changed by another request meanwhile
            current.change_password(new_hash, self.clock.now())
            uow.users.update(current)
            uow.sessions.revoke_all(user.id, current.updated_at, keep=caller.session_id)
            uow.record(PasswordChanged(user_id=user.id))
            uow.commit()
