from __future__ import annotations

from dataclasses import dataclass

from application.ports import Clock, EventPublisher, IdGenerator, PasswordHasher, UnitOfWorkFactory
from application.use_cases.throttling import AddressLimit
from domain.errors import EmailTaken
from domain.events import UserRegistered
from domain.passwords import PasswordPolicy
from domain.users import Email, Role, User, parse_name


@dataclass(frozen=True, slots=True)
class RegisterCommand:
    email: str
    name: str
    password: str
    role: Role = Role.USER
    ip: str | None = None


class RegisterUser:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        hasher: PasswordHasher,
        policy: PasswordPolicy,
        clock: Clock,
        ids: IdGenerator,
        address_limit: AddressLimit,
        events: EventPublisher,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._policy = policy
        self._clock = clock
        self._ids = ids
        self._address_limit = address_limit
        self._events = events

    def __call__(self, command: RegisterCommand) -> User:
        self._address_limit.check(command.ip, "register")
        email = Email.parse(command.email)
        name = parse_name(command.name)
        password = self._policy.check(command.password, email)
        with self._uow(read_only=True) as uow:
            # Saves an argon2 hash for the common case; the unique index is the real guard.
            if uow.users.by_email(email) is not None:
                raise EmailTaken()
        password_hash = self._hasher.hash(password)
        now = self._clock.now()
        user = User(
            id=self._ids.new_id(),
            email=email,
            name=name,
            password_hash=password_hash,
            role=command.role,
            is_active=True,
            created_at=now,
            updated_at=now,
        )
        with self._uow() as uow:
            uow.users.add(user)
            uow.commit()
        self._events.publish(UserRegistered(user_id=user.id))
        return user
