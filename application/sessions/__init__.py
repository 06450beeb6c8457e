"""Sessions: logging in (with a second step where the account has a second
factor, or with a passkey alone) and out, refreshing, authenticating a
token, signing in a browser, a person's own sessions, and purging the ended
ones."""

from __future__ import annotations

from dataclasses import dataclass

from application.sessions.authenticate import Authenticate
from application.sessions.browser import AuthenticateBrowser, SignIn, SignInSecondStep
from application.sessions.login import Login, LoginSecondStep
from application.sessions.logout import Logout, LogoutAll
from application.sessions.own_sessions import ListSessions, RevokeSession
from application.sessions.passkey_login import PasskeyLogin, PasskeyLoginOptions, PasskeySignIn
from application.sessions.purge import PurgeEndedSessions
from application.sessions.refresh import RefreshSession


@dataclass(frozen=True, slots=True)
class Sessions:
    """The area's use cases; each field is built from the dependencies its type names."""

    login: Login
    login_second_step: LoginSecondStep
    passkey_login_options: PasskeyLoginOptions
    passkey_login: PasskeyLogin
    passkey_sign_in: PasskeySignIn
    refresh: RefreshSession
    logout: Logout
    logout_all: LogoutAll
    authenticate: Authenticate
    sign_in: SignIn
    sign_in_second_step: SignInSecondStep
    authenticate_browser: AuthenticateBrowser
    list_sessions: ListSessions
    revoke_session: RevokeSession
    purge_ended: PurgeEndedSessions
