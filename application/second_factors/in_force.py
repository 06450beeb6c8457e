"""Whether login asks an account for a second step: while any factor is in force."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from application.ports import UnitOfWork
from domain.errors import InvalidToken
from domain.users import User


def settle_second_step(uow: UnitOfWork, user_id: UUID, now: datetime) -> User:
    """The account as stored, its login's second step turned on while it has
    a confirmed authenticator or a passkey, and off when it has neither."""
    current = uow.users.get(user_id)
    if current is None:
        raise InvalidToken()  # deleted meanwhile
    factor = uow.second_factors.totp(user_id)
    required = (factor is not None and factor.confirmed_at is not None) or bool(
        uow.passkeys.of_user(user_id)
    )
    if current.require_second_factor(required, now):
        uow.users.update(current)
    return current
