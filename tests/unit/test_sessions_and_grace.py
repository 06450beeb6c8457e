from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from application.use_cases.login import LoginCommand
from application.use_cases.refresh import RefreshCommand
from application.use_cases.tokens import SessionLifetimes
from domain.errors import InvalidRefreshToken, InvalidToken, SessionNotFound
from tests.unit.conftest import PASSWORD, Core, make_core


def test_list_sessions_shows_the_active_ones_latest_first(core: Core) -> None:
    core.register()
    phone = core.accounts.login(LoginCommand("ada@example.com", PASSWORD, "Phone", "10.0.0.1"))
    core.clock.advance(minutes=1)
    laptop = core.accounts.login(LoginCommand("ada@example.com", PASSWORD, "Laptop", "10.0.0.2"))
    core.clock.advance(minutes=1)
    gone = core.login()
    core.accounts.logout(core.actor(gone))
    listed = core.accounts.list_sessions(core.actor(phone))
    assert [(s.user_agent, s.ip) for s in listed] == [("Laptop", "10.0.0.2"), ("Phone", "10.0.0.1")]
    assert core.actor(laptop).session_id == listed[0].id


def test_expired_sessions_are_not_listed(core: Core) -> None:
    core.register()
    core.login()  # ends 90 days from now
    core.clock.advance(days=89)
    fresh = core.login()
    core.clock.advance(days=2)
    assert [s.id for s in core.accounts.list_sessions(core.actor(fresh))] == [
        core.actor(fresh).session_id
    ]


def test_revoking_a_session_ends_its_tokens_only(core: Core) -> None:
    core.register()
    phone, laptop = core.login(), core.login()
    core.accounts.revoke_session(core.actor(phone), core.actor(laptop).session_id)
    with pytest.raises(InvalidToken):
        core.actor(laptop)
    with pytest.raises(InvalidRefreshToken):
        core.accounts.refresh(RefreshCommand(laptop.refresh_token))
    assert core.actor(phone)


def test_revoking_someone_elses_unknown_or_ended_session_is_not_found(core: Core) -> None:
    core.register()
    core.register("bob@example.com")
    ada, bob = core.login(), core.login("bob@example.com")
    ended = core.login()
    ada_actor = core.actor(ada)
    ended_id = core.actor(ended).session_id
    core.accounts.revoke_session(ada_actor, ended_id)
    for session_id in (core.actor(bob).session_id, uuid.uuid4(), ended_id):
        with pytest.raises(SessionNotFound):
            core.accounts.revoke_session(ada_actor, session_id)
    assert core.actor(bob)


@pytest.fixture
def graceful() -> Core:
    return make_core(lifetimes=SessionLifetimes(reuse_grace=timedelta(seconds=10)))


def test_within_the_grace_a_rotated_token_gets_the_same_successor(graceful: Core) -> None:
    graceful.register()
    first = graceful.login()
    successor = graceful.accounts.refresh(RefreshCommand(first.refresh_token))
    graceful.clock.advance(seconds=9)
    again = graceful.accounts.refresh(RefreshCommand(first.refresh_token))  # the other tab
    assert again.refresh_token == successor.refresh_token
    assert graceful.actor(again)
    assert graceful.accounts.refresh(RefreshCommand(successor.refresh_token))  # still valid


def test_s24_after_the_grace_reuse_revokes(graceful: Core) -> None:
    graceful.register()
    first = graceful.login()
    successor = graceful.accounts.refresh(RefreshCommand(first.refresh_token))
    graceful.clock.advance(seconds=11)
    with pytest.raises(InvalidRefreshToken):
        graceful.accounts.refresh(RefreshCommand(first.refresh_token))
    with pytest.raises(InvalidToken):
        graceful.actor(successor)


def test_s24_reuse_after_the_successor_was_used_revokes_even_within_the_grace(
    graceful: Core,
) -> None:
    graceful.register()
    first = graceful.login()
    second = graceful.accounts.refresh(RefreshCommand(first.refresh_token))
    third = graceful.accounts.refresh(RefreshCommand(second.refresh_token))
    with pytest.raises(InvalidRefreshToken):
        graceful.accounts.refresh(RefreshCommand(first.refresh_token))
    with pytest.raises(InvalidToken):
        graceful.actor(third)


def test_the_grace_does_not_revive_a_logged_out_session(graceful: Core) -> None:
    graceful.register()
    first = graceful.login()
    second = graceful.accounts.refresh(RefreshCommand(first.refresh_token))
    graceful.accounts.logout(graceful.actor(second))
    with pytest.raises(InvalidRefreshToken):
        graceful.accounts.refresh(RefreshCommand(first.refresh_token))


def test_strict_by_default_a_second_use_revokes(core: Core) -> None:
    core.register()
    first = core.login()
    core.accounts.refresh(RefreshCommand(first.refresh_token))
    with pytest.raises(InvalidRefreshToken):
        core.accounts.refresh(RefreshCommand(first.refresh_token))
