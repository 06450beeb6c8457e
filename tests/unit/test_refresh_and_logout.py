from __future__ import annotations

import contextlib
import threading

import pytest

from adapters.persistence.memory import InMemorySessionRepository
from application.sessions.refresh import RefreshCommand
from application.sessions.tokens import TokenPair
from domain.errors import InvalidRefreshToken, InvalidToken
from tests.support.core import CoreUnderTest


def refresh(core: CoreUnderTest, token: str, user_agent: str | None = None) -> TokenPair:
    return core.sessions.refresh(RefreshCommand(token, user_agent, "10.0.0.2"))


def test_s23_refresh_rotates_and_the_old_token_dies(core: CoreUnderTest) -> None:
    core.register()
    first = core.login()
    core.clock.advance(minutes=1)
    second = refresh(core, first.refresh_token, "new agent")
    assert second.refresh_token != first.refresh_token
    assert core.caller(second).session_id == core.caller(first).session_id
    (session,) = core.db.sessions.values()
    assert session.last_used_at == core.clock.now()
    assert (session.user_agent, session.ip) == ("new agent", "10.0.0.2")
    third = refresh(core, second.refresh_token)
    assert third.refresh_token not in {first.refresh_token, second.refresh_token}


def test_s22_refresh_tokens_are_stored_only_as_hashes(core: CoreUnderTest) -> None:
    core.register()
    tokens = core.login()
    (stored,) = core.db.refresh_tokens.values()
    assert tokens.refresh_token not in stored.token_hash
    assert len(tokens.refresh_token) >= 43  # 256 bits in base64url


def test_s24_reuse_of_a_rotated_token_revokes_the_whole_session(core: CoreUnderTest) -> None:
    core.register()
    first = core.login()
    second = refresh(core, first.refresh_token)
    with pytest.raises(InvalidRefreshToken):
        refresh(core, first.refresh_token)
    with pytest.raises(InvalidRefreshToken):
        refresh(core, second.refresh_token)  # the successor died with the session
    with pytest.raises(InvalidToken):
        core.caller(second)


def test_s26_losing_the_compare_and_set_counts_as_reuse(
    core: CoreUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another request used the token between this one's read and its write."""
    core.register()
    tokens = core.login()
    monkeypatch.setattr(InMemorySessionRepository, "use_refresh_token", lambda *_: False)
    with pytest.raises(InvalidRefreshToken):
        refresh(core, tokens.refresh_token)
    (session,) = core.db.sessions.values()
    assert session.revoked_at is not None


def test_s26_simultaneous_refreshes_yield_at_most_one_successor(core: CoreUnderTest) -> None:
    core.register()
    tokens = core.login()
    barrier = threading.Barrier(8)
    successors: list[TokenPair] = []

    def attempt() -> None:
        barrier.wait()
        with contextlib.suppress(InvalidRefreshToken):
            successors.append(refresh(core, tokens.refresh_token))

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(successors) <= 1
    valid = 0
    for pair in successors:
        with contextlib.suppress(InvalidToken):
            core.caller(pair)
            valid += 1
    assert valid <= 1


def test_unknown_refresh_token_is_refused(core: CoreUnderTest) -> None:
    with pytest.raises(InvalidRefreshToken):
        refresh(core, "no-such-token")


def test_refresh_token_expires_after_its_idle_lifetime(core: CoreUnderTest) -> None:
    core.register()
    tokens = core.login()
    core.clock.advance(days=30)
    with pytest.raises(InvalidRefreshToken):
        refresh(core, tokens.refresh_token)


def test_s25_session_has_an_absolute_lifetime(core: CoreUnderTest) -> None:
    core.register()
    tokens = core.login()
    for _ in range(3):  # refreshing every 29 days keeps it alive ...
        core.clock.advance(days=29)
        tokens = refresh(core, tokens.refresh_token)
    core.clock.advance(days=4)  # ... but never past 90 days from login
    with pytest.raises(InvalidRefreshToken):
        refresh(core, tokens.refresh_token)


def test_refresh_fails_for_an_inactive_or_deleted_user(core: CoreUnderTest) -> None:
    user = core.register()
    tokens = core.login()
    core.db.users[user.id].is_active = False
    with pytest.raises(InvalidRefreshToken):
        refresh(core, tokens.refresh_token)


def test_refresh_fails_after_logout(core: CoreUnderTest) -> None:
    core.register()
    tokens = core.login()
    core.sessions.logout(core.caller(tokens))
    with pytest.raises(InvalidRefreshToken):
        refresh(core, tokens.refresh_token)


def test_s20_logout_ends_only_the_bearers_session(core: CoreUnderTest) -> None:
    core.register()
    phone, laptop = core.login(), core.login()
    core.sessions.logout(core.caller(phone))
    with pytest.raises(InvalidToken):
        core.caller(phone)
    assert core.caller(laptop)


def test_logout_with_a_refresh_token_also_ends_that_session(core: CoreUnderTest) -> None:
    core.register()
    phone, laptop = core.login(), core.login()
    core.sessions.logout(core.caller(phone), laptop.refresh_token)
    with pytest.raises(InvalidToken):
        core.caller(laptop)


def test_logout_ignores_a_refresh_token_of_another_user(core: CoreUnderTest) -> None:
    core.register()
    core.register("bob@example.com")
    ada, bob = core.login(), core.login("bob@example.com")
    core.sessions.logout(core.caller(ada), bob.refresh_token)
    assert core.caller(bob)
    core.sessions.logout(core.caller(bob), "unknown-token")


def test_s20_logout_all_ends_every_session(core: CoreUnderTest) -> None:
    core.register()
    phone, laptop = core.login(), core.login()
    core.sessions.logout_all(core.caller(phone))
    for tokens in (phone, laptop):
        with pytest.raises(InvalidToken):
            core.caller(tokens)
        with pytest.raises(InvalidRefreshToken):
            refresh(core, tokens.refresh_token)
