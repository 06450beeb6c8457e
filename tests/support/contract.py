"""What the repository contract suites share (their fixture ``uow``, every
unit of work to run them on, is in tests/integration/conftest.py): a fixed
time, ids, and a user to store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from adapters.system import UuidV7Generator
from application.ports import UnitOfWork
from domain.users import Email, Role, User

UowFactory = Callable[..., UnitOfWork]
NOW = datetime(2026, 11, 23, 22, 40, 0, 123456, tzinfo=UTC)
ids = UuidV7Generator()


def make_user(email: str = "ada@example.com", role: Role = Role.USER) -> User:
    return User(
        id=ids.new_id(),
        email=Email.parse(email),
        name="Ada Lovelace",
        password_hash="$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA",
        role=role,
        is_active=True,
        created_at=NOW,
        updated_at=NOW,
    )
