"""The repository contract: every persistence adapter must pass this module.

A new database earns its place by passing it (``tests/integration/databases.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import timedelta
from functools import partial
from pathlib import Path
from uuid import UUID

import pytest

from adapters.persistence.memory import InMemoryDatabase, InMemoryUnitOfWork
from adapters.persistence.sqlalchemy.engine import create_database_engine
from adapters.persistence.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from application.ports import Count
from domain.errors import ConcurrentUpdate, EmailTaken
from domain.events import Event, UserRegistered
from domain.sessions import RefreshToken, Session, SessionKind
from domain.users import Email, Role, User
from tests.support.contract import NOW, UowFactory, ids, make_user
from tests.support.servers import migrated_database


def make_session(user: User, **changes: object) -> Session:
    session = Session(
        id=ids.new_id(),
        user_id=user.id,
        created_at=NOW,
        last_used_at=NOW,
        expires_at=NOW + timedelta(days=90),
        user_agent="Mozilla/5.0 ☃",
        ip="2001:db8::1",
    )
    for name, value in changes.items():
        setattr(session, name, value)
    return session


class Recorder:
    """An in-transaction writer and an after-commit listener, for the event contract."""

    def __init__(self, fail: bool = False) -> None:
        self.written: list[Event] = []
        self.heard: list[Event] = []
        self.fail = fail

    def write(self, _transaction: object, events: Sequence[Event]) -> None:
        self.written.extend(events)
        if self.fail:
            raise RuntimeError("the event store refused")

    def publish(self, event: Event) -> None:
        self.heard.append(event)


@pytest.fixture(params=["memory", "sqlite"])
def recorded_uow(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[[Recorder], UowFactory]]:
    """A unit of work factory whose writers and listeners are a ``Recorder``."""
    if request.param == "memory":
        db = InMemoryDatabase()
        yield lambda r: partial(InMemoryUnitOfWork, db, writers=[r.write], listeners=[r])
        return
    with migrated_database("sqlite", tmp_path) as url:
        engine = create_database_engine(url)
        yield lambda r: partial(SqlAlchemyUnitOfWork, engine, writers=[r.write], listeners=[r])
        engine.dispose()


def test_recorded_events_are_written_then_heard_once_committed(
    recorded_uow: Callable[[Recorder], UowFactory],
) -> None:
    recorder = Recorder()
    uow = recorded_uow(recorder)
    user = make_user()
    with uow() as work:
        work.users.add(user)
        work.record(UserRegistered(user_id=user.id))
        assert recorder.written == recorder.heard == []
        work.commit()
        assert recorder.written == recorder.heard == [UserRegistered(user_id=user.id)]
        work.record(UserRegistered(user_id=user.id))  # a second commit sends only its own
        work.commit()
    assert len(recorder.heard) == 2


def test_a_unit_of_work_left_without_commit_delivers_nothing(
    recorded_uow: Callable[[Recorder], UowFactory],
) -> None:
    recorder = Recorder()
    uow = recorded_uow(recorder)
    with uow() as work:
        work.record(UserRegistered(user_id=UUID(int=1)))
    assert recorder.written == recorder.heard == []


def test_a_failing_writer_rolls_the_change_back_and_nothing_is_heard(
    recorded_uow: Callable[[Recorder], UowFactory],
) -> None:
    recorder = Recorder(fail=True)
    uow = recorded_uow(recorder)
    user = make_user()
    with uow() as work:
        work.users.add(user)
        work.record(UserRegistered(user_id=user.id))
        with pytest.raises(RuntimeError, match="refused"):
            work.commit()
    assert recorder.heard == []
    with uow(read_only=True) as work:
        assert work.users.get(user.id) is None
        with pytest.raises(RuntimeError, match="read-only"):
            work.record(UserRegistered(user_id=user.id))


def save(uow: UowFactory, *users: User) -> None:
    with uow() as work:
        for user in users:
            work.users.add(user)
        work.commit()


def test_a_user_round_trips_exactly(uow: UowFactory) -> None:
    user = make_user()
    save(uow, user)
    with uow() as work:
        assert work.users.get(user.id) == user
        assert work.users.by_email(Email.parse("ADA@example.com")) == user
        assert work.users.get(UUID(int=1)) is None
        assert work.users.by_email(Email.parse("nobody@example.com")) is None


def test_timestamps_come_back_aware_in_utc_with_microseconds(uow: UowFactory) -> None:
    user = make_user()
    save(uow, user)
    with uow() as work:
        loaded = work.users.get(user.id)
    assert loaded is not None
    assert loaded.created_at == NOW
    assert loaded.created_at.utcoffset() == timedelta(0)


def test_adding_a_taken_email_raises_email_taken(uow: UowFactory) -> None:
    save(uow, make_user())
    with pytest.raises(EmailTaken), uow() as work:
        work.users.add(make_user())


def test_updating_to_a_taken_email_raises_email_taken(uow: UowFactory) -> None:
    ada, bob = make_user(), make_user("bob@example.com")
    save(uow, ada, bob)
    bob.email = ada.email
    with pytest.raises(EmailTaken), uow() as work:
        work.users.update(bob)


def test_updates_are_stored_and_free_the_old_email(uow: UowFactory) -> None:
    user = make_user()
    save(uow, user)
    user.email, user.name, user.role, user.is_active = (
        Email.parse("countess@example.com"),
        "Countess",
        Role.ADMIN,
        False,
    )
    user.updated_at = NOW + timedelta(hours=1)
    with uow() as work:
        work.users.update(user)
        work.commit()
    assert user.version == 2  # the stored change bumped it
    save(uow, make_user())  # ada@ is free again
    with uow() as work:
        assert work.users.get(user.id) == user


def test_leaving_without_commit_rolls_back(uow: UowFactory) -> None:
    user = make_user()
    with uow() as work:
        work.users.add(user)
    with uow() as work:
        assert work.users.get(user.id) is None


def test_an_error_inside_the_unit_rolls_back(uow: UowFactory) -> None:
    def fail_half_way() -> None:
        with uow() as work:
            work.users.add(make_user())
            raise RuntimeError("half way")

    with pytest.raises(RuntimeError):
        fail_half_way()
    with uow() as work:
        assert work.users.count() == Count(0)


def test_entities_read_are_copies(uow: UowFactory) -> None:
    user = make_user()
    save(uow, user)
    with uow() as work:
        loaded = work.users.get(user.id)
        assert loaded is not None
        loaded.name = "changed but not saved"
        work.commit()
    with uow() as work:
        again = work.users.get(user.id)
        assert again is not None
        assert again.name == "Ada Lovelace"


def test_list_page_is_in_id_order_with_offset_limit_and_keyset(uow: UowFactory) -> None:
    created = [make_user(f"user{n}@example.com") for n in range(7)]
    save(uow, *reversed(created))
    with uow() as work:
        assert work.users.count() == Count(7)
        assert [u.id for u in work.users.list_page(0, 3)] == [u.id for u in created[:3]]
        assert [u.id for u in work.users.list_page(3, 3)] == [u.id for u in created[3:6]]
        assert [u.id for u in work.users.list_page(6, 3)] == [created[6].id]
        assert work.users.list_page(7, 3) == []
        after = created[2].id  # a keyset: what follows that user, no offset walked
        assert [u.id for u in work.users.list_page(0, 3, "", after)] == [u.id for u in created[3:6]]
        assert [u.id for u in work.users.list_page(0, 9, "user6", after)] == [created[6].id]


def test_count_active_admins(uow: UowFactory) -> None:
    inactive = make_user("b@example.com", Role.ADMIN)
    inactive.is_active = False
    save(uow, make_user("a@example.com", Role.ADMIN), inactive, make_user("c@example.com"))
    with uow() as work:
        assert work.users.count_active_admins() == 1


def test_sessions_round_trip_a_use_and_a_revocation(uow: UowFactory) -> None:
    user = make_user()
    save(uow, user)
    session = make_session(user)
    with uow() as work:
        work.sessions.add(session)
        work.commit()
    later = NOW + timedelta(minutes=5)
    with uow() as work:
        assert work.sessions.get(session.id) == session
        assert work.sessions.get(UUID(int=2)) is None
        session.touch(later, "curl/8", "192.0.2.1")
        assert work.sessions.update(session)
        work.commit()
    with uow() as work:
        touched = work.sessions.get(session.id)
        assert touched is not None
        assert (touched.last_used_at, touched.user_agent, touched.ip) == (
            later,
            "curl/8",
            "192.0.2.1",
        )
        assert touched.revoke(later)
        assert work.sessions.update(touched)
        stale = work.sessions.get(session.id)
        assert stale is not None
        assert not stale.revoke(later + timedelta(days=1))  # the first revocation stays
        session.touch(later + timedelta(days=1), None, None)
        assert not work.sessions.update(session)  # a revoked session is never written again
        work.commit()
    with uow() as work:
        revoked = work.sessions.get(session.id)
        assert revoked is not None
        assert revoked.revoked_at == later


def test_a_session_comes_with_its_user_in_one_read(uow: UowFactory) -> None:
    user = make_user()
    save(uow, user)
    session = make_session(user)
    with uow() as work:
        work.sessions.add(session)
        work.commit()
    with uow(read_only=True) as work:
        assert work.sessions.get_with_user(session.id) == (session, user)
        assert work.sessions.get_with_user(UUID(int=3)) is None


def test_an_update_from_a_stale_read_is_refused(uow: UowFactory) -> None:
    user = make_user()
    save(uow, user)
    with uow() as work:
        first, second = work.users.get(user.id), work.users.get(user.id)
    assert first is not None
    assert second is not None
    first.name = "First"
    with uow() as work:
        work.users.update(first)
        work.commit()
    assert first.version == user.version + 1
    second.name = "Second, from a stale read"
    with pytest.raises(ConcurrentUpdate), uow() as work:
        work.users.update(second)
    with uow() as work:
        stored = work.users.get(user.id)
    assert stored is not None
    assert (stored.name, stored.version) == ("First", user.version + 1)


def test_list_active_leaves_out_revoked_expired_and_other_users(uow: UowFactory) -> None:
    ada, bob = make_user(), make_user("bob@example.com")
    save(uow, ada, bob)
    active = make_session(ada)
    revoked = make_session(ada, revoked_at=NOW)
    expired = make_session(ada, expires_at=NOW - timedelta(seconds=1))
    with uow() as work:
        for session in (active, revoked, expired, make_session(bob)):
            work.sessions.add(session)
        work.commit()
    with uow() as work:
        assert work.sessions.list_active(ada.id, NOW) == [active]


def test_revoke_all_spares_the_kept_session_and_other_users(uow: UowFactory) -> None:
    ada, bob = make_user(), make_user("bob@example.com")
    save(uow, ada, bob)
    kept, gone, bobs = make_session(ada), make_session(ada), make_session(bob)
    already = make_session(ada, revoked_at=NOW)
    later = NOW + timedelta(hours=1)
    with uow() as work:
        for session in (kept, gone, bobs, already):
            work.sessions.add(session)
        work.sessions.revoke_all(ada.id, later, keep=kept.id)
        work.commit()
    with uow() as work:
        revoked = {
            s.id: s.revoked_at
            for s in (work.sessions.get(x.id) for x in (kept, gone, bobs, already))
            if s
        }
    assert revoked == {kept.id: None, gone.id: later, bobs.id: None, already.id: NOW}


def test_refresh_tokens_are_found_by_hash_and_used_once(uow: UowFactory) -> None:
    user = make_user()
    save(uow, user)
    session = make_session(user)
    token = RefreshToken("a" * 64, session.id, NOW, NOW + timedelta(days=30))
    with uow() as work:
        work.sessions.add(session)
        work.sessions.add_refresh_token(token)
        work.commit()
    with uow() as work:
        assert work.sessions.find_refresh_token("a" * 64) == token
        assert work.sessions.find_refresh_token("b" * 64) is None
        assert work.sessions.use_refresh_token("a" * 64, NOW + timedelta(minutes=1))
        assert not work.sessions.use_refresh_token("a" * 64, NOW + timedelta(minutes=2))
        assert not work.sessions.use_refresh_token("b" * 64, NOW)
        work.commit()
    with uow() as work:
        used = work.sessions.find_refresh_token("a" * 64)
    assert used is not None
    assert used.used_at == NOW + timedelta(minutes=1)


def test_deleting_a_user_removes_their_sessions_and_tokens(uow: UowFactory) -> None:
    ada, bob = make_user(), make_user("bob@example.com")
    save(uow, ada, bob)
    ada_session, bob_session = make_session(ada), make_session(bob)
    with uow() as work:
        work.sessions.add(ada_session)
        work.sessions.add(bob_session)
        work.sessions.add_refresh_token(RefreshToken("a" * 64, ada_session.id, NOW, NOW))
        work.sessions.add_refresh_token(RefreshToken("b" * 64, bob_session.id, NOW, NOW))
        work.commit()
    with uow() as work:
        work.users.delete(ada.id)
        work.commit()
    with uow() as work:
        assert work.users.get(ada.id) is None
        assert work.users.by_email(ada.email) is None
        assert work.sessions.get(ada_session.id) is None
        assert work.sessions.find_refresh_token("a" * 64) is None
        assert work.sessions.get(bob_session.id) == bob_session
        assert work.sessions.find_refresh_token("b" * 64) is not None


def test_a_read_only_unit_reads_what_is_committed(uow: UowFactory) -> None:
    user = make_user()
    save(uow, user)
    with uow(read_only=True) as work:
        assert work.users.get(user.id) == user


def test_ended_sessions_are_deleted_with_their_tokens_at_most_limit_at_a_time(
    uow: UowFactory,
) -> None:
    user = make_user()
    save(uow, user)
    day = timedelta(days=1)
    ended = [
        make_session(user, revoked_at=NOW - 3 * day),
        make_session(user, revoked_at=NOW - 2 * day),
        make_session(user, expires_at=NOW - day),
    ]
    kept = [
        make_session(user),  # active
        make_session(user, revoked_at=NOW),  # ended, but not before the moment
        make_session(user, expires_at=NOW),
    ]
    with uow() as work:
        for session in ended + kept:
            work.sessions.add(session)
            work.sessions.add_refresh_token(
                RefreshToken(f"{session.id.hex:0>64}", session.id, NOW - 4 * day, NOW + day)
            )
        work.commit()
    with uow() as work:
        assert work.sessions.delete_ended(NOW, limit=2) == 2
        assert work.sessions.delete_ended(NOW, limit=2) == 1
        assert work.sessions.delete_ended(NOW, limit=2) == 0
        work.commit()
    with uow() as work:
        for session in ended:
            assert work.sessions.get(session.id) is None
            assert work.sessions.find_refresh_token(f"{session.id.hex:0>64}") is None
        for session in kept:
            assert work.sessions.get(session.id) == session
            assert work.sessions.find_refresh_token(f"{session.id.hex:0>64}") is not None


def test_a_browser_session_is_found_by_its_token_hash_with_its_user(uow: UowFactory) -> None:
    user = make_user()
    save(uow, user)
    browser = make_session(
        user,
        kind=SessionKind.BROWSER,
        token_hash="b" * 64,
        idle_timeout=timedelta(hours=1),
    )
    with uow() as work:
        work.sessions.add(browser)
        work.sessions.add(make_session(user))
        work.commit()
    with uow(read_only=True) as work:
        assert work.sessions.browser_session_with_user("b" * 64) == (browser, user)
        assert work.sessions.browser_session_with_user("c" * 64) is None
        assert work.sessions.get(browser.id) == browser


def test_list_active_leaves_out_a_browser_session_past_its_idle_limit(uow: UowFactory) -> None:
    user = make_user()
    save(uow, user)
    idle = make_session(user, kind=SessionKind.BROWSER, token_hash="d" * 64)
    idle.idle_timeout = timedelta(minutes=30)
    fresh = make_session(
        user, last_used_at=NOW - timedelta(minutes=29), idle_timeout=idle.idle_timeout
    )
    idle.last_used_at = NOW - timedelta(minutes=30)
    with uow() as work:
        work.sessions.add(idle)
        work.sessions.add(fresh)
        work.commit()
    with uow() as work:
        assert work.sessions.list_active(user.id, NOW) == [fresh]


def test_users_are_listed_and_counted_by_an_email_prefix_taken_literally(
    uow: UowFactory,
) -> None:
    emails = ["ada@example.com", "adam@example.com", "a_b@example.com", "axb@example.com"]
    created = [make_user(email) for email in emails]
    save(uow, *created)
    with uow() as work:
        assert [u.email.value for u in work.users.list_page(0, 10, "ada")] == emails[:2]
        assert work.users.count("ada") == Count(2)
        assert [u.email.value for u in work.users.list_page(1, 10, "ada")] == ["adam@example.com"]
        assert [u.email.value for u in work.users.list_page(0, 10, "a_")] == ["a_b@example.com"]
        assert work.users.count("a%") == Count(0)
        assert work.users.count("") == Count(4)
