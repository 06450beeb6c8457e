"""S11: per-account throttling before any password check, and a per-address limit."""

from __future__ import annotations

import pytest

from adapters.throttle.memory import InMemoryAttemptCounter
from application.accounts.password import ChangePasswordCommand
from application.accounts.register import RegisterCommand
from application.caller import Caller
from application.sessions.login import LoginCommand
from application.sessions.refresh import RefreshCommand
from application.throttling import FailOpen
from domain.errors import (
    InvalidCredentials,
    InvalidRefreshToken,
    Throttled,
    ThrottleUnavailable,
    WrongPassword,
)
from domain.events import AttemptThrottled
from tests.support.core import PASSWORD, CoreUnderTest, make_core


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_in_memory_throttle_counts_a_fixed_window() -> None:
    ticks = Ticks()
    throttle = InMemoryAttemptCounter(limit=3, window_seconds=60, monotonic=ticks)
    assert [throttle.attempt("k") for _ in range(3)] == [0, 0, 0]
    ticks.now += 20
    assert throttle.attempt("k") == 40  # blocked until the window that began at 1000 ends
    assert throttle.attempt("other") == 0
    ticks.now += 40
    assert throttle.attempt("k") == 0  # a new window
    throttle.reset("k")
    assert [throttle.attempt("k") for _ in range(3)] == [0, 0, 0]


def test_in_memory_throttle_forgets_ended_windows() -> None:
    ticks = Ticks()
    throttle = InMemoryAttemptCounter(limit=1, window_seconds=1, monotonic=ticks)
    for n in range(10_001):
        throttle.attempt(f"k{n}")
    ticks.now += 2
    throttle.attempt("fresh")
    assert len(throttle._windows) == 1


def failed_login(
    core: CoreUnderTest, email: str = "ada@example.com", ip: str = "203.0.113.9"
) -> Exception:
    with pytest.raises((InvalidCredentials, Throttled)) as caught:
        core.sessions.login(LoginCommand(email, "wrong password", None, ip))
    return caught.value


def test_s11_ten_failures_then_429_without_verifying_the_password(core: CoreUnderTest) -> None:
    core.register()
    results = [failed_login(core) for _ in range(10)]
    assert all(isinstance(r, InvalidCredentials) for r in results)
    verifications = core.hasher.verifications
    throttled = failed_login(core)
    assert isinstance(throttled, Throttled)
    assert throttled.retry_after == 900
    with pytest.raises(Throttled):  # even the right password is not checked now
        core.login()
    assert core.hasher.verifications == verifications


def test_s11_unknown_emails_are_throttled_alike(core: CoreUnderTest) -> None:
    for _ in range(10):
        assert isinstance(failed_login(core, "nobody@example.com"), InvalidCredentials)
    assert isinstance(failed_login(core, "NOBODY@example.com"), Throttled)


def test_s11_a_success_resets_the_count(core: CoreUnderTest) -> None:
    core.register()
    for _ in range(9):
        failed_login(core)
    assert core.login()
    assert all(isinstance(failed_login(core), InvalidCredentials) for _ in range(10))


def test_s11_the_address_limit_spans_accounts_and_endpoints() -> None:
    core = make_core(address_attempts=InMemoryAttemptCounter(limit=3, window_seconds=60))
    core.accounts.register(RegisterCommand("a@example.com", "A", PASSWORD, ip="198.51.100.7"))
    with pytest.raises(InvalidCredentials):
        core.sessions.login(LoginCommand("b@example.com", "x", None, "198.51.100.7"))
    with pytest.raises(InvalidRefreshToken):
        core.sessions.refresh(RefreshCommand("nope", None, "198.51.100.7"))
    with pytest.raises(Throttled):
        core.accounts.register(RegisterCommand("c@example.com", "C", PASSWORD, ip="198.51.100.7"))
    core.accounts.register(RegisterCommand("d@example.com", "D", PASSWORD, ip="198.51.100.8"))


class UnreachableStore:
    def attempt(self, key: str) -> int:
        raise ThrottleUnavailable()

    def reset(self, key: str) -> None:
        raise ThrottleUnavailable()


def test_an_unreachable_throttle_fails_closed_before_any_password_check() -> None:
    core = make_core(account_attempts=UnreachableStore())
    core.register()
    with pytest.raises(ThrottleUnavailable):
        core.login()
    assert core.hasher.verifications == 0


def test_fail_open_lets_logins_through_while_the_store_is_down() -> None:
    core = make_core(
        account_attempts=FailOpen(UnreachableStore()), address_attempts=FailOpen(UnreachableStore())
    )
    core.accounts.register(RegisterCommand("ada@example.com", "Ada", PASSWORD, ip="192.0.2.1"))
    assert core.sessions.login(LoginCommand("ada@example.com", PASSWORD, None, "192.0.2.1"))


def wrong_current_password(core: CoreUnderTest, caller: Caller) -> Exception:
    with pytest.raises((WrongPassword, Throttled)) as caught:
        core.accounts.change_password(
            caller, ChangePasswordCommand("not my password", "brand new passphrase", "203.0.113.9")
        )
    return caught.value


def test_s11_guesses_at_the_current_password_count_on_the_accounts_throttle(
    core: CoreUnderTest,
) -> None:
    """A stolen access token is no way around the login throttle."""
    core.register()
    caller = core.caller(core.login())
    results = [wrong_current_password(core, caller) for _ in range(10)]
    assert all(isinstance(r, WrongPassword) for r in results)
    verifications = core.hasher.verifications
    throttled = wrong_current_password(core, caller)
    assert isinstance(throttled, Throttled)
    assert core.hasher.verifications == verifications  # refused before the hash
    with pytest.raises(Throttled):  # and the login shares the count
        core.login()
    assert core.events.names.count("password_check_failed") == 10
    assert core.events.published[-1] == AttemptThrottled(scope="account", action="login")


def test_s11_a_right_current_password_resets_the_accounts_count(core: CoreUnderTest) -> None:
    core.register()
    caller = core.caller(core.login())
    for _ in range(9):
        wrong_current_password(core, caller)
    core.accounts.change_password(caller, ChangePasswordCommand(PASSWORD, "brand new passphrase"))
    for _ in range(10):
        assert isinstance(failed_login(core), InvalidCredentials)


def test_s11_current_password_checks_count_on_the_address_limit() -> None:
    core = make_core(address_attempts=InMemoryAttemptCounter(limit=3, window_seconds=60))
    core.register()
    caller = core.caller(core.login())  # the login's ip is 127.0.0.1, the guesses' another
    outcomes = [wrong_current_password(core, caller) for _ in range(4)]
    assert [type(o) for o in outcomes] == [WrongPassword] * 3 + [Throttled]
    assert core.events.published[-1] == AttemptThrottled(scope="address", action="password_change")
