"""S35, S40: a browser session is one of the user's sessions, proven by a hashed cookie token."""

from __future__ import annotations

import pytest

from application.accounts.password import ChangePasswordCommand
from application.accounts.users import DeleteOwnAccountCommand, UpdateUserCommand
from application.sessions.browser import BrowserSignIn, SignInCommand
from domain.errors import InvalidCredentials, InvalidToken, Throttled, WrongPassword
from domain.sessions import SessionKind
from domain.users import Role
from tests.support.core import PASSWORD, CoreUnderTest


def sign_in(core: CoreUnderTest, remember: bool = False, **changes: str) -> BrowserSignIn:
    fields = {"email": "ada@example.com", "password": PASSWORD} | changes
    return core.sessions.sign_in(
        SignInCommand(fields["email"], fields["password"], remember, "Firefox", "192.0.2.1")
    )


def test_s35_a_browser_session_is_stored_by_its_tokens_hash_only(core: CoreUnderTest) -> None:
    core.register()
    browser = sign_in(core)
    stored = core.db.sessions[browser.session_id]
    assert stored.kind is SessionKind.BROWSER
    assert stored.token_hash == core.ports.refresh_tokens.hash(browser.token)
    assert browser.token not in repr(core.db)
    assert len(browser.token) >= 43  # 256 bits, URL-safe base64
    assert core.sessions.authenticate_browser(browser.token).session_id == browser.session_id


def test_s35_each_sign_in_is_a_new_token_and_a_new_session(core: CoreUnderTest) -> None:
    core.register()
    first, second = sign_in(core), sign_in(core)
    assert first.token != second.token
    assert first.session_id != second.session_id


def test_s35_a_browser_session_is_listed_and_revocable_like_any_other(
    core: CoreUnderTest,
) -> None:
    core.register()
    browser = sign_in(core)
    api = core.caller(core.login())
    listed = {s.id: s.kind for s in core.sessions.list_sessions(api)}
    assert listed == {browser.session_id: SessionKind.BROWSER, api.session_id: SessionKind.API}
    core.sessions.revoke_session(api, browser.session_id)
    with pytest.raises(InvalidToken):
        core.sessions.authenticate_browser(browser.token)


def test_s40_signing_in_fails_alike_and_counts_on_the_login_throttle(
    core: CoreUnderTest,
) -> None:
    core.register()
    for _ in range(10):
        with pytest.raises(InvalidCredentials):
            sign_in(core, password="wrong password")
    with pytest.raises(Throttled):
        sign_in(core)
    assert core.events.names.count("login_failed") == 10


def test_an_unknown_or_api_token_is_no_browser_session(core: CoreUnderTest) -> None:
    core.register()
    tokens = core.login()
    for token in ("nonsense", tokens.refresh_token):
        with pytest.raises(InvalidToken):
            core.sessions.authenticate_browser(token)


def test_without_remember_me_a_browser_session_ends_after_an_hour_unused(
    core: CoreUnderTest,
) -> None:
    core.register()
    browser = sign_in(core)
    core.clock.advance(minutes=59)
    core.sessions.authenticate_browser(browser.token)  # a use: the hour starts again
    core.clock.advance(minutes=59)
    core.sessions.authenticate_browser(browser.token)
    core.clock.advance(minutes=61)
    with pytest.raises(InvalidToken):
        core.sessions.authenticate_browser(browser.token)


def test_remembered_a_browser_session_lasts_the_refresh_idle_limit(core: CoreUnderTest) -> None:
    core.register()
    browser = sign_in(core, remember=True)
    core.clock.advance(days=29)
    core.sessions.authenticate_browser(browser.token)
    core.clock.advance(days=31)
    with pytest.raises(InvalidToken):
        core.sessions.authenticate_browser(browser.token)


def test_a_page_view_writes_the_last_use_at_most_once_a_minute(core: CoreUnderTest) -> None:
    core.register()
    browser = sign_in(core)
    signed_in_at = core.db.sessions[browser.session_id].last_used_at
    core.clock.advance(seconds=30)
    core.sessions.authenticate_browser(browser.token)
    assert core.db.sessions[browser.session_id].last_used_at == signed_in_at
    core.clock.advance(seconds=30)
    core.sessions.authenticate_browser(browser.token)
    assert core.db.sessions[browser.session_id].last_used_at == core.clock.now()


def test_password_change_deactivation_and_sign_out_everywhere_end_browser_sessions(
    core: CoreUnderTest,
) -> None:
    core.register()
    core.register("root@example.com", role=Role.ADMIN)
    admin = core.caller(core.login("root@example.com"))
    other, this = sign_in(core), sign_in(core)
    caller = core.sessions.authenticate_browser(this.token)
    core.accounts.change_password(caller, ChangePasswordCommand(PASSWORD, "a new passphrase"))
    with pytest.raises(InvalidToken):
        core.sessions.authenticate_browser(other.token)
    core.sessions.authenticate_browser(this.token)  # the session that changed it stays
    core.accounts.update_user(admin, UpdateUserCommand(caller.user_id, is_active=False))
    with pytest.raises(InvalidToken):
        core.sessions.authenticate_browser(this.token)


def test_deleting_ones_own_account_needs_the_current_password(core: CoreUnderTest) -> None:
    user = core.register()
    caller = core.sessions.authenticate_browser(sign_in(core).token)
    with pytest.raises(WrongPassword):
        core.accounts.delete_own_account(caller, DeleteOwnAccountCommand("wrong password"))
    assert user.id in core.db.users
    assert core.events.names[-1] == "password_check_failed"
    core.accounts.delete_own_account(caller, DeleteOwnAccountCommand(PASSWORD))
    assert user.id not in core.db.users
    assert core.events.names[-1] == "user_deleted"


def test_users_are_found_by_the_start_of_their_email(core: CoreUnderTest) -> None:
    for email in ("ada@example.com", "adam@example.com", "grace@example.com", "a_b@example.com"):
        core.register(email)
    core.register("root@example.com", role=Role.ADMIN)
    admin = core.caller(core.login("root@example.com"))
    found = core.accounts.list_users(admin, 1, 50, " ADA")
    assert [u.email.value for u in found.users] == ["ada@example.com", "adam@example.com"]
    assert found.total == 2
    assert [u.email.value for u in core.accounts.list_users(admin, 1, 50, "a_").users] == [
        "a_b@example.com"
    ]
    assert core.accounts.list_users(admin, 1, 50, "zed").total == 0


def test_a_deactivated_users_browser_session_proves_nothing(core: CoreUnderTest) -> None:
    user = core.register()
    browser = sign_in(core)
    core.db.users[user.id].is_active = False  # as if deactivated by a path that kept sessions
    with pytest.raises(InvalidToken):
        core.sessions.authenticate_browser(browser.token)
