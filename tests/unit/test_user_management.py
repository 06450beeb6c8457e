from __future__ import annotations

import uuid

import pytest

from application.accounts.users import UpdateUserCommand
from application.caller import Caller
from domain.errors import (
    EmailChangeNeedsConfirmation,
    EmailTaken,
    Forbidden,
    InvalidCursor,
    InvalidEmail,
    InvalidInput,
    InvalidToken,
    LastAdmin,
    UserNotFound,
)
from domain.mail import MailKind
from domain.users import Role
from tests.support.core import CoreUnderTest
from tests.support.fakes import link_in


@pytest.fixture
def admin(core: CoreUnderTest) -> Caller:
    core.register("root@example.com", role=Role.ADMIN)
    return core.caller(core.login("root@example.com"))


@pytest.fixture
def ada(core: CoreUnderTest) -> Caller:
    core.register("ada@example.com")
    return core.caller(core.login("ada@example.com"))


def test_a_user_reads_themselves(core: CoreUnderTest, ada: Caller) -> None:
    assert core.accounts.get_user(ada, ada.user_id).email.value == "ada@example.com"


def test_s28_a_user_gets_forbidden_for_any_other_id_existing_or_not(
    core: CoreUnderTest, ada: Caller, admin: Caller
) -> None:
    for other in (admin.user_id, uuid.uuid4()):
        with pytest.raises(Forbidden):
            core.accounts.get_user(ada, other)
        with pytest.raises(Forbidden):
            core.accounts.update_user(ada, UpdateUserCommand(other, name="Mallory"))
        with pytest.raises(Forbidden):
            core.accounts.delete_user(ada, other)


def test_an_admin_reads_anyone_and_gets_not_found_for_unknown_ids(
    core: CoreUnderTest, ada: Caller, admin: Caller
) -> None:
    assert core.accounts.get_user(admin, ada.user_id).id == ada.user_id
    with pytest.raises(UserNotFound):
        core.accounts.get_user(admin, uuid.uuid4())
    with pytest.raises(UserNotFound):
        core.accounts.update_user(admin, UpdateUserCommand(uuid.uuid4(), name="X"))
    with pytest.raises(UserNotFound):
        core.accounts.delete_user(admin, uuid.uuid4())


def test_list_users_is_for_admins_and_paginates_in_creation_order(
    core: CoreUnderTest, admin: Caller, ada: Caller
) -> None:
    for n in range(5):
        core.register(f"user{n}@example.com")
    with pytest.raises(Forbidden):
        core.accounts.list_users(ada, 1, 20)
    page = core.accounts.list_users(admin, 2, 3)
    assert (page.total, page.page, page.per_page, page.pages) == (7, 2, 3, 3)
    assert [u.email.value for u in page.users] == [
        "user1@example.com",
        "user2@example.com",
        "user3@example.com",
    ]  # root and ada came first
    assert core.accounts.list_users(admin, 9, 3).users == []


def test_users_by_cursor_go_on_where_a_page_ends_and_only_in_their_filter(
    core: CoreUnderTest, admin: Caller, ada: Caller
) -> None:
    for n in range(5):
        core.register(f"user{n}@example.com")
    with pytest.raises(Forbidden):
        core.accounts.list_users_after(ada)
    page = core.accounts.list_users(admin, 1, 3)
    after = core.accounts.list_users_after(admin, 3, page.next_cursor)
    assert [u.email.value for u in after.users] == [f"user{n}@example.com" for n in (1, 2, 3)]
    last = core.accounts.list_users_after(admin, 3, after.next_cursor)
    assert ([u.email.value for u in last.users], last.next_cursor) == (["user4@example.com"], None)
    assert core.accounts.list_users(admin, 3, 3).next_cursor is None
    filtered = core.accounts.list_users_after(admin, 1, None, "user")
    assert [u.email.value for u in filtered.users] == ["user0@example.com"]
    with pytest.raises(InvalidCursor):  # a cursor of another filter
        core.accounts.list_users_after(admin, 1, page.next_cursor, "user")
    with pytest.raises(InvalidInput):
        core.accounts.list_users_after(admin, 0)


@pytest.mark.parametrize(("page", "per_page"), [(0, 20), (10_000_001, 20), (1, 0), (1, 101)])
def test_list_users_refuses_bad_paging(
    core: CoreUnderTest, admin: Caller, page: int, per_page: int
) -> None:
    with pytest.raises(InvalidInput):
        core.accounts.list_users(admin, page, per_page)


def test_a_user_updates_their_name(core: CoreUnderTest, ada: Caller) -> None:
    core.clock.advance(seconds=5)
    user = core.accounts.update_user(ada, UpdateUserCommand(ada.user_id, name=" Ada L. "))
    assert user.name == "Ada L."
    assert user.updated_at == core.clock.now() != user.created_at


def test_a_users_own_new_email_needs_the_confirmed_change(core: CoreUnderTest, ada: Caller) -> None:
    with pytest.raises(EmailChangeNeedsConfirmation):
        core.accounts.update_user(ada, UpdateUserCommand(ada.user_id, email="new@example.com"))
    same = core.accounts.update_user(ada, UpdateUserCommand(ada.user_id, email=" ADA@example.com"))
    assert same.email.value == "ada@example.com"  # the same address is no change


def test_an_admin_sets_an_email_at_once_unverified_and_a_link_goes_to_it(
    core: CoreUnderTest, ada: Caller, admin: Caller
) -> None:
    core.mail.confirm_verification(link_in(core.outbox()[0].text))
    assert core.db.users[ada.user_id].email_verified
    user = core.accounts.update_user(
        admin, UpdateUserCommand(ada.user_id, email=" Lovelace@Example.com")
    )
    assert (user.email.value, user.email_verified) == ("lovelace@example.com", False)
    assert core.login("lovelace@example.com")
    newest = core.outbox()[-1]
    assert (newest.kind, newest.to) == (MailKind.VERIFY_EMAIL, "lovelace@example.com")
    assert core.mail.confirm_verification(link_in(newest.text)).email_verified


def test_an_update_that_changes_nothing_keeps_updated_at(core: CoreUnderTest, ada: Caller) -> None:
    core.clock.advance(seconds=5)
    user = core.accounts.update_user(ada, UpdateUserCommand(ada.user_id, name="Ada Lovelace"))
    assert user.updated_at == user.created_at


def test_s27_a_user_cannot_change_their_role_or_activity(core: CoreUnderTest, ada: Caller) -> None:
    for command in (
        UpdateUserCommand(ada.user_id, role=Role.ADMIN),
        UpdateUserCommand(ada.user_id, role=Role.USER),
        UpdateUserCommand(ada.user_id, is_active=True),
    ):
        with pytest.raises(Forbidden):
            core.accounts.update_user(ada, command)
    assert core.db.users[ada.user_id].role is Role.USER


def test_update_to_a_taken_email_is_refused(
    core: CoreUnderTest, ada: Caller, admin: Caller
) -> None:
    with pytest.raises(EmailTaken):
        core.accounts.update_user(admin, UpdateUserCommand(ada.user_id, email="ROOT@example.com"))
    with pytest.raises(InvalidEmail):
        core.accounts.update_user(admin, UpdateUserCommand(ada.user_id, email="nope"))
    assert core.db.users[ada.user_id].email.value == "ada@example.com"


def test_an_admin_promotes_and_deactivates(core: CoreUnderTest, ada: Caller, admin: Caller) -> None:
    promoted = core.accounts.update_user(admin, UpdateUserCommand(ada.user_id, role=Role.ADMIN))
    assert promoted.role is Role.ADMIN
    tokens = core.login("ada@example.com")
    assert core.caller(tokens).is_admin  # the role applies at once
    core.accounts.update_user(admin, UpdateUserCommand(ada.user_id, is_active=False))
    with pytest.raises(InvalidToken):
        core.caller(tokens)
    assert all(
        s.revoked_at is not None for s in core.db.sessions.values() if s.user_id == ada.user_id
    )


def test_the_last_active_admin_cannot_demote_deactivate_or_delete_themselves(
    core: CoreUnderTest, admin: Caller
) -> None:
    for command in (
        UpdateUserCommand(admin.user_id, role=Role.USER),
        UpdateUserCommand(admin.user_id, is_active=False),
    ):
        with pytest.raises(LastAdmin):
            core.accounts.update_user(admin, command)
    with pytest.raises(LastAdmin):
        core.accounts.delete_user(admin, admin.user_id)
    core.register("second@example.com", role=Role.ADMIN)
    core.accounts.update_user(admin, UpdateUserCommand(admin.user_id, role=Role.USER))


def test_delete_removes_the_user_and_their_sessions(
    core: CoreUnderTest, ada: Caller, admin: Caller
) -> None:
    core.accounts.delete_user(ada, ada.user_id)
    assert ada.user_id not in core.db.users
    assert all(s.user_id != ada.user_id for s in core.db.sessions.values())
    assert all(t.session_id in core.db.sessions for t in core.db.refresh_tokens.values())
    core.register("ada@example.com")  # the email is free again
