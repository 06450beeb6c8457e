"""Passkeys in the core (S50, S51): adding and removing them, signing in with
one alone or as a second step, against a software authenticator and the
real relying party, on in-memory adapters."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest

from application.caller import Caller
from application.second_factor_codes import Proof
from application.sessions.login import LoginCommand
from application.sessions.passkey_login import PasskeyLoginCommand
from application.sessions.second_step import SecondStepCommand, SecondStepRequired
from application.sessions.tokens import TokenPair
from domain.errors import (
    EmailUnverified,
    InvalidPasskey,
    PasskeyLoginFailed,
    PasskeyNotFound,
    SecondStepFailed,
    WrongPassword,
)
from domain.mail import FactorChange
from domain.passkeys import InvalidPasskeyName
from domain.second_factors import Method
from domain.users import Role
from tests.support.authenticator import SoftAuthenticator, as_text, b64url
from tests.support.core import ORIGIN, PASSWORD, CoreUnderTest, make_core


@pytest.fixture
def c() -> CoreUnderTest:
    return make_core()


@pytest.fixture
def key() -> SoftAuthenticator:
    return SoftAuthenticator(ORIGIN)


def verified(c: CoreUnderTest, email: str = "ada@example.com", role: Role = Role.USER) -> Caller:
    user = c.register(email, role)
    c.db.users[user.id].email_verified = True
    return c.caller(c.login(email))


def add_passkey(
    c: CoreUnderTest, caller: Caller, key: SoftAuthenticator, name: str = "Laptop"
) -> dict[str, Any]:
    options = c.core.second_factors.passkey_options(caller, PASSWORD)
    c.core.second_factors.add_passkey(caller, as_text(key.create(options)), name)
    return dict(options)


def passkey_login(c: CoreUnderTest, key: SoftAuthenticator) -> TokenPair:
    options = c.sessions.passkey_login_options()
    answer = as_text(key.get(options))
    return c.sessions.passkey_login(PasskeyLoginCommand(answer, "pytest", "127.0.0.1"))


def test_adding_a_passkey_needs_a_verified_email_and_the_password(
    c: CoreUnderTest, key: SoftAuthenticator
) -> None:
    c.register()
    with pytest.raises(EmailUnverified):
        c.core.second_factors.passkey_options(c.caller(c.login()), PASSWORD)
    caller = verified(c, "bob@example.com")
    with pytest.raises(WrongPassword):
        c.core.second_factors.passkey_options(caller, "not the password")
    options = add_passkey(c, caller, key)
    assert options["rp"] == {"id": "id.example", "name": "accounts"}
    assert options["user"]["id"] == b64url(caller.user_id.bytes)  # no address in the handle
    assert options["authenticatorSelection"]["residentKey"] == "required"
    again = c.core.second_factors.passkey_options(caller, PASSWORD)
    assert [cred["id"] for cred in again["excludeCredentials"]] == [
        b64url(next(iter(key.credentials)))
    ]


def test_a_page_may_skip_the_password_within_ten_minutes_of_signing_in(c: CoreUnderTest) -> None:
    caller = verified(c)
    assert c.core.second_factors.passkey_options.needs_password(caller) is False
    assert c.core.second_factors.passkey_options(caller)["challenge"]
    c.clock.advance(minutes=11)
    assert c.core.second_factors.passkey_options.needs_password(caller) is True
    with pytest.raises(WrongPassword):
        c.core.second_factors.passkey_options(caller)


def test_a_passkey_added_turns_the_second_step_on_and_is_mailed(
    c: CoreUnderTest, key: SoftAuthenticator
) -> None:
    caller = verified(c)
    add_passkey(c, caller, key, "  Work laptop ")
    (passkey,) = c.core.second_factors.list_passkeys(caller)
    assert (passkey.name, passkey.sign_count, passkey.last_used_at) == ("Work laptop", 0, None)
    assert c.db.users[caller.user_id].mfa_enabled is True
    assert FactorChange.PASSKEY_ADDED.value in c.outbox()[-1].text
    assert "passkey_added" in [e.name for e in c.events.published]
    state = c.core.second_factors.status(caller)
    assert (state.totp_enabled, [p.name for p in state.passkeys]) == (False, ["Work laptop"])


@pytest.mark.parametrize("name", ["", "   ", "x" * 65, "tab\there"])
def test_a_passkey_needs_a_name_a_person_can_read(c: CoreUnderTest, name: str) -> None:
    caller = verified(c)
    with pytest.raises(InvalidPasskeyName):
        c.core.second_factors.add_passkey(caller, "{}", name)


def test_a_registration_answer_counts_once_within_five_minutes(
    c: CoreUnderTest, key: SoftAuthenticator
) -> None:
    caller = verified(c)
    options = c.core.second_factors.passkey_options(caller, PASSWORD)
    answer = as_text(key.create(options))
    c.core.second_factors.add_passkey(caller, answer, "One")
    with pytest.raises(InvalidPasskey):  # the challenge is spent
        c.core.second_factors.add_passkey(caller, answer, "Two")
    late = c.core.second_factors.passkey_options(caller, PASSWORD)
    c.clock.advance(minutes=5, seconds=1)
    with pytest.raises(InvalidPasskey):
        c.core.second_factors.add_passkey(caller, as_text(key.create(late)), "Late")
    assert len(c.core.second_factors.list_passkeys(caller)) == 1


def test_an_answer_from_another_origin_or_for_another_account_is_refused(
    c: CoreUnderTest,
) -> None:
    ada, bob = verified(c), verified(c, "bob@example.com")
    options = c.core.second_factors.passkey_options(ada, PASSWORD)
    phished = SoftAuthenticator("https://id.example.evil").create(options)
    with pytest.raises(InvalidPasskey):
        c.core.second_factors.add_passkey(ada, as_text(phished), "Phished")
    options = c.core.second_factors.passkey_options(ada, PASSWORD)
    with pytest.raises(InvalidPasskey):  # a challenge issued to Ada
        c.core.second_factors.add_passkey(
            bob, as_text(SoftAuthenticator(ORIGIN).create(options)), "x"
        )
    with pytest.raises(InvalidPasskey):
        c.core.second_factors.add_passkey(ada, '{"response": "garbage"}', "Garbage")


def test_a_credential_id_belongs_to_one_account(c: CoreUnderTest, key: SoftAuthenticator) -> None:
    ada, bob = verified(c), verified(c, "bob@example.com")
    add_passkey(c, ada, key)
    taken = next(iter(key.credentials))
    options = c.core.second_factors.passkey_options(bob, PASSWORD)
    answer = SoftAuthenticator(ORIGIN).create(options, credential_id=taken)
    with pytest.raises(InvalidPasskey):
        c.core.second_factors.add_passkey(bob, as_text(answer), "Copy")


def test_a_passkey_alone_signs_in_with_the_user_verified(
    c: CoreUnderTest, key: SoftAuthenticator
) -> None:
    caller = verified(c)
    add_passkey(c, caller, key)
    options = c.sessions.passkey_login_options()
    assert (options["allowCredentials"], options["userVerification"]) == ([], "required")
    tokens = passkey_login(c, key)
    session = c.db.sessions[c.caller(tokens).session_id]
    assert (session.user_id, session.amr) == (caller.user_id, ("hwk",))
    (passkey,) = c.core.second_factors.list_passkeys(caller)
    assert (passkey.sign_count, passkey.last_used_at) == (1, c.clock.now())


def test_a_passkey_without_user_verification_is_no_login_alone(c: CoreUnderTest) -> None:
    key = SoftAuthenticator(ORIGIN, verifies_user=False)
    add_passkey(c, verified(c), key)
    with pytest.raises(PasskeyLoginFailed):
        passkey_login(c, key)
    assert c.events.published[-1].name == "login_failed"
    assert getattr(c.events.published[-1], "reason", None) == "wrong_passkey"


def test_a_login_answer_is_used_once(c: CoreUnderTest, key: SoftAuthenticator) -> None:
    add_passkey(c, verified(c), key)
    answer = as_text(key.get(c.sessions.passkey_login_options()))
    c.sessions.passkey_login(PasskeyLoginCommand(answer))
    with pytest.raises(PasskeyLoginFailed):
        c.sessions.passkey_login(PasskeyLoginCommand(answer))


def test_concurrent_logins_with_one_answer_open_one_session(
    c: CoreUnderTest, key: SoftAuthenticator
) -> None:
    caller = verified(c)
    add_passkey(c, caller, key)
    answer = as_text(key.get(c.sessions.passkey_login_options()))
    sessions_before = len(c.db.sessions)

    def attempt(_: int) -> bool:
        try:
            c.sessions.passkey_login(PasskeyLoginCommand(answer))
        except PasskeyLoginFailed:
            return False
        return True

    with ThreadPoolExecutor(8) as pool:
        assert sum(pool.map(attempt, range(8))) == 1
    assert len(c.db.sessions) == sessions_before + 1


def test_a_sign_count_gone_back_refuses_the_login(c: CoreUnderTest, key: SoftAuthenticator) -> None:
    add_passkey(c, verified(c), key)
    passkey_login(c, key)
    passkey_login(c, key)  # count 2
    options = c.sessions.passkey_login_options()
    with pytest.raises(PasskeyLoginFailed):  # a clone still at 1
        c.sessions.passkey_login(PasskeyLoginCommand(as_text(key.get(options, count_back=True))))


def test_a_synced_passkey_keeps_no_count_and_still_signs_in(c: CoreUnderTest) -> None:
    key = SoftAuthenticator(ORIGIN, counts=False)
    caller = verified(c)
    add_passkey(c, caller, key)
    passkey_login(c, key)
    passkey_login(c, key)
    assert c.core.second_factors.list_passkeys(caller)[0].sign_count == 0


def test_an_unknown_passkey_signs_no_one_in(c: CoreUnderTest) -> None:
    stranger = SoftAuthenticator(ORIGIN)
    stranger.create({"user": {"id": b64url(b"nobody")}, "challenge": b64url(b"x")})
    with pytest.raises(PasskeyLoginFailed):
        passkey_login(c, stranger)


def test_a_passkey_is_a_second_step_after_the_password(
    c: CoreUnderTest, key: SoftAuthenticator
) -> None:
    caller = verified(c)
    add_passkey(c, caller, key)
    required = c.sessions.login(LoginCommand("ada@example.com", PASSWORD))
    assert isinstance(required, SecondStepRequired)
    assert required.methods == (Method.WEBAUTHN,)
    options = c.sessions.passkey_login_options(required.mfa_token)
    assert options["allowCredentials"][0]["id"] == b64url(next(iter(key.credentials)))
    assert options["userVerification"] == "preferred"
    proof = Proof(Method.WEBAUTHN, as_text(key.get(options)))
    tokens = c.sessions.login_second_step(SecondStepCommand(required.mfa_token, proof))
    assert c.db.sessions[c.caller(tokens).session_id].amr == ("pwd", "hwk")


def test_a_sign_in_challenge_is_no_second_step_and_the_reverse(
    c: CoreUnderTest, key: SoftAuthenticator
) -> None:
    add_passkey(c, verified(c), key)
    required = c.sessions.login(LoginCommand("ada@example.com", PASSWORD))
    assert isinstance(required, SecondStepRequired)
    alone = as_text(key.get(c.sessions.passkey_login_options()))
    with pytest.raises(SecondStepFailed):
        c.sessions.login_second_step(
            SecondStepCommand(required.mfa_token, Proof(Method.WEBAUTHN, alone))
        )
    second = as_text(key.get(c.sessions.passkey_login_options(required.mfa_token)))
    with pytest.raises(PasskeyLoginFailed):
        c.sessions.passkey_login(PasskeyLoginCommand(second))


def test_another_accounts_passkey_is_no_second_step(c: CoreUnderTest) -> None:
    ada_key, bob_key = SoftAuthenticator(ORIGIN), SoftAuthenticator(ORIGIN)
    add_passkey(c, verified(c), ada_key)
    add_passkey(c, verified(c, "bob@example.com"), bob_key)
    required = c.sessions.login(LoginCommand("ada@example.com", PASSWORD))
    assert isinstance(required, SecondStepRequired)
    options = dict(c.sessions.passkey_login_options(required.mfa_token))
    options["allowCredentials"] = []  # Bob's key answers instead
    proof = Proof(Method.WEBAUTHN, as_text(bob_key.get(options)))
    with pytest.raises(SecondStepFailed):
        c.sessions.login_second_step(SecondStepCommand(required.mfa_token, proof))


def test_removing_the_last_passkey_turns_the_second_step_off(
    c: CoreUnderTest, key: SoftAuthenticator
) -> None:
    caller = verified(c)
    add_passkey(c, caller, key, "One")
    add_passkey(c, caller, key, "Two")
    one, two = c.core.second_factors.list_passkeys(caller)
    bob = verified(c, "bob@example.com")
    with pytest.raises(PasskeyNotFound):
        c.core.second_factors.remove_passkey(bob, one.id)
    c.core.second_factors.remove_passkey(caller, one.id)
    assert c.db.users[caller.user_id].mfa_enabled is True
    c.core.second_factors.remove_passkey(caller, two.id)
    assert c.db.users[caller.user_id].mfa_enabled is False
    assert FactorChange.PASSKEY_REMOVED.value in c.outbox()[-1].text
    with pytest.raises(PasskeyNotFound):
        c.core.second_factors.remove_passkey(caller, two.id)
    assert isinstance(c.login(), TokenPair)


def test_an_admin_reset_removes_the_passkeys(c: CoreUnderTest, key: SoftAuthenticator) -> None:
    caller = verified(c)
    add_passkey(c, caller, key)
    admin = verified(c, "root@example.com", Role.ADMIN)
    c.core.second_factors.reset(admin, caller.user_id)
    assert c.core.second_factors.list_passkeys(caller) == []
    assert c.db.users[caller.user_id].mfa_enabled is False


def test_purging_removes_ended_challenges_and_second_steps(
    c: CoreUnderTest, key: SoftAuthenticator
) -> None:
    add_passkey(c, verified(c), key)
    c.sessions.passkey_login_options()
    c.sessions.login(LoginCommand("ada@example.com", PASSWORD))
    assert (len(c.db.webauthn_challenges), len(c.db.pending_logins)) == (1, 1)
    c.clock.advance(minutes=6)
    c.sessions.purge_ended(timedelta(days=30))
    assert (len(c.db.webauthn_challenges), len(c.db.pending_logins)) == (0, 0)


def test_a_passkey_is_renamed_by_its_owner_only(c: CoreUnderTest, key: SoftAuthenticator) -> None:
    caller = verified(c)
    add_passkey(c, caller, key, "Laptop")
    (passkey,) = c.core.second_factors.list_passkeys(caller)
    renamed = c.core.second_factors.rename_passkey(caller, passkey.id, " Work laptop ")
    assert renamed.name == "Work laptop"
    assert c.core.second_factors.list_passkeys(caller)[0].name == "Work laptop"
    assert "passkey_renamed" in [e.name for e in c.events.published]
    with pytest.raises(InvalidPasskeyName):
        c.core.second_factors.rename_passkey(caller, passkey.id, "")
    with pytest.raises(PasskeyNotFound):
        c.core.second_factors.rename_passkey(verified(c, "bob@example.com"), passkey.id, "Mine")
