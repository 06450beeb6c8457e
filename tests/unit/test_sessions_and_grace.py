from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from application.sessions.login import LoginCommand
from application.sessions.refresh import RefreshCommand
from application.sessions.tokens import SessionLifetimes
from domain.errors import InvalidRefreshToken, InvalidToken, SessionNotFound
from tests.support.core import PASSWORD, CoreUnderTest, make_core


def test_list_sessions_shows_the_active_ones_latest_first(core: CoreUnderTest) -> None:
    core.register()
    phone = core.sessions.login(LoginCommand("ada@example.com", PASSWORD, "Phone", "10.0.0.1"))
    core.clock.advance(minutes=1)
    laptop = core.sessions.login(LoginCommand("ada@example.com", PASSWORD, "Laptop", "10.0.0.2"))
    core.clock.advance(minutes=1)
    gone = core.login()
    core.sessions.logout(core.caller(gone))
    listed = core.sessions.list_sessions(core.caller(phone))
    assert [(s.user_agent, s.ip) for s in listed] == [("Laptop", "10.0.0.2"), ("Phone", "10.0.0.1")]
    assert core.caller(laptop).session_id == listed[0].id


def test_expired_sessions_are_not_listed(core: CoreUnderTest) -> None:
    core.register()
    core.login()  # ends 90 days from now
    core.clock.advance(days=89)
    fresh = core.login()
    core.clock.advance(days=2)
    assert [s.id for s in core.sessions.list_sessions(core.caller(fresh))] == [
        core.caller(fresh).session_id
    ]


def test_revoking_a_session_ends_its_tokens_only(core: CoreUnderTest) -> None:
    core.register()
    phone, laptop = core.login(), core.login()
    core.sessions.revoke_session(core.caller(phone), core.caller(laptop).session_id)
    with pytest.raises(InvalidToken):
        core.caller(laptop)
    with pytest.raises(InvalidRefreshToken):
        core.sessions.refresh(RefreshCommand(laptop.refresh_token))
    assert core.caller(phone)


def test_revoking_someone_elses_unknown_or_ended_session_is_not_found(core: CoreUnderTest) -> None:
    core.register()
    core.register("bob@example.com")
    ada, bob = core.login(), core.login("bob@example.com")
    ended = core.login()
    ada_actor = core.caller(ada)
    ended_id = core.caller(ended).session_id
    core.sessions.revoke_session(ada_actor, ended_id)
    for session_id in (core.caller(bob).session_id, uuid.uuid4(), ended_id):
        with pytest.raises(SessionNotFound):
            core.sessions.revoke_session(ada_actor, session_id)
    assert core.caller(bob)


@pytest.fixture
def graceful() -> CoreUnderTest:
    return make_core(lifetimes=SessionLifetimes(reuse_grace=timedelta(seconds=10)))


def test_within_the_grace_a_rotated_token_gets_the_same_successor(graceful: CoreUnderTest) -> None:
    graceful.register()
    first = graceful.login()
    successor = graceful.sessions.refresh(RefreshCommand(first.refresh_token))
    graceful.clock.advance(seconds=9)
    again = graceful.sessions.refresh(RefreshCommand(first.refresh_token))  # the other tab
    assert again.refresh_token == successor.refresh_token
    assert graceful.caller(again)
    assert graceful.sessions.refresh(RefreshCommand(successor.refresh_token))  # still valid


def test_s24_after_the_grace_reuse_revokes(graceful: CoreUnderTest) -> None:
    graceful.register()
    first = graceful.login()
    successor = graceful.sessions.refresh(RefreshCommand(first.refresh_token))
    graceful.clock.advance(seconds=11)
    with pytest.raises(InvalidRefreshToken):
        graceful.sessions.refresh(RefreshCommand(first.refresh_token))
    with pytest.raises(InvalidToken):
        graceful.caller(successor)


def test_s24_reuse_after_the_successor_was_used_revokes_even_within_the_grace(
    graceful: CoreUnderTest,
) -> None:
    graceful.register()
    first = graceful.login()
    second = graceful.sessions.refresh(RefreshCommand(first.refresh_token))
    third = graceful.sessions.refresh(RefreshCommand(second.refresh_token))
    with pytest.raises(InvalidRefreshToken):
        graceful.sessions.refresh(RefreshCommand(first.refresh_token))
    with pytest.raises(InvalidToken):
        graceful.caller(third)


def test_the_grace_does_not_revive_a_logged_out_session(graceful: CoreUnderTest) -> None:
    graceful.register()
    first = graceful.login()
    second = graceful.sessions.refresh(RefreshCommand(first.refresh_token))
    graceful.sessions.logout(graceful.caller(second))
    with pytest.raises(InvalidRefreshToken):
        graceful.sessions.refresh(RefreshCommand(first.refresh_token))


def test_strict_by_default_a_second_use_revokes(core: CoreUnderTest) -> None:
    core.register()
    first = core.login()
    core.sessions.refresh(RefreshCommand(first.refresh_token))
    with pytest.raises(InvalidRefreshToken):
        core.sessions.refresh(RefreshCommand(first.refresh_token))
