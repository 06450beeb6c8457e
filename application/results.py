"""What use cases return: plain data, no framework types."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.users import User


@dataclass(frozen=True, slots=True)
class Actor:
    """The authenticated caller of a use case, as its access token proved it."""

    user: User
    session_id: UUID

    @property
    def user_id(self) -> UUID:
        return self.user.id

    @property
    def is_admin(self) -> bool:
        return self.user.is_admin


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    user: User


@dataclass(frozen=True, slots=True)
class UserPage:
    users: list[User]
    total: int
    page: int
    per_page: int
    total_is_estimate: bool = False

    @property
    def pages(self) -> int:
        return -(-self.total // self.per_page)
