from __future__ import annotations

import pytest

from application.results import TokenPair
from application.use_cases.change_password import ChangePasswordCommand
from application.use_cases.refresh import RefreshCommand
from domain.errors import (
    InvalidCredentials,
    InvalidRefreshToken,
    InvalidToken,
    PasswordRejected,
    WrongPassword,
)
from tests.unit.conftest import PASSWORD, Core

NEW_PASSWORD = "a brand new passphrase"


def change(core: Core, actor_tokens: TokenPair, current: str, new: str) -> None:
    core.accounts.change_password(core.actor(actor_tokens), ChangePasswordCommand(current, new))


def test_s5_change_password_needs_the_current_one(core: Core) -> None:
    core.register()
    tokens = core.login()
    with pytest.raises(WrongPassword):
        change(core, tokens, "not the password", NEW_PASSWORD)
    assert core.login()  # the old password still works


def test_s5_new_password_passes_the_policy(core: Core) -> None:
    core.register()
    tokens = core.login()
    with pytest.raises(PasswordRejected) as caught:
        change(core, tokens, PASSWORD, "password1")
    assert caught.value.field == "new_password"


def test_s20_password_change_ends_the_other_sessions_only(core: Core) -> None:
    core.register()
    here, elsewhere = core.login(), core.login()
    change(core, here, PASSWORD, NEW_PASSWORD)
    assert core.actor(here)
    with pytest.raises(InvalidToken):
        core.actor(elsewhere)
    with pytest.raises(InvalidRefreshToken):
        core.accounts.refresh(RefreshCommand(elsewhere.refresh_token))
    with pytest.raises(InvalidCredentials):
        core.login()
    assert core.login(password=NEW_PASSWORD)


def test_password_change_fails_if_changed_meanwhile(core: Core) -> None:
    user = core.register()
    tokens = core.login()
    actor = core.actor(tokens)
    core.db.users[user.id].password_hash = "fake-v2$changed elsewhere"
    with pytest.raises(WrongPassword):
        core.accounts.change_password(actor, ChangePasswordCommand(PASSWORD, NEW_PASSWORD))


def test_password_change_of_a_deleted_user_is_an_invalid_token(core: Core) -> None:
    user = core.register()
    actor = core.actor(core.login())
    core.accounts.delete_user(actor, user.id)
    with pytest.raises(InvalidToken):
        core.accounts.change_password(actor, ChangePasswordCommand(PASSWORD, NEW_PASSWORD))


def test_authenticate_returns_the_current_user_and_session(core: Core) -> None:
    user = core.register()
    tokens = core.login()
    actor = core.actor(tokens)
    assert actor.user_id == user.id
    assert actor.session_id in core.db.sessions


def test_authenticate_refuses_a_garbled_token(core: Core) -> None:
    with pytest.raises(InvalidToken):
        core.accounts.authenticate("garbage")


def test_s20_deactivation_and_deletion_end_tokens_at_once(core: Core) -> None:
    user = core.register()
    tokens = core.login()
    core.db.users[user.id].is_active = False
    with pytest.raises(InvalidToken):
        core.actor(tokens)
    core.db.users[user.id].is_active = True
    assert core.actor(tokens)
    del core.db.users[user.id]
    with pytest.raises(InvalidToken):
        core.actor(tokens)


def test_session_past_its_absolute_lifetime_ends_its_tokens(core: Core) -> None:
    core.register()
    tokens = core.login()
    core.clock.advance(days=90)
    with pytest.raises(InvalidToken):
        core.actor(tokens)


def test_token_naming_another_users_session_is_refused(core: Core) -> None:
    ada = core.register()
    core.register("bob@example.com")
    bob_session = core.actor(core.login("bob@example.com")).session_id
    with pytest.raises(InvalidToken):
        core.accounts.authenticate(f"{ada.id}.{bob_session}.0")
