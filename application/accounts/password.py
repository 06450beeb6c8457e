"""Changing the password."""

from __future__ import annotations

from dataclasses import dataclass

from application.caller import Caller
from application.mailing import Postman
from application.password_confirmation import PasswordConfirmation
from application.ports import Clock, PasswordHasher, UnitOfWorkFactory
from application.retry import retry_on_conflict
from domain.errors import InvalidToken, WrongPassword
from domain.events import PasswordChanged
from domain.mail import LinkPurpose
from domain.passwords import PasswordPolicy


@dataclass(frozen=True, slots=True)
class ChangePasswordCommand:
    current_password: str
    new_password: str
    ip: str | None = None


@dataclass(frozen=True, slots=True)
class ChangePassword:
    """Set a new password (S5); every other session of the user ends (S20),
    reset links already sent die (S41), and the account's address is told (S43)."""

    uow: UnitOfWorkFactory
    hasher: PasswordHasher
    policy: PasswordPolicy
    clock: Clock
    confirmation: PasswordConfirmation
    postman: Postman

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
            uow.links.spend_all(user.id, LinkPurpose.RESET_PASSWORD, current.updated_at)
            uow.record(PasswordChanged(user_id=user.id))
            self.postman.password_changed(uow, current)
            uow.commit()
