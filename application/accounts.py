"""The wired use cases, built from ports. The composition root chooses the adapters."""

from __future__ import annotations

from dataclasses import dataclass

from application.ports import (
    AccessTokens,
    Clock,
    EventPublisher,
    IdGenerator,
    LoginThrottle,
    PasswordHasher,
    RefreshTokens,
    UnitOfWorkFactory,
)
from application.use_cases.authenticate import Authenticate
from application.use_cases.change_password import ChangePassword
from application.use_cases.login import Login
from application.use_cases.logout import Logout, LogoutAll
from application.use_cases.refresh import RefreshSession
from application.use_cases.register import RegisterUser
from application.use_cases.sessions import ListSessions, RevokeSession
from application.use_cases.throttling import AddressLimit
from application.use_cases.tokens import SessionLifetimes, TokenIssuer
from application.use_cases.users import DeleteUser, GetUser, ListUsers, UpdateUser
from domain.passwords import PasswordPolicy


@dataclass(frozen=True, slots=True)
class Accounts:
    register: RegisterUser
    login: Login
    refresh: RefreshSession
    logout: Logout
    logout_all: LogoutAll
    change_password: ChangePassword
    authenticate: Authenticate
    get_user: GetUser
    list_users: ListUsers
    update_user: UpdateUser
    delete_user: DeleteUser
    list_sessions: ListSessions
    revoke_session: RevokeSession


def build_accounts(
    *,
    uow: UnitOfWorkFactory,
    hasher: PasswordHasher,
    access_tokens: AccessTokens,
    refresh_tokens: RefreshTokens,
    clock: Clock,
    ids: IdGenerator,
    policy: PasswordPolicy,
    lifetimes: SessionLifetimes,
    account_throttle: LoginThrottle,
    address_throttle: LoginThrottle,
    events: EventPublisher,
) -> Accounts:
    issuer = TokenIssuer(access_tokens, refresh_tokens, lifetimes)
    address_limit = AddressLimit(address_throttle, events)
    return Accounts(
        register=RegisterUser(uow, hasher, policy, clock, ids, address_limit, events),
        login=Login(uow, hasher, issuer, clock, ids, account_throttle, address_limit, events),
        refresh=RefreshSession(uow, issuer, clock, address_limit, events),
        logout=Logout(uow, refresh_tokens, clock, events),
        logout_all=LogoutAll(uow, clock, events),
        change_password=ChangePassword(uow, hasher, policy, clock, events),
        authenticate=Authenticate(uow, access_tokens, clock),
        get_user=GetUser(uow),
        list_users=ListUsers(uow),
        update_user=UpdateUser(uow, clock, events),
        delete_user=DeleteUser(uow, events),
        list_sessions=ListSessions(uow, clock),
        revoke_session=RevokeSession(uow, clock, events),
    )
