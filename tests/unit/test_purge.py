"""Purging ended sessions: what goes, what stays."""

from __future__ import annotations

from datetime import timedelta

from application.sessions.refresh import RefreshCommand
from tests.support.core import CoreUnderTest


def test_sessions_that_ended_long_ago_go_with_their_tokens_and_the_rest_stay(
    core: CoreUnderTest,
) -> None:
    core.register()
    revoked_long_ago = core.caller(core.login())
    core.sessions.logout(revoked_long_ago)
    expiring = core.caller(core.login())  # its 90 days end on day 90
    core.clock.advance(days=89)
    live = core.caller(core.login())
    core.clock.advance(days=31)  # day 120
    revoked_lately = core.caller(core.login())
    core.sessions.logout(revoked_lately)

    assert core.sessions.purge_ended(timedelta(days=30)) == 1  # ended before day 90
    assert revoked_long_ago.session_id not in core.db.sessions
    assert set(core.db.sessions) == {
        expiring.session_id,
        live.session_id,
        revoked_lately.session_id,
    }
    assert {t.session_id for t in core.db.refresh_tokens.values()} == set(core.db.sessions)
    core.clock.advance(days=1)
    assert core.sessions.purge_ended(timedelta(days=30)) == 1  # ended on day 90: now 31 days
    assert set(core.db.sessions) == {live.session_id, revoked_lately.session_id}
    assert core.sessions.authenticate(core.login().access_token)  # the account is untouched


def test_purging_goes_in_batches_until_nothing_is_left(core: CoreUnderTest) -> None:
    core.register()
    for _ in range(7):
        core.sessions.logout(core.caller(core.login()))
    core.clock.advance(days=1)
    assert core.sessions.purge_ended(timedelta(0), batch=3) == 7
    assert core.db.sessions == {}
    assert core.db.refresh_tokens == {}


def test_a_purge_with_nothing_ended_deletes_nothing(core: CoreUnderTest) -> None:
    core.register()
    tokens = core.login()
    assert core.sessions.purge_ended(timedelta(0)) == 0
    assert core.sessions.refresh(RefreshCommand(tokens.refresh_token))
