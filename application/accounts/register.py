from __future__ import annotations

from dataclasses import dataclass

from application.mailing import Verification
from application.ports import Clock, IdGenerator, PasswordHasher, UnitOfWorkFactory
from application.throttling import AttemptLimit
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


@dataclass(frozen=True, slots=True)
class RegisterUser:
    uow: UnitOfWorkFactory
    hasher: PasswordHasher
    policy: PasswordPolicy
    clock: Clock
    ids: IdGenerator
    address_limit: AttemptLimit
    verification: Verification

    def __call__(self, command: RegisterCommand) -> User:
        self.address_limit.check(command.ip, "register")
        email = Email.parse(command.email)
        name = parse_name(command.name)
        password = self.policy.check(command.password, email)
        with self.uow(read_only=True) as uow:
            # Saves an argon2 hash for the common case; the unique index is the real guard.
            if uow.users.by_email(email) is not None:
                raise EmailTaken()
        password_hash = self.hasher.hash(password)
        now = self.clock.now()
        user = User(
            id=self.ids.new_id(),
            email=email,
            name=name,
            password_hash=password_hash,
            role=command.role,
            is_active=True,
            created_at=now,
            updated_at=now,
        )
        with self.uow() as uow:
            uow.users.add(user)
            uow.record(UserRegistered(user_id=user.id))
            self.verification.send(uow, user)
            uow.commit()
        return user
