"""The stored audit trail held to one contract on every adapter: in memory,
and SQLAlchemy on each database. An event is stored in its change's
transaction or not at all (S53)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from uuid import UUID

import pytest

from application.audit.store import StoreAuditEvents
from application.ports import UnitOfWork
from domain.audit import AuditEvent, AuditQuery
from domain.errors import StorageUnavailable
from domain.events import Event, LoginFailed, UserRegistered
from domain.mail import ResetRequest
from domain.origin import Origin
from tests.support.contract import NOW, UowFactory, ids, make_user
from tests.support.fakes import FakeClock

ORIGIN = Origin(ip="2001:db8::1", user_agent="Firefox", request_id="r-1")


def event(
    kind: str = "login_succeeded",
    user_id: UUID | None = None,
    at: timedelta = timedelta(0),
    data: dict | None = None,
) -> AuditEvent:
    return AuditEvent(
        id=ids.new_id(),
        type=kind,
        occurred_at=NOW + at,
        user_id=user_id,
        actor_id=user_id,
        session_id=ids.new_id(),
        ip="203.0.113.9",
        user_agent="Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Firefox/133.0",
        request_id="3f2c",
        data=data if data is not None else {},
    )


def added(uow: UowFactory, *events: AuditEvent) -> None:
    with uow() as work:
        work.audit.add(events)
        work.commit()


def test_an_event_is_kept_as_given_data_and_all(uow: UowFactory) -> None:
    kept = event(data={"reason": "wrong_password", "fields": ["name", "role"], "n": 3, "x": None})
    bare = AuditEvent(ids.new_id(), "attempt_throttled", NOW, *[None] * 6, data={})
    added(uow, kept, bare)
    with uow(read_only=True) as work:
        assert work.audit.newest(AuditQuery(), 10) == [bare, kept]


def test_newest_first_by_keyset_and_by_filter(uow: UowFactory) -> None:
    ada, bob = ids.new_id(), ids.new_id()
    events = [
        event("login_succeeded", ada, timedelta(minutes=0)),
        event("login_failed", bob, timedelta(minutes=1)),
        event("login_succeeded", bob, timedelta(minutes=2)),
        event("password_changed", ada, timedelta(minutes=3)),
        event("login_succeeded", ada, timedelta(minutes=4)),
    ]
    added(uow, *events)
    newest_first = events[::-1]

    def found(query: AuditQuery, limit: int = 10, before: UUID | None = None) -> list[AuditEvent]:
        with uow(read_only=True) as work:
            return work.audit.newest(query, limit, before)

    assert found(AuditQuery(), 2) == newest_first[:2]
    assert found(AuditQuery(), 10, newest_first[1].id) == newest_first[2:]
    assert found(AuditQuery(user_id=ada)) == [events[4], events[3], events[0]]
    assert found(AuditQuery(user_id=ada), 1, events[4].id) == [events[3]]
    assert found(AuditQuery(type="login_succeeded")) == [events[4], events[2], events[0]]
    assert found(AuditQuery(user_id=bob, type="login_succeeded")) == [events[2]]
    minute = timedelta(minutes=1)
    assert found(AuditQuery(since=NOW + 3 * minute)) == [events[4], events[3]]
    assert found(AuditQuery(until=NOW + minute)) == [events[0]]
    assert found(AuditQuery(since=NOW + minute, until=NOW + 3 * minute)) == [events[2], events[1]]


def test_origins_of_one_accounts_events_of_some_types_newest_first(uow: UowFactory) -> None:
    ada, bob = ids.new_id(), ids.new_id()
    events = [
        event("user_registered", ada, timedelta(days=0)),
        event("login_failed", ada, timedelta(days=1)),
        event("login_succeeded", bob, timedelta(days=2)),
        event("login_succeeded", ada, timedelta(days=3)),
        event("login_succeeded", ada, timedelta(days=4)),
    ]
    added(uow, *events)
    kinds = ("login_succeeded", "user_registered")

    def origins(since: timedelta | None, limit: int, before: UUID | None = None) -> list[UUID]:
        with uow(read_only=True) as work:
            found = work.audit.origins(
                ada, kinds, None if since is None else NOW + since, limit, before
            )
        assert {(o.user_agent, o.ip) for o in found} <= {(events[0].user_agent, "203.0.113.9")}
        return [origin.id for origin in found]

    assert origins(None, 10) == [events[4].id, events[3].id, events[0].id]
    assert origins(timedelta(days=3), 10) == [events[4].id, events[3].id]
    assert origins(None, 1) == [events[4].id]
    assert origins(None, 10, events[4].id) == [events[3].id, events[0].id]
    assert origins(timedelta(days=1), 10, events[3].id) == []


def test_oldest_first_for_an_export_and_purged_by_time_in_batches(uow: UowFactory) -> None:
    events = [event(at=timedelta(days=day)) for day in range(5)]
    added(uow, *events)
    with uow(read_only=True) as work:
        assert work.audit.oldest(2) == events[:2]
        assert work.audit.oldest(10, events[1].id) == events[2:]
        assert work.audit.oldest(10, None, NOW + timedelta(days=3)) == events[3:]
    with uow() as work:
        assert work.audit.delete_before(NOW + timedelta(days=3), 2) == 2
        assert work.audit.delete_before(NOW + timedelta(days=3), 2) == 1
        assert work.audit.delete_before(NOW + timedelta(days=3), 2) == 0
        work.commit()
    with uow(read_only=True) as work:
        assert work.audit.oldest(10) == events[3:]


def store() -> StoreAuditEvents:
    clock = FakeClock()
    clock.current = NOW
    return StoreAuditEvents(ids, clock, lambda: ORIGIN)


def test_the_writer_stores_events_with_the_change_and_never_without_it(uow: UowFactory) -> None:
    ada = make_user()
    with uow(writers=[store()]) as work:
        work.users.add(ada)
        work.record(UserRegistered(user_id=ada.id))
        work.record(LoginFailed(user_id=None, reason="unknown_email"))
        work.commit()
    with uow(read_only=True) as work:
        assert work.users.get(ada.id) is not None
        stored = work.audit.newest(AuditQuery(), 10)
    assert [(e.type, e.user_id, e.ip, e.request_id) for e in stored] == [
        ("login_failed", None, "2001:db8::1", "r-1"),
        ("user_registered", ada.id, "2001:db8::1", "r-1"),
    ]

    def refuse(_work: UnitOfWork, _events: Sequence[Event]) -> None:
        raise StorageUnavailable()

    bob = make_user("bob@example.com")
    with uow(writers=[store(), refuse]) as work:  # fails after the events' first write
        work.users.add(bob)
        work.record(UserRegistered(user_id=bob.id))
        with pytest.raises(StorageUnavailable):
            work.commit()
    with uow(writers=[store()]) as work:  # left without commit
        work.record(UserRegistered(user_id=bob.id))
    with uow(read_only=True) as work:
        assert work.users.get(bob.id) is None
        assert work.audit.newest(AuditQuery(user_id=bob.id), 10) == []


def test_a_reset_request_keeps_where_it_was_asked_from(uow: UowFactory) -> None:
    asked = ResetRequest(ids.new_id(), "ada@example.com", NOW, ORIGIN)
    with uow() as work:
        work.reset_requests.add(asked)
        work.commit()
    with uow() as work:
        assert work.reset_requests.claim(10) == [asked]
