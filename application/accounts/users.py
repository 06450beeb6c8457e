"""The user resource: get, list, update, delete. Authorization is decided here.

A non-admin may touch only their own account, and gets ``Forbidden`` for any
other id, existing or not, so ids cannot be probed (S28).
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.caller import Caller
from application.mailing import Verification
from application.paging import check_limit, cut, opened
from application.password_confirmation import PasswordConfirmation
from application.ports import Clock, Cursors, UnitOfWork, UnitOfWorkFactory
from application.retry import retry_on_conflict
from domain.errors import EmailChangeNeedsConfirmation, Forbidden, InvalidQuery, UserNotFound
from domain.events import RoleChanged, UserDeleted, UserUpdated
from domain.users import (
    Email,
    Role,
    User,
    UserChange,
    canonical_email_prefix,
    parse_name,
    require_another_admin,
)

MAX_PER_PAGE = 100
# Keeps the offset within every backend's 64-bit integers (and offset paging sane).
MAX_PAGE = 10_000_000


def _authorize(caller: Caller, user_id: UUID) -> None:
    if caller.user_id != user_id and not caller.is_admin:
        raise Forbidden("You may only access your own account.")


def _load(uow: UnitOfWork, user_id: UUID) -> User:
    user = uow.users.get(user_id)
    if user is None:
        raise UserNotFound()
    return user


@dataclass(frozen=True, slots=True)
class UserPage:
    users: list[User]
    total: int
    page: int
    per_page: int
    total_is_estimate: bool = False
    next_cursor: str | None = None  # the page after this one, by keyset; None on the last

    @property
    def pages(self) -> int:
        return -(-self.total // self.per_page)


@dataclass(frozen=True, slots=True)
class UsersAfter:
    users: list[User]
    next_cursor: str | None  # None: this is the last page


@dataclass(frozen=True, slots=True)
class GetUser:
    uow: UnitOfWorkFactory

    def __call__(self, caller: Caller, user_id: UUID) -> User:
        _authorize(caller, user_id)
        with self.uow(read_only=True) as uow:
            return _load(uow, user_id)


def _listing(email_prefix: str) -> str:
    return f"users:email={email_prefix}"


@dataclass(frozen=True, slots=True)
class ListUsers:
    uow: UnitOfWorkFactory
    cursors: Cursors

    def __call__(
        self, caller: Caller, page: int, per_page: int, email_prefix: str = ""
    ) -> UserPage:
        """A page of users in creation order; with ``email_prefix``, only those
        whose email starts with it (compared in the email's canonical form).
        Its ``next_cursor`` goes on by keyset (``ListUsersAfter``)."""
        if not caller.is_admin:
            raise Forbidden("Only admins may list users.")
        if not 1 <= page <= MAX_PAGE:
            raise InvalidQuery("page", f"page is between 1 and {MAX_PAGE}.")
        if not 1 <= per_page <= MAX_PER_PAGE:
            raise InvalidQuery("per_page", f"per_page is between 1 and {MAX_PER_PAGE}.")
        prefix = canonical_email_prefix(email_prefix)
        with self.uow(read_only=True) as uow:
            total = uow.users.count(prefix)
            found = uow.users.list_page((page - 1) * per_page, per_page + 1, prefix)
        users, next_cursor = cut(self.cursors, _listing(prefix), found, per_page, _position)
        return UserPage(
            users=users,
            total=total.value,
            page=page,
            per_page=per_page,
            total_is_estimate=not total.exact,
            next_cursor=next_cursor,
        )


@dataclass(frozen=True, slots=True)
class ListUsersAfter:
    """Users in creation order by cursor: keyset on the time-ordered id, so the
    last page costs what the first does, and users added or deleted between
    requests neither repeat nor skip one that existed throughout."""

    uow: UnitOfWorkFactory
    cursors: Cursors

    def __call__(
        self, caller: Caller, limit: int = 20, cursor: str | None = None, email_prefix: str = ""
    ) -> UsersAfter:
        if not caller.is_admin:
            raise Forbidden("Only admins may list users.")
        check_limit(limit)
        prefix = canonical_email_prefix(email_prefix)
        listing = _listing(prefix)
        after = opened(self.cursors, cursor, listing)
        with self.uow(read_only=True) as uow:
            found = uow.users.list_page(0, limit + 1, prefix, after)
        return UsersAfter(*cut(self.cursors, listing, found, limit, _position))


def _position(user: User) -> UUID:
    return user.id


@dataclass(frozen=True, slots=True)
class UpdateUserCommand:
    """A partial update: ``None`` leaves a field as it is."""

    user_id: UUID
    email: str | None = None
    name: str | None = None
    role: Role | None = None
    is_active: bool | None = None


@dataclass(frozen=True, slots=True)
class UpdateUser:
    """Change a user's fields. A user's own new email goes through a confirmed
    change (``RequestEmailChange``); an admin's applies at once, unproved,
    and a verification link goes to it."""

    uow: UnitOfWorkFactory
    clock: Clock
    verification: Verification

    def __call__(self, caller: Caller, command: UpdateUserCommand) -> User:
        _authorize(caller, command.user_id)
        if not caller.is_admin and (command.role is not None or command.is_active is not None):
            raise Forbidden("Only admins may change a role or deactivate an account.")
        email = Email.parse(command.email) if command.email is not None else None
        if not caller.is_admin and email is not None and email != caller.user.email:
            raise EmailChangeNeedsConfirmation()
        change = UserChange(
            email=email,
            name=parse_name(command.name) if command.name is not None else None,
            role=command.role,
            is_active=command.is_active,
        )
        return retry_on_conflict(lambda: self._apply(caller, command.user_id, change))

    def _apply(self, caller: Caller, user_id: UUID, change: UserChange) -> User:
        with self.uow() as uow:
            user = _load(uow, user_id)
            if user.would_stop_being_an_active_admin(change):
                require_another_admin(uow.users.count_active_admins())
            changed = user.apply(change, self.clock.now())
            if not changed:
                return user
            uow.users.update(user)
            if "is_active" in changed and not user.is_active:
                uow.sessions.revoke_all(user.id, user.updated_at)
            uow.record(UserUpdated(user_id=user.id, by=caller.user_id, fields=changed))
            if "role" in changed:
                uow.record(RoleChanged(user_id=user.id, by=caller.user_id, role=user.role))
            if "email" in changed:
                self.verification.send(uow, user)
            uow.commit()
        return user


@dataclass(frozen=True, slots=True)
class DeleteUser:
    """Delete an account; its sessions and refresh tokens go with it."""

    uow: UnitOfWorkFactory

    def __call__(self, caller: Caller, user_id: UUID) -> None:
        _authorize(caller, user_id)
        _delete(self.uow, caller, user_id)


@dataclass(frozen=True, slots=True)
class DeleteOwnAccountCommand:
    current_password: str
    ip: str | None = None


@dataclass(frozen=True, slots=True)
class DeleteOwnAccount:
    """A person deletes their own account, confirming their current password
    first: counted on the throttles and audited like any check of it (S11)."""

    uow: UnitOfWorkFactory
    confirmation: PasswordConfirmation

    def __call__(self, caller: Caller, command: DeleteOwnAccountCommand) -> None:
        self.confirmation.confirm(
            caller.user, command.current_password, command.ip, "account_deletion"
        )
        _delete(self.uow, caller, caller.user_id)


def _delete(uow_factory: UnitOfWorkFactory, caller: Caller, user_id: UUID) -> None:
    with uow_factory() as uow:
        user = _load(uow, user_id)
        if user.is_active_admin:
            require_another_admin(uow.users.count_active_admins())
        uow.users.delete(user_id)
        uow.record(UserDeleted(user_id=user_id, by=caller.user_id))
        uow.commit()
