"""S12: the core emits an audit event for every security-relevant fact, with no secret."""

from __future__ import annotations

import pytest

from application.use_cases.change_password import ChangePasswordCommand
from application.use_cases.login import LoginCommand
from application.use_cases.refresh import RefreshCommand
from application.use_cases.users import UpdateUserCommand
from domain.errors import InvalidCredentials, InvalidRefreshToken, Throttled
from domain.events import LoginFailed, RoleChanged, UserUpdated
from domain.users import Role
from tests.unit.conftest import PASSWORD, Core


def test_s12_a_whole_life_emits_its_events_in_order(core: Core) -> None:
    ada = core.register()
    admin_user = core.register("root@example.com", role=Role.ADMIN)
    admin = core.actor(core.login("root@example.com"))
    tokens = core.login()
    core.accounts.refresh(RefreshCommand(tokens.refresh_token))
    with pytest.raises(InvalidRefreshToken):
        core.accounts.refresh(RefreshCommand(tokens.refresh_token))
    tokens = core.login()
    actor = core.actor(tokens)
    core.accounts.change_password(actor, ChangePasswordCommand(PASSWORD, "brand new passphrase"))
    core.accounts.update_user(admin, UpdateUserCommand(ada.id, role=Role.ADMIN, name="Countess"))
    core.accounts.revoke_session(actor, actor.session_id)
    phone = core.actor(core.login(password="brand new passphrase"))
    core.accounts.logout(phone)
    core.accounts.logout_all(core.actor(core.login(password="brand new passphrase")))
    core.accounts.delete_user(admin, ada.id)
    assert core.events.names == [
        "user_registered",
        "user_registered",
        "login_succeeded",
        "login_succeeded",
        "refresh_reused",
        "login_succeeded",
        "password_changed",
        "user_updated",
        "role_changed",
        "session_revoked",
        "login_succeeded",
        "logged_out",
        "login_succeeded",
        "logged_out_everywhere",
        "user_deleted",
    ]
    updated = next(e for e in core.events.published if isinstance(e, UserUpdated))
    assert (updated.user_id, updated.by, updated.fields) == (
        ada.id,
        admin_user.id,
        ("name", "role"),
    )
    changed = next(e for e in core.events.published if isinstance(e, RoleChanged))
    assert changed.role == "admin"


def test_s12_failed_logins_say_why_without_the_attempted_email(core: Core) -> None:
    ada = core.register()
    inactive = core.register("sleepy@example.com")
    core.db.users[inactive.id].is_active = False
    for email, password in [
        ("my secret password", PASSWORD),  # a password typed into the email field
        ("ada@example.com", "wrong password"),
        ("sleepy@example.com", PASSWORD),
    ]:
        with pytest.raises(InvalidCredentials):
            core.accounts.login(LoginCommand(email, password))
    failures = [e for e in core.events.published if isinstance(e, LoginFailed)]
    assert [(f.user_id, f.reason) for f in failures] == [
        (None, "unknown_email"),
        (ada.id, "wrong_password"),
        (inactive.id, "inactive"),
    ]
    assert "secret" not in repr(core.events.published)
    assert "wrong password" not in repr(core.events.published)


def test_s12_throttled_attempts_are_events(core: Core) -> None:
    core.register()
    for _ in range(11):
        with pytest.raises((InvalidCredentials, Throttled)):
            core.accounts.login(LoginCommand("ada@example.com", "wrong password"))
    assert core.events.names[-1] == "attempt_throttled"
    assert core.events.published[-1] == type(core.events.published[-1])(
        scope="account", action="login"
    )
