"""Accounts: registering, a password's changes, and the user resource."""

from __future__ import annotations

from dataclasses import dataclass

from application.accounts.password import ChangePassword
from application.accounts.register import RegisterUser
from application.accounts.users import (
    DeleteOwnAccount,
    DeleteUser,
    GetUser,
    ListUsers,
    ListUsersAfter,
    UpdateUser,
)


@dataclass(frozen=True, slots=True)
class Accounts:
    """The area's use cases; each field is built from the dependencies its type names."""

    register: RegisterUser
    change_password: ChangePassword
    get_user: GetUser
    list_users: ListUsers
    list_users_after: ListUsersAfter
    update_user: UpdateUser
    delete_user: DeleteUser
    delete_own_account: DeleteOwnAccount
