"""S12: the core emits an audit event for every security-relevant fact, with no secret."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import partial

import pytest

from adapters.persistence.memory import InMemoryUnitOfWork
from application.accounts import Accounts
from application.accounts.password import ChangePasswordCommand
from application.accounts.users import UpdateUserCommand
from application.core import assemble, build_core
from application.sessions.login import LoginCommand
from application.sessions.refresh import RefreshCommand
from domain.errors import InvalidCredentials, InvalidRefreshToken, StorageUnavailable, Throttled
from domain.events import Event, LoginFailed, PasswordChanged, RoleChanged, UserUpdated
from domain.passwords import PasswordPolicy
from domain.users import Role
from tests.support.core import PASSWORD, CoreUnderTest, make_core


def test_s12_a_whole_life_emits_its_events_in_order(core: CoreUnderTest) -> None:
    ada = core.register()
    admin_user = core.register("root@example.com", role=Role.ADMIN)
    admin = core.caller(core.login("root@example.com"))
    tokens = core.login()
    core.sessions.refresh(RefreshCommand(tokens.refresh_token))
    with pytest.raises(InvalidRefreshToken):
        core.sessions.refresh(RefreshCommand(tokens.refresh_token))
    tokens = core.login()
    caller = core.caller(tokens)
    core.accounts.change_password(caller, ChangePasswordCommand(PASSWORD, "brand new passphrase"))
    core.accounts.update_user(admin, UpdateUserCommand(ada.id, role=Role.ADMIN, name="Countess"))
    core.sessions.revoke_session(caller, caller.session_id)
    phone = core.caller(core.login(password="brand new passphrase"))
    core.sessions.logout(phone)
    core.sessions.logout_all(core.caller(core.login(password="brand new passphrase")))
    core.accounts.delete_user(admin, ada.id)
    assert core.events.names == [
        "user_registered",
        "mail_queued",
        "user_registered",
        "mail_queued",
        "login_succeeded",
        "login_succeeded",
        "refresh_reused",
        "login_succeeded",
        "password_changed",
        "mail_queued",
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


def test_s12_failed_logins_say_why_without_the_attempted_email(core: CoreUnderTest) -> None:
    ada = core.register()
    inactive = core.register("sleepy@example.com")
    core.db.users[inactive.id].is_active = False
    for email, password in [
        ("my secret password", PASSWORD),  # a password typed into the email field
        ("ada@example.com", "wrong password"),
        ("sleepy@example.com", PASSWORD),
    ]:
        with pytest.raises(InvalidCredentials):
            core.sessions.login(LoginCommand(email, password))
    failures = [e for e in core.events.published if isinstance(e, LoginFailed)]
    assert [(f.user_id, f.reason) for f in failures] == [
        (None, "unknown_email"),
        (ada.id, "wrong_password"),
        (inactive.id, "inactive"),
    ]
    assert "secret" not in repr(core.events.published)
    assert "wrong password" not in repr(core.events.published)


def test_s12_throttled_attempts_are_events(core: CoreUnderTest) -> None:
    core.register()
    for _ in range(11):
        with pytest.raises((InvalidCredentials, Throttled)):
            core.sessions.login(LoginCommand("ada@example.com", "wrong password"))
    assert core.events.names[-1] == "attempt_throttled"
    assert core.events.published[-1] == type(core.events.published[-1])(
        scope="account", action="login"
    )


def test_a_rolled_back_use_case_emits_nothing() -> None:
    """Events go out only with their commit: a change whose transaction fails
    (here its in-transaction event writer, as an audit store could) is not
    stored and is heard by no listener."""

    def refuse(_tables: object, events: Sequence[Event]) -> None:
        if any(isinstance(event, PasswordChanged) for event in events):
            raise StorageUnavailable()

    core = make_core(writers=[refuse])
    core.register()
    caller = core.caller(core.login())
    heard = list(core.events.names)
    with pytest.raises(StorageUnavailable):
        core.accounts.change_password(
            caller, ChangePasswordCommand(PASSWORD, "brand new passphrase")
        )
    assert core.events.names == heard
    assert core.db.users[caller.user_id].password_hash == core.hasher.hash(PASSWORD)
    assert core.caller(core.login())  # the old password still works, other sessions live


def test_a_failed_login_is_recorded_in_a_unit_of_work_of_its_own() -> None:
    written: list[Event] = []
    core = make_core(writers=[lambda _tables, events: written.extend(events)])
    core.register()
    with pytest.raises(InvalidCredentials):
        core.login(password="wrong password")
    assert [event.name for event in written] == ["user_registered", "mail_queued", "login_failed"]


class BrokenListener:
    def publish(self, event: Event) -> None:
        raise RuntimeError("the metrics backend is down")


def test_a_failing_listener_is_logged_and_the_committed_change_stands(
    caplog: pytest.LogCaptureFixture,
) -> None:
    core = make_core()
    core.core = build_core(
        replace(
            core.ports,
            uow=partial(InMemoryUnitOfWork, core.db, listeners=[BrokenListener(), core.events]),
        )
    )
    user = core.register()
    assert core.db.users[user.id].email == user.email
    assert core.events.names == ["user_registered", "mail_queued"]  # the next still heard them
    assert "BrokenListener failed on user_registered" in caplog.text


def test_assembling_an_area_names_a_missing_dependency() -> None:
    with pytest.raises(TypeError, match=r"Accounts.register needs uow, hasher"):
        assemble(Accounts, {"policy": PasswordPolicy()})
