"""Who is calling a use case: the account and session an access token proved."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.users import User


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated caller of a use case; use cases decide what it may do."""

    user: User
    session_id: UUID

    @property
    def user_id(self) -> UUID:
        return self.user.id

    @property
    def is_admin(self) -> bool:
        return self.user.is_admin
