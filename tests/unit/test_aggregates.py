"""The rules ``User`` and ``Session`` carry themselves, without a use case around them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from domain.errors import LastAdmin
from domain.sessions import MAX_USER_AGENT_LENGTH, Session
from domain.users import Email, Role, User, UserChange, require_another_admin

THEN = datetime(2026, 1, 1, tzinfo=UTC)
NOW = THEN + timedelta(hours=1)


def ada(role: Role = Role.USER, is_active: bool = True) -> User:
    return User(
        id=UUID(int=1),
        email=Email.parse("ada@example.com"),
        name="Ada",
        password_hash="hash",
        role=role,
        is_active=is_active,
        created_at=THEN,
        updated_at=THEN,
    )


def test_apply_takes_what_differs_and_names_it_in_field_order() -> None:
    user = ada()
    change = UserChange(
        email=Email.parse("countess@example.com"), name="Ada", role=Role.ADMIN, is_active=True
    )
    assert user.apply(change, NOW) == ("email", "role")
    assert (user.email.value, user.name, user.role, user.updated_at) == (
        "countess@example.com",
        "Ada",
        Role.ADMIN,
        NOW,
    )


def test_apply_with_nothing_different_keeps_updated_at() -> None:
    user = ada()
    assert user.apply(UserChange(name="Ada", is_active=True), NOW) == ()
    assert user.updated_at == THEN


@pytest.mark.parametrize(
    ("user", "change", "stops"),
    [
        (ada(Role.ADMIN), UserChange(role=Role.USER), True),
        (ada(Role.ADMIN), UserChange(is_active=False), True),
        (ada(Role.ADMIN), UserChange(role=Role.ADMIN, name="Root"), False),
        (ada(Role.ADMIN, is_active=False), UserChange(role=Role.USER), False),
        (ada(Role.USER), UserChange(is_active=False), False),
    ],
)
def test_a_change_stops_an_active_admin_only_by_demotion_or_deactivation(
    user: User, change: UserChange, stops: bool
) -> None:
    assert user.would_stop_being_an_active_admin(change) is stops


def test_the_last_active_admin_is_kept() -> None:
    with pytest.raises(LastAdmin):
        require_another_admin(1)
    require_another_admin(2)


def test_change_password_sets_the_hash_and_the_time() -> None:
    user = ada()
    user.change_password("new hash", NOW)
    assert (user.password_hash, user.updated_at) == ("new hash", NOW)


def started() -> Session:
    return Session.start(UUID(int=2), UUID(int=1), THEN, timedelta(days=90), "x" * 600, "10.0.0.1")


def test_a_session_starts_with_its_absolute_end_and_a_bounded_user_agent() -> None:
    session = started()
    assert session.expires_at == THEN + timedelta(days=90)
    assert session.last_used_at == session.created_at == THEN
    assert session.user_agent is not None
    assert len(session.user_agent) == MAX_USER_AGENT_LENGTH
    assert session.is_active(NOW)
    assert not session.is_active(session.expires_at)


def test_touch_records_a_use_and_keeps_what_the_client_did_not_say() -> None:
    session = started()
    session.touch(NOW, None, None)
    assert (session.last_used_at, session.ip) == (NOW, "10.0.0.1")
    session.touch(NOW, "curl/8", "10.0.0.2")
    assert (session.user_agent, session.ip) == ("curl/8", "10.0.0.2")
    assert session.expires_at == THEN + timedelta(days=90)  # a use never extends the end


def test_revoke_ends_a_session_once() -> None:
    session = started()
    assert session.revoke(NOW) is True
    assert session.revoke(NOW + timedelta(hours=1)) is False
    assert session.revoked_at == NOW
    assert not session.is_active(NOW)


def test_a_session_ended_before_a_moment_by_revocation_or_by_its_end() -> None:
    session = started()
    assert not session.ended_before(NOW)
    session.revoke(NOW)
    assert not session.ended_before(NOW)
    assert session.ended_before(NOW + timedelta(seconds=1))
    assert started().ended_before(THEN + timedelta(days=91))
