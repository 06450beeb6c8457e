"""The user resource: get, list, update, delete. Authorization is decided here.

A non-admin may touch only their own account, and gets ``Forbidden`` for any
other id, existing or not, so ids cannot be probed (S28).
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.ports import Clock, EventPublisher, UnitOfWork, UnitOfWorkFactory
from application.results import Actor, UserPage
from application.retry import retry_on_conflict
from domain.errors import Forbidden, InvalidInput, LastAdmin, UserNotFound
from domain.events import RoleChanged, UserDeleted, UserUpdated
from domain.users import Email, Role, User, parse_name

MAX_PER_PAGE = 100
# Keeps the offset within every backend's 64-bit integers (and offset paging sane).
MAX_PAGE = 10_000_000


def _authorize(actor: Actor, user_id: UUID) -> None:
    if actor.user_id != user_id and not actor.is_admin:
        raise Forbidden("You may only access your own account.")


def _load(uow: UnitOfWork, user_id: UUID) -> User:
    user = uow.users.get(user_id)
    if user is None:
        raise UserNotFound()
    return user


def _ensure_another_admin(uow: UnitOfWork, user: User) -> None:
    if user.is_admin and user.is_active and uow.users.count_active_admins() <= 1:
        raise LastAdmin()


class GetUser:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    def __call__(self, actor: Actor, user_id: UUID) -> User:
        _authorize(actor, user_id)
        with self._uow(read_only=True) as uow:
            return _load(uow, user_id)


class ListUsers:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    def __call__(self, actor: Actor, page: int, per_page: int) -> UserPage:
        if not actor.is_admin:
            raise Forbidden("Only admins may list users.")
        if not 1 <= page <= MAX_PAGE:
            raise InvalidInput("page", f"page is between 1 and {MAX_PAGE}.")
        if not 1 <= per_page <= MAX_PER_PAGE:
            raise InvalidInput("per_page", f"per_page is between 1 and {MAX_PER_PAGE}.")
        with self._uow(read_only=True) as uow:
            total = uow.users.count()
            users = uow.users.list_page((page - 1) * per_page, per_page)
        return UserPage(
            users=users,
            total=total.value,
            page=page,
            per_page=per_page,
            total_is_estimate=not total.exact,
        )


@dataclass(frozen=True, slots=True)
class UpdateUserCommand:
    """A partial update: ``None`` leaves a field as it is."""

    user_id: UUID
    email: str | None = None
    name: str | None = None
    role: Role | None = None
    is_active: bool | None = None


class UpdateUser:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, events: EventPublisher) -> None:
        self._uow = uow
        self._clock = clock
        self._events = events

    def __call__(self, actor: Actor, command: UpdateUserCommand) -> User:
        _authorize(actor, command.user_id)
        if not actor.is_admin and (command.role is not None or command.is_active is not None):
            raise Forbidden("Only admins may change a role or deactivate an account.")
        email = Email.parse(command.email) if command.email is not None else None
        name = parse_name(command.name) if command.name is not None else None
        user, changed = retry_on_conflict(lambda: self._apply(command, email, name))
        if changed:
            self._events.publish(UserUpdated(user_id=user.id, by=actor.user_id, fields=changed))
        if "role" in changed:
            self._events.publish(RoleChanged(user_id=user.id, by=actor.user_id, role=user.role))
        return user

    def _apply(
        self, command: UpdateUserCommand, email: Email | None, name: str | None
    ) -> tuple[User, tuple[str, ...]]:
        with self._uow() as uow:
            user = _load(uow, command.user_id)
            was_active_admin = user.is_admin and user.is_active
            changed = {
                "email": email is not None and email != user.email,
                "name": name is not None and name != user.name,
                "role": command.role is not None and command.role is not user.role,
                "is_active": command.is_active is not None and command.is_active != user.is_active,
            }
            if not any(changed.values()):
                return user, ()
            if was_active_admin and (changed["role"] or changed["is_active"]):
                _ensure_another_admin(uow, user)
            user.email = email if email is not None else user.email
            user.name = name if name is not None else user.name
            user.role = command.role if command.role is not None else user.role
            user.is_active = command.is_active if command.is_active is not None else user.is_active
            user.updated_at = self._clock.now()
            uow.users.update(user)
            if changed["is_active"] and not user.is_active:
                uow.sessions.revoke_all(user.id, user.updated_at)
            uow.commit()
        return user, tuple(field for field, is_changed in changed.items() if is_changed)


class DeleteUser:
    """Delete an account; its sessions and refresh tokens go with it."""

    def __init__(self, uow: UnitOfWorkFactory, events: EventPublisher) -> None:
        self._uow = uow
        self._events = events

    def __call__(self, actor: Actor, user_id: UUID) -> None:
        _authorize(actor, user_id)
        with self._uow() as uow:
            user = _load(uow, user_id)
            _ensure_another_admin(uow, user)
            uow.users.delete(user_id)
            uow.commit()
        self._events.publish(UserDeleted(user_id=user_id, by=actor.user_id))
