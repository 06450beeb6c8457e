from __future__ import annotations

import pytest

from application.accounts.register import RegisterCommand
from application.sessions.login import LoginCommand
from domain.errors import (
    EmailTaken,
    InvalidCredentials,
    InvalidEmail,
    InvalidName,
    PasswordRejected,
)
from domain.users import Role
from tests.support.core import PASSWORD, CoreUnderTest


def test_register_creates_an_active_user_with_a_hashed_password(core: CoreUnderTest) -> None:
    user = core.register("  Ada@Example.COM ")
    assert user.email.value == "ada@example.com"
    assert user.role is Role.USER
    assert user.is_active
    assert user.created_at == user.updated_at == core.clock.now()
    assert user.password_hash == core.hasher.hash(PASSWORD)
    assert core.db.users[user.id].email == user.email


def test_register_a_taken_email_in_any_case_is_refused(core: CoreUnderTest) -> None:
    core.register("ada@example.com")
    with pytest.raises(EmailTaken):
        core.register("ADA@example.com")
    assert len(core.db.users) == 1


@pytest.mark.parametrize(
    ("command", "error"),
    [
        (RegisterCommand("not-an-email", "Ada", PASSWORD), InvalidEmail),
        (RegisterCommand("ada@example.com", " ", PASSWORD), InvalidName),
        (RegisterCommand("ada@example.com", "Ada", "password"), PasswordRejected),
    ],
)
def test_register_refuses_invalid_input_and_stores_nothing(
    core: CoreUnderTest, command: RegisterCommand, error: type[Exception]
) -> None:
    with pytest.raises(error):
        core.accounts.register(command)
    assert core.db.users == {}


def test_login_returns_tokens_and_records_the_session(core: CoreUnderTest) -> None:
    user = core.register()
    tokens = core.login("ADA@example.com")
    assert tokens.user.id == user.id
    assert tokens.expires_in == 900
    (session,) = core.db.sessions.values()
    assert session.user_id == user.id
    assert (session.user_agent, session.ip) == ("pytest", "127.0.0.1")
    assert core.caller(tokens).session_id == session.id


def test_s9_unknown_email_wrong_password_and_inactive_account_fail_alike(
    core: CoreUnderTest,
) -> None:
    user = core.register()
    core.register("inactive@example.com")
    inactive = next(u for u in core.db.users.values() if u.id != user.id)
    inactive.is_active = False
    errors = []
    for email, password in [
        ("nobody@example.com", PASSWORD),
        ("ada@example.com", "wrong password"),
        ("inactive@example.com", PASSWORD),
        ("not an email", PASSWORD),
    ]:
        with pytest.raises(InvalidCredentials) as caught:
            core.login(email, password)
        errors.append((caught.value.code, caught.value.message))
    assert len(set(errors)) == 1
    assert core.db.sessions == {}


def test_s10_unknown_email_spends_a_dummy_verification(core: CoreUnderTest) -> None:
    with pytest.raises(InvalidCredentials):
        core.login("nobody@example.com")
    assert core.hasher.dummy_verifications == 1


def test_s4_login_compares_exactly_after_nfkc(core: CoreUnderTest) -> None:
    core.accounts.register(RegisterCommand("ada@example.com", "Ada", "Ｔｒｉｃｋｙ Pass 9"))
    assert core.login(password="Tricky Pass 9")  # NFKC applied on both sides
    with pytest.raises(InvalidCredentials):
        core.login(password="tricky pass 9")  # no case folding
    with pytest.raises(InvalidCredentials):
        core.login(password="Tricky Pass 9 and more")  # no truncation


def test_s7_login_upgrades_a_hash_with_old_parameters(core: CoreUnderTest) -> None:
    user = core.register()
    core.hasher.version = 3
    core.login()
    assert core.db.users[user.id].password_hash == "fake-v3$" + PASSWORD
    core.login()  # and the upgraded hash still verifies


def test_login_fails_if_the_password_changed_while_it_was_checked(core: CoreUnderTest) -> None:
    user = core.register()

    class RacingHasher(type(core.hasher)):  # type: ignore[misc]
        def verify(self, password_hash: str, password: str) -> bool:
            core.db.users[user.id].password_hash = "fake-v2$changed meanwhile"
            return super().verify(password_hash, password)

    core.hasher.__class__ = RacingHasher
    with pytest.raises(InvalidCredentials):
        core.login()
    assert core.db.sessions == {}


def test_long_user_agents_are_cut(core: CoreUnderTest) -> None:
    core.register()
    core.sessions.login(LoginCommand("ada@example.com", PASSWORD, "x" * 2000, None))
    (session,) = core.db.sessions.values()
    assert session.user_agent == "x" * 512
