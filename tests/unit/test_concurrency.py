"""Lost races: optimistic locking retries, and a logout that beats a refresh."""

from __future__ import annotations

import pytest

from adapters.persistence.memory import InMemorySessionRepository, InMemoryUserRepository
from application.accounts.users import UpdateUserCommand
from application.retry import retry_on_conflict
from application.sessions.refresh import RefreshCommand
from domain.errors import ConcurrentUpdate, InvalidRefreshToken
from domain.users import User
from tests.support.core import CoreUnderTest


def test_retry_on_conflict_runs_again_and_gives_up_after_three() -> None:
    calls: list[int] = []

    def lose_twice() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise ConcurrentUpdate()
        return "won"

    assert retry_on_conflict(lose_twice) == "won"

    def always_lose() -> str:
        raise ConcurrentUpdate()

    with pytest.raises(ConcurrentUpdate):
        retry_on_conflict(always_lose)


@pytest.mark.parametrize("losses", [1, 2])
def test_an_update_that_loses_a_race_is_retried(
    core: CoreUnderTest, monkeypatch: pytest.MonkeyPatch, losses: int
) -> None:
    user = core.register()
    caller = core.caller(core.login())
    real_update = InMemoryUserRepository.update
    attempts: list[int] = []

    def lose_first(self: InMemoryUserRepository, target: User) -> None:
        attempts.append(1)
        if len(attempts) <= losses:
            raise ConcurrentUpdate()
        real_update(self, target)

    monkeypatch.setattr(InMemoryUserRepository, "update", lose_first)
    updated = core.accounts.update_user(caller, UpdateUserCommand(user.id, name="Countess"))
    assert updated.name == "Countess"
    assert len(attempts) == losses + 1


def test_an_update_that_keeps_losing_is_a_conflict(
    core: CoreUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = core.register()
    caller = core.caller(core.login())

    def always_lose(*_: object) -> None:
        raise ConcurrentUpdate()

    monkeypatch.setattr(InMemoryUserRepository, "update", always_lose)
    with pytest.raises(ConcurrentUpdate):
        core.accounts.update_user(caller, UpdateUserCommand(user.id, name="Countess"))
    assert core.db.users[user.id].name == "Ada Lovelace"


def test_a_refresh_that_loses_to_a_logout_gets_no_successor(
    core: CoreUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    core.register()
    tokens = core.login()
    monkeypatch.setattr(InMemorySessionRepository, "update", lambda *_: False)
    with pytest.raises(InvalidRefreshToken):
        core.sessions.refresh(RefreshCommand(tokens.refresh_token))
    monkeypatch.undo()
    # the failed attempt rolled back: the token was not spent
    assert core.sessions.refresh(RefreshCommand(tokens.refresh_token))
