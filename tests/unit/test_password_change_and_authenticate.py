from __future__ import annotations

import pytest

from application.accounts.password import ChangePasswordCommand
from application.sessions.refresh import RefreshCommand
from application.sessions.tokens import TokenPair
from domain.errors import (
    InvalidCredentials,
    InvalidRefreshToken,
    InvalidToken,
    PasswordRejected,
    WrongPassword,
)
from tests.support.core import PASSWORD, CoreUnderTest

NEW_PASSWORD = "a brand new passphrase"


def change(core: CoreUnderTest, actor_tokens: TokenPair, current: str, new: str) -> None:
    core.accounts.change_password(core.caller(actor_tokens), ChangePasswordCommand(current, new))


def test_s5_change_password_needs_the_current_one(core: CoreUnderTest) -> None:
    core.register()
    tokens = core.login()
    with pytest.raises(WrongPassword):
        change(core, tokens, "not the password", NEW_PASSWORD)
    assert core.login()  # the old password still works


def test_s5_new_password_passes_the_policy(core: CoreUnderTest) -> None:
    core.register()
    tokens = core.login()
    with pytest.raises(PasswordRejected) as caught:
        change(core, tokens, PASSWORD, "password1")
    assert caught.value.field == "new_password"


def test_s20_password_change_ends_the_other_sessions_only(core: CoreUnderTest) -> None:
    core.register()
    here, elsewhere = core.login(), core.login()
    change(core, here, PASSWORD, NEW_PASSWORD)
    assert core.caller(here)
    with pytest.raises(InvalidToken):
        core.caller(elsewhere)
    with pytest.raises(InvalidRefreshToken):
        core.sessions.refresh(RefreshCommand(elsewhere.refresh_token))
    with pytest.raises(InvalidCredentials):
        core.login()
    assert core.login(password=NEW_PASSWORD)


def test_password_change_fails_if_changed_meanwhile(core: CoreUnderTest) -> None:
    user = core.register()
    tokens = core.login()
    caller = core.caller(tokens)
    core.db.users[user.id].password_hash = "fake-v2$changed elsewhere"
    with pytest.raises(WrongPassword):
        core.accounts.change_password(caller, ChangePasswordCommand(PASSWORD, NEW_PASSWORD))


def test_password_change_of_a_deleted_user_is_an_invalid_token(core: CoreUnderTest) -> None:
    user = core.register()
    caller = core.caller(core.login())
    core.accounts.delete_user(caller, user.id)
    with pytest.raises(InvalidToken):
        core.accounts.change_password(caller, ChangePasswordCommand(PASSWORD, NEW_PASSWORD))


def test_authenticate_returns_the_current_user_and_session(core: CoreUnderTest) -> None:
    user = core.register()
    tokens = core.login()
    caller = core.caller(tokens)
    assert caller.user_id == user.id
    assert caller.session_id in core.db.sessions


def test_authenticate_refuses_a_garbled_token(core: CoreUnderTest) -> None:
    with pytest.raises(InvalidToken):
        core.sessions.authenticate("garbage")


def test_s20_deactivation_and_deletion_end_tokens_at_once(core: CoreUnderTest) -> None:
    user = core.register()
    tokens = core.login()
    core.db.users[user.id].is_active = False
    with pytest.raises(InvalidToken):
        core.caller(tokens)
    core.db.users[user.id].is_active = True
    assert core.caller(tokens)
    del core.db.users[user.id]
    with pytest.raises(InvalidToken):
        core.caller(tokens)


def test_session_past_its_absolute_lifetime_ends_its_tokens(core: CoreUnderTest) -> None:
    core.register()
    tokens = core.login()
    core.clock.advance(days=90)
    with pytest.raises(InvalidToken):
        core.caller(tokens)


def test_token_naming_another_users_session_is_refused(core: CoreUnderTest) -> None:
    ada = core.register()
    core.register("bob@example.com")
    bob_session = core.caller(core.login("bob@example.com")).session_id
    with pytest.raises(InvalidToken):
        core.sessions.authenticate(f"{ada.id}.{bob_session}.0")
