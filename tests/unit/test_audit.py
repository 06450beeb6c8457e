"""S53: the audit trail stored in the transaction of its change, read by an
admin and by the person it is about, purged and exported."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from application.accounts.password import ChangePasswordCommand
from application.accounts.users import UpdateUserCommand
from application.caller import Caller
from application.mail.reset import PasswordResetCommand
from application.sessions.login import LoginCommand
from domain.audit import AuditEvent, AuditQuery
from domain.errors import (
    Forbidden,
    InvalidCredentials,
    InvalidCursor,
    InvalidInput,
    MailNotDelivered,
)
from domain.events import UserUpdated
from domain.mail import ComposedMail, Mail, MailKind
from domain.origin import NO_ORIGIN, Origin
from domain.users import Role
from tests.support.core import PASSWORD, CoreUnderTest, make_core
from tests.support.fakes import PlainComposer

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def stored(core: CoreUnderTest) -> list[AuditEvent]:
    return sorted(core.db.audit_events.values(), key=lambda event: event.id)


def types(core: CoreUnderTest) -> list[str]:
    return [event.type for event in stored(core)]


@pytest.fixture
def admin(core: CoreUnderTest) -> Caller:
    core.register("root@example.com", role=Role.ADMIN)
    return core.caller(core.login("root@example.com"))


def test_s53_each_event_is_stored_with_its_origin_subject_and_actor(
    core: CoreUnderTest, admin: Caller
) -> None:
    core.origin.current = Origin(ip="203.0.113.9", user_agent=FIREFOX, request_id="req-1")
    ada = core.register()
    tokens = core.login()
    caller = core.caller(tokens)
    login = stored(core)[-1]
    assert (login.type, login.user_id, login.actor_id, login.session_id) == (
        "login_succeeded",
        ada.id,
        ada.id,  # a login proves who acts
        caller.session_id,
    )
    assert (login.ip, login.user_agent, login.request_id) == ("203.0.113.9", FIREFOX, "req-1")
    assert login.occurred_at == core.clock.now()

    core.origin.current = Origin(
        ip="198.51.100.7", actor_id=admin.user_id, session_id=admin.session_id
    )
    core.accounts.update_user(admin, UpdateUserCommand(ada.id, role=Role.ADMIN))
    changed = stored(core)[-1]
    assert (changed.type, changed.user_id, changed.actor_id, changed.session_id) == (
        "role_changed",
        ada.id,
        admin.user_id,
        admin.session_id,
    )
    assert changed.data == {"role": "admin"}
    assert stored(core)[-2].data == {"fields": ["role"]}


def test_s53_a_failed_login_is_stored_with_the_account_when_known_and_never_the_email(
    core: CoreUnderTest,
) -> None:
    ada = core.register()
    for email in ("my secret password", "ada@example.com"):
        with pytest.raises(InvalidCredentials):
            core.sessions.login(LoginCommand(email, "wrong password"))
    failures = [e for e in stored(core) if e.type == "login_failed"]
    assert [(e.user_id, e.data) for e in failures] == [
        (None, {"reason": "unknown_email"}),
        (ada.id, {"reason": "wrong_password"}),
    ]
    assert "secret" not in repr(stored(core))
    assert "wrong password" not in repr(stored(core))


def test_s53_what_the_store_leaves_to_the_log(core: CoreUnderTest) -> None:
    """A reset asked for an address of no account, and what became of each
    mail, are log lines and metrics, not any account's stored trail."""
    ada = core.register()
    core.origin.current = Origin(ip="203.0.113.9", user_agent=FIREFOX, request_id="req-2")
    core.mail.request_password_reset(PasswordResetCommand("nobody@example.com"))
    core.mail.request_password_reset(PasswordResetCommand("ada@example.com"))
    core.origin.current = NO_ORIGIN  # the relay answers them, outside any request
    core.deliver()
    assert "mail_delivered" in core.events.names
    assert "mail_delivered" not in types(core)
    requests = [e for e in stored(core) if e.type == "password_reset_requested"]
    assert [(e.user_id, e.ip, e.user_agent, e.request_id) for e in requests] == [
        (ada.id, "203.0.113.9", FIREFOX, "req-2")  # where it was asked from
    ]
    assert requests[0].data == {}


class BrokenComposer(PlainComposer):
    def compose(self, mail: Mail) -> ComposedMail:
        if mail.kind is MailKind.PASSWORD_CHANGED:
            raise MailNotDelivered("the templates are gone")
        return super().compose(mail)


def test_s53_no_stored_event_without_its_change_nor_change_without_its_event() -> None:
    """The password is written first, then the notice's composer fails: the
    change rolls back, and its event with it."""
    core = make_core(composer=BrokenComposer())
    core.register()
    caller = core.caller(core.login())
    before = types(core)
    with pytest.raises(MailNotDelivered):
        core.accounts.change_password(caller, ChangePasswordCommand(PASSWORD, "brand new words"))
    assert types(core) == before
    assert core.caller(core.login())  # the old password still works


def test_a_unit_of_work_left_without_commit_stores_nothing(core: CoreUnderTest) -> None:
    ada = core.register()
    before = stored(core)
    with core.ports.uow() as uow:
        uow.record(UserUpdated(user_id=ada.id, by=ada.id, fields=("name",)))
    assert stored(core) == before


def test_own_activity_is_the_callers_account_only_newest_first_by_cursor(
    core: CoreUnderTest, admin: Caller
) -> None:
    core.register()
    for _ in range(3):
        core.clock.advance(minutes=1)
        core.login()
    caller = core.caller(core.login())
    first = core.core.audit.own_activity(caller, limit=3)
    assert [e.type for e in first.events] == ["login_succeeded"] * 3
    assert all(e.user_id == caller.user_id for e in first.events)
    assert first.events[0].session_id == caller.session_id
    rest = core.core.audit.own_activity(caller, limit=100, cursor=first.next_cursor)
    assert [e.type for e in rest.events] == ["login_succeeded", "mail_queued", "user_registered"]
    assert rest.next_cursor is None
    assert first.next_cursor is not None
    with pytest.raises(InvalidCursor):  # another person's listing
        core.core.audit.own_activity(admin, cursor=first.next_cursor)


def test_an_admin_filters_the_trail_and_no_one_else_reads_it(
    core: CoreUnderTest, admin: Caller
) -> None:
    ada = core.register()
    caller = core.caller(core.login())
    with pytest.raises(Forbidden):
        core.core.audit.list_events(caller, AuditQuery())
    everything = core.core.audit.list_events(admin, AuditQuery(), limit=100).events
    assert [e.type for e in everything][:2] == ["login_succeeded", "mail_queued"]
    logins = core.core.audit.list_events(
        admin, AuditQuery(user_id=ada.id, type="login_succeeded")
    ).events
    assert [(e.user_id, e.type) for e in logins] == [(ada.id, "login_succeeded")]
    now = core.clock.now()
    assert (
        core.core.audit.list_events(admin, AuditQuery(since=now + timedelta(seconds=1))).events
        == []
    )
    assert len(core.core.audit.list_events(admin, AuditQuery(since=now), limit=100).events) == len(
        everything
    )
    assert core.core.audit.list_events(admin, AuditQuery(until=now)).events == []
    with pytest.raises(InvalidInput):
        core.core.audit.list_events(admin, AuditQuery(since=now, until=now))
    with pytest.raises(InvalidInput):
        core.core.audit.list_events(admin, AuditQuery(), limit=101)


def test_a_cursor_opens_only_the_filter_it_was_issued_for(
    core: CoreUnderTest, admin: Caller
) -> None:
    ada = core.register()
    core.login()
    core.login()
    page = core.core.audit.list_events(admin, AuditQuery(user_id=ada.id), limit=1)
    assert page.next_cursor is not None
    for other in (AuditQuery(), AuditQuery(user_id=admin.user_id), AuditQuery(type="x")):
        with pytest.raises(InvalidCursor):
            core.core.audit.list_events(admin, other, cursor=page.next_cursor)
    following = core.core.audit.list_events(
        admin, AuditQuery(user_id=ada.id), limit=1, cursor=page.next_cursor
    )
    assert following.events[0].id < page.events[0].id


def test_purge_deletes_what_is_older_than_the_retention_in_batches(core: CoreUnderTest) -> None:
    core.register()
    for _ in range(5):
        core.login()
    old = len(stored(core))
    core.clock.advance(days=366)
    core.login()
    assert core.core.audit.purge(timedelta(days=365), batch=2) == old
    assert types(core) == ["login_succeeded"]
    assert core.core.audit.purge(timedelta(days=365)) == 0


def test_export_is_every_event_since_a_time_oldest_first_in_batches(core: CoreUnderTest) -> None:
    core.register()
    core.clock.advance(hours=1)
    since = core.clock.now()
    for _ in range(5):
        core.login()
    exported = list(core.core.audit.export(since, batch=2))
    assert [e.type for e in exported] == ["login_succeeded"] * 5
    assert [e.id for e in exported] == sorted(e.id for e in exported)
    assert [e.id for e in core.core.audit.export(batch=3)] == [e.id for e in stored(core)]


def test_an_events_own_fields_become_json_and_a_long_user_agent_is_clipped() -> None:
    event_id = uuid.uuid4()
    subject = uuid.uuid4()
    stored_event = AuditEvent.of(
        UserUpdated(user_id=subject, by=subject, fields=("name", "email")),
        Origin(user_agent="x" * 600),
        event_id,
        make_core().clock.now(),
    )
    assert stored_event.data == {"fields": ["name", "email"]}
    assert stored_event.actor_id == subject
    assert stored_event.user_agent == "x" * 512
