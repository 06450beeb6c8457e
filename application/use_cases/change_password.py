from __future__ import annotations

from dataclasses import dataclass

from application.ports import Clock, EventPublisher, PasswordHasher, UnitOfWorkFactory
from application.results import Actor
from application.retry import retry_on_conflict
from domain.errors import InvalidToken, WrongPassword
from domain.events import PasswordChanged
from domain.passwords import PasswordPolicy, normalize_password


@dataclass(frozen=True, slots=True)
class ChangePasswordCommand:
    current_password: str
    new_password: str


class ChangePassword:
    """Set a new password (S5); every other session of the user ends (S20)."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        hasher: PasswordHasher,
        policy: PasswordPolicy,
        clock: Clock,
        events: EventPublisher,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._policy = policy
        self._clock = clock
        self._events = events

    def __call__(self, actor: Actor, command: ChangePasswordCommand) -> None:
        user = actor.user
        if not self._hasher.verify(
            user.password_hash, normalize_password(command.current_password)
        ):
            raise WrongPassword()
        new_password = self._policy.check(command.new_password, user.email, field="new_password")
        new_hash = self._hasher.hash(new_password)
        retry_on_conflict(lambda: self._store(actor, new_hash))
        self._events.publish(PasswordChanged(user_id=user.id))

    def _store(self, actor: Actor, new_hash: str) -> None:
        user = actor.user
        with self._uow() as uow:
            current = uow.users.get(user.id)
            if current is None:
                raise InvalidToken()
            if current.password_hash != user.password_hash:
                raise WrongPassword()  # changed by another request meanwhile
            current.password_hash = new_hash
            current.updated_at = self._clock.now()
            uow.users.update(current)
            uow.sessions.revoke_all(user.id, current.updated_at, keep=actor.session_id)
            uow.commit()
