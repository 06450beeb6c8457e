"""Second factors in the core: an authenticator turned on and off, recovery
codes, a login's second step (S47-S50), on in-memory adapters."""

from __future__ import annotations

import base64
from concurrent.futures import ThreadPoolExecutor

import pytest

from application.caller import Caller
from application.second_factor_codes import Proof
from application.sessions.browser import SignInCommand
from application.sessions.login import LoginCommand
from application.sessions.second_step import SecondStepCommand, SecondStepRequired
from application.sessions.tokens import TokenPair
from domain.errors import (
    EmailUnverified,
    Forbidden,
    InvalidMfaCode,
    SecondFactorAlreadyEnabled,
    SecondFactorNotEnabled,
    SecondStepExpired,
    SecondStepFailed,
    Throttled,
    UserNotFound,
    WrongPassword,
)
from domain.mail import FactorChange, MailKind
from domain.second_factors import MFA_TOKEN_TRIES, Method
from domain.totp import totp
from domain.users import Role
from tests.support.core import PASSWORD, CoreUnderTest, make_core


@pytest.fixture
def c() -> CoreUnderTest:
    return make_core()


def verified(c: CoreUnderTest, email: str = "ada@example.com", role: Role = Role.USER) -> Caller:
    user = c.register(email, role)
    c.db.users[user.id].email_verified = True
    return c.caller(c.login(email))


def enable_totp(c: CoreUnderTest, caller: Caller) -> tuple[bytes, list[str]]:
    """Turn an authenticator on as a person does; its secret and the recovery codes."""
    enrolment = c.core.second_factors.start_totp(caller, PASSWORD, "127.0.0.1")
    secret = base64.b32decode(enrolment.secret + "=" * (-len(enrolment.secret) % 8))
    codes = c.core.second_factors.confirm_totp(caller, code_now(c, secret))
    c.clock.advance(seconds=30)  # the confirming code's step is spent
    return secret, codes


def code_now(c: CoreUnderTest, secret: bytes) -> str:
    return totp(secret, c.clock.now().timestamp())


def password_step(c: CoreUnderTest, email: str = "ada@example.com") -> SecondStepRequired:
    result = c.sessions.login(LoginCommand(email, PASSWORD, "pytest", "127.0.0.1"))
    assert isinstance(result, SecondStepRequired)
    return result


def second_step(c: CoreUnderTest, token: str, method: Method, value: str) -> TokenPair:
    command = SecondStepCommand(token, Proof(method, value), "pytest", "127.0.0.1")
    return c.sessions.login_second_step(command)


def test_turning_totp_on_needs_a_verified_email_and_the_password(c: CoreUnderTest) -> None:
    c.register()
    unverified = c.caller(c.login())
    with pytest.raises(EmailUnverified):
        c.core.second_factors.start_totp(unverified, PASSWORD)
    caller = verified(c, "bob@example.com")
    with pytest.raises(WrongPassword):
        c.core.second_factors.start_totp(caller, "not the password")
    enrolment = c.core.second_factors.start_totp(caller, PASSWORD)
    assert len(base64.b32decode(enrolment.secret)) == 20  # 160 bits, no padding needed
    assert enrolment.otpauth_uri.startswith("otpauth://totp/accounts:bob@example.com?secret=")
    assert "issuer=accounts" in enrolment.otpauth_uri
    stored = c.db.totp_factors[caller.user_id]
    assert enrolment.secret not in stored.sealed_secret  # sealed at rest (S47)
    assert stored.confirmed_at is None
    assert c.db.users[caller.user_id].mfa_enabled is False  # not in force until confirmed


def test_the_first_code_puts_it_in_force_with_ten_recovery_codes_and_a_mail(
    c: CoreUnderTest,
) -> None:
    caller = verified(c)
    enrolment = c.core.second_factors.start_totp(caller, PASSWORD)
    with pytest.raises(InvalidMfaCode):
        c.core.second_factors.confirm_totp(caller, "000000")
    secret = base64.b32decode(enrolment.secret)
    codes = c.core.second_factors.confirm_totp(caller, code_now(c, secret))
    assert len(codes) == len(set(codes)) == 10
    assert c.db.users[caller.user_id].mfa_enabled is True
    stored_hashes = {h for (_, h) in c.db.recovery_codes}
    assert not stored_hashes & set(codes)  # only digests are kept (S48)
    mail = c.outbox()[-1]
    assert mail.kind is MailKind.SECOND_FACTORS_CHANGED
    assert FactorChange.TOTP_ENABLED.value in mail.text  # PlainComposer writes the change
    names = [event.name for event in c.events.published]
    assert "second_factor_enabled" in names
    assert "recovery_codes_made" in names
    with pytest.raises(SecondFactorAlreadyEnabled):
        c.core.second_factors.start_totp(caller, PASSWORD)


def test_a_page_reloaded_shows_the_same_secret_until_it_is_confirmed(c: CoreUnderTest) -> None:
    caller = verified(c)
    first = c.core.second_factors.start_totp(caller)
    assert c.core.second_factors.start_totp(caller) == first
    assert c.core.second_factors.start_totp(caller, PASSWORD) != first  # the API starts anew


def test_login_asks_for_the_second_step_and_the_code_opens_the_session(c: CoreUnderTest) -> None:
    caller = verified(c)
    secret, _ = enable_totp(c, caller)
    required = password_step(c)
    assert required.methods == (Method.TOTP, Method.RECOVERY_CODE)
    assert required.expires_in == 300
    tokens = second_step(c, required.mfa_token, Method.TOTP, code_now(c, secret))
    assert tokens.access_token.endswith(".pwd+otp")  # FakeAccessTokens shows the amr
    session = c.db.sessions[c.caller(tokens).session_id]
    assert session.amr == ("pwd", "otp")
    with pytest.raises(SecondStepExpired):  # single-use
        second_step(c, required.mfa_token, Method.TOTP, code_now(c, secret))


def test_a_time_step_is_accepted_once(c: CoreUnderTest) -> None:
    caller = verified(c)
    secret, _ = enable_totp(c, caller)
    code = code_now(c, secret)
    second_step(c, password_step(c).mfa_token, Method.TOTP, code)
    with pytest.raises(SecondStepFailed):  # replayed within its 30 seconds (S47)
        second_step(c, password_step(c).mfa_token, Method.TOTP, code)
    c.clock.advance(seconds=30)
    second_step(c, password_step(c).mfa_token, Method.TOTP, code_now(c, secret))


def test_a_recovery_code_works_once_as_a_person_types_it(c: CoreUnderTest) -> None:
    caller = verified(c)
    _, codes = enable_totp(c, caller)
    typed = codes[0].upper().replace("-", " ")
    second_step(c, password_step(c).mfa_token, Method.RECOVERY_CODE, typed)
    with pytest.raises(SecondStepFailed):
        second_step(c, password_step(c).mfa_token, Method.RECOVERY_CODE, codes[0])
    assert c.core.second_factors.status(caller).recovery_codes_left == 9
    used = [e for e in c.events.published if e.name == "recovery_code_used"]
    assert len(used) == 1


def test_an_mfa_token_dies_after_five_wrong_codes(c: CoreUnderTest) -> None:
    caller = verified(c)
    secret, _ = enable_totp(c, caller)
    token = password_step(c).mfa_token
    for _ in range(MFA_TOKEN_TRIES):
        with pytest.raises(SecondStepFailed) as failed:
            second_step(c, token, Method.TOTP, "000000")
        assert not isinstance(failed.value, SecondStepExpired)
    with pytest.raises(SecondStepExpired):  # the right code, too late
        second_step(c, token, Method.TOTP, code_now(c, secret))
    failures = [e for e in c.events.published if e.name == "login_failed"]
    assert [getattr(e, "reason", None) for e in failures] == ["wrong_code"] * MFA_TOKEN_TRIES


def test_an_mfa_token_lives_five_minutes(c: CoreUnderTest) -> None:
    caller = verified(c)
    secret, _ = enable_totp(c, caller)
    token = password_step(c).mfa_token
    c.clock.advance(minutes=5)
    with pytest.raises(SecondStepExpired):
        second_step(c, token, Method.TOTP, code_now(c, secret))
    with pytest.raises(SecondStepExpired):
        second_step(c, "an mfa_token never issued", Method.TOTP, code_now(c, secret))


def test_twenty_concurrent_wrong_codes_spend_only_five_tries(c: CoreUnderTest) -> None:
    caller = verified(c)
    enable_totp(c, caller)
    token = password_step(c).mfa_token

    def guess(_: int) -> str:
        try:
            second_step(c, token, Method.TOTP, "000000")
        except SecondStepExpired:
            return "expired"
        except SecondStepFailed:
            return "wrong"
        except Throttled:
            return "throttled"
        return "opened"

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(guess, range(20)))
    assert answers.count("wrong") == MFA_TOKEN_TRIES
    assert "opened" not in answers
    (pending,) = c.db.pending_logins.values()
    assert pending.tries == MFA_TOKEN_TRIES


def test_second_step_failures_count_on_the_accounts_login_throttle(c: CoreUnderTest) -> None:
    caller = verified(c)
    enable_totp(c, caller)
    answers = []
    for _ in range(4):  # ten attempts in the window: the limit of make_core
        # The right password alone resets nothing, and each wrong code counts
        # one: new mfa_tokens do not buy new guesses.
        try:
            token = password_step(c).mfa_token
        except Throttled:
            answers.append("throttled")
            break
        for _ in range(MFA_TOKEN_TRIES):
            answers.append(wrong_code(c, token))
    # 1 password + 5 codes + 1 password + 3 codes: the tenth attempt, then refusals.
    assert answers[:8] == ["wrong"] * 8, answers
    assert set(answers[8:]) == {"throttled"}, answers


def wrong_code(c: CoreUnderTest, token: str) -> str:
    try:
        second_step(c, token, Method.TOTP, "000000")
    except Throttled:
        return "throttled"
    except SecondStepFailed:
        return "wrong"
    return "opened"


def test_a_password_changed_meanwhile_kills_the_second_step(c: CoreUnderTest) -> None:
    caller = verified(c)
    secret, _ = enable_totp(c, caller)
    token = password_step(c).mfa_token
    stored = c.db.users[caller.user_id]
    stored.password_hash = c.hasher.hash("another password entirely")
    with pytest.raises(SecondStepExpired):
        second_step(c, token, Method.TOTP, code_now(c, secret))


def test_a_browser_sign_in_takes_its_own_second_step(c: CoreUnderTest) -> None:
    caller = verified(c)
    secret, _ = enable_totp(c, caller)
    signed = c.sessions.sign_in(SignInCommand("ada@example.com", PASSWORD, True, "pytest"))
    assert isinstance(signed, SecondStepRequired)
    command = SecondStepCommand(signed.mfa_token, Proof(Method.TOTP, code_now(c, secret)))
    with pytest.raises(SecondStepExpired):  # a browser's mfa_token gives no API tokens
        c.sessions.login_second_step(command)
    browser = c.sessions.sign_in_second_step(command)
    session = c.db.sessions[browser.session_id]
    assert session.amr == ("pwd", "otp")
    assert session.idle_timeout == c.ports.lifetimes.refresh_token  # "remember me" kept


def test_turning_totp_off_needs_the_password_and_a_code(c: CoreUnderTest) -> None:
    caller = verified(c)
    secret, codes = enable_totp(c, caller)
    with pytest.raises(WrongPassword):
        c.core.second_factors.disable_totp(caller, "wrong", code_now(c, secret), None)
    with pytest.raises(InvalidMfaCode):
        c.core.second_factors.disable_totp(caller, PASSWORD, "000000", None)
    c.core.second_factors.disable_totp(caller, PASSWORD, codes[3], None)  # a recovery code
    assert c.db.users[caller.user_id].mfa_enabled is False
    assert not c.db.recovery_codes
    assert caller.user_id not in c.db.totp_factors
    assert isinstance(c.login(), TokenPair)  # no second step any more
    assert c.outbox()[-1].kind is MailKind.SECOND_FACTORS_CHANGED
    with pytest.raises(SecondFactorNotEnabled):
        c.core.second_factors.disable_totp(caller, PASSWORD, codes[4], None)


def test_guessing_codes_to_turn_totp_off_is_throttled(c: CoreUnderTest) -> None:
    caller = verified(c)
    enable_totp(c, caller)
    for _ in range(10):
        with pytest.raises(InvalidMfaCode):
            c.core.second_factors.disable_totp(caller, PASSWORD, "000000", None)
    with pytest.raises(Throttled):  # the right password alone resets nothing
        c.core.second_factors.disable_totp(caller, PASSWORD, "000000", None)


def test_new_recovery_codes_kill_the_old(c: CoreUnderTest) -> None:
    caller = verified(c)
    _, old = enable_totp(c, caller)
    new = c.core.second_factors.renew_recovery_codes(caller, PASSWORD, None)
    assert not set(new) & set(old)
    with pytest.raises(SecondStepFailed):
        second_step(c, password_step(c).mfa_token, Method.RECOVERY_CODE, old[0])
    second_step(c, password_step(c).mfa_token, Method.RECOVERY_CODE, new[0])
    other = verified(c, "bob@example.com")
    with pytest.raises(SecondFactorNotEnabled):
        c.core.second_factors.renew_recovery_codes(other, PASSWORD, None)


def test_an_admin_resets_a_persons_second_factors(c: CoreUnderTest) -> None:
    caller = verified(c)
    enable_totp(c, caller)
    admin = verified(c, "root@example.com", Role.ADMIN)
    with pytest.raises(Forbidden):
        c.core.second_factors.reset(caller, admin.user_id)
    with pytest.raises(UserNotFound):
        c.core.second_factors.reset(admin, c.ports.ids.new_id())
    c.core.second_factors.reset(admin, caller.user_id)
    assert c.db.users[caller.user_id].mfa_enabled is False
    assert isinstance(c.login(), TokenPair)
    assert FactorChange.RESET_BY_ADMIN.value in c.outbox()[-1].text
    (reset,) = [e for e in c.events.published if e.name == "second_factors_reset"]
    assert getattr(reset, "by", None) == admin.user_id
