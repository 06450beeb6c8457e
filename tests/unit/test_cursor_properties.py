"""Property tests of cursor paging, for posts, users and a person's activity:
whatever is added or deleted between page requests, no row comes twice and
none that existed throughout is skipped."""

from __future__ import annotations

from uuid import UUID

from hypothesis import given, settings
from hypothesis import strategies as st

from application.posts.writing import PostCommand
from domain.users import Role
from tests.support.core import make_core

# Between two page requests: how many posts to add, and which of the
# existing ones to delete (by position, wrapped), in one step.
steps = st.lists(
    st.tuples(st.integers(0, 3), st.lists(st.integers(0, 50), max_size=3)), max_size=12
)


@settings(max_examples=60, deadline=None)
@given(initial=st.integers(0, 25), limit=st.integers(1, 6), changes=steps)
def test_paging_under_inserts_and_deletes_repeats_and_skips_nothing(
    initial: int, limit: int, changes: list[tuple[int, list[int]]]
) -> None:
    core = make_core()
    core.register()
    ada = core.caller(core.login())
    posts = core.core.posts

    def write() -> None:
        posts.create_post(ada, PostCommand("A post", "Some content"))

    for _ in range(initial):
        write()
    before = set(core.db.posts)
    deleted: set[UUID] = set()
    seen: list[UUID] = []
    cursor = None
    pending = iter(changes)
    while True:
        page = posts.list_posts(limit=limit, cursor=cursor)
        seen += [found.post.id for found in page.posts]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
        added, removals = next(pending, (0, []))
        for _ in range(added):
            write()
        existing = sorted(core.db.posts)
        for position in removals:
            if existing:
                gone = existing[position % len(existing)]
                if gone in core.db.posts:
                    posts.delete_post(ada, gone)
                    deleted.add(gone)
    assert len(seen) == len(set(seen))  # no post twice
    throughout = before - deleted
    assert throughout <= set(seen)  # none that existed throughout skipped
    assert seen == sorted(seen, reverse=True)  # newest first, always


@settings(max_examples=40, deadline=None)
@given(initial=st.integers(0, 20), limit=st.integers(1, 6), changes=steps)
def test_users_by_cursor_under_sign_ups_and_deletions_repeat_and_skip_nothing(
    initial: int, limit: int, changes: list[tuple[int, list[int]]]
) -> None:
    core = make_core()
    core.register("root@example.com", role=Role.ADMIN)
    admin = core.caller(core.login("root@example.com"))
    made = iter(range(10_000))

    def sign_up() -> None:
        core.register(f"user{next(made)}@example.com")

    for _ in range(initial):
        sign_up()
    before = set(core.db.users)
    deleted: set[UUID] = set()
    seen: list[UUID] = []
    cursor = None
    pending = iter(changes)
    while True:
        page = core.accounts.list_users_after(admin, limit, cursor)
        seen += [user.id for user in page.users]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
        added, removals = next(pending, (0, []))
        for _ in range(added):
            sign_up()
        others = sorted(set(core.db.users) - {admin.user_id})
        for position in removals:
            if others:
                gone = others[position % len(others)]
                if gone in core.db.users:
                    core.accounts.delete_user(admin, gone)
                    deleted.add(gone)
    assert len(seen) == len(set(seen))
    assert before - deleted <= set(seen)
    assert seen == sorted(seen)  # creation order


@settings(max_examples=30, deadline=None)
@given(initial=st.integers(0, 15), limit=st.integers(1, 6), logins=st.lists(st.integers(0, 3)))
def test_own_activity_by_cursor_while_events_are_added_repeats_and_skips_nothing(
    initial: int, limit: int, logins: list[int]
) -> None:
    core = make_core()
    core.register()
    for _ in range(initial):
        core.login()
    caller = core.caller(core.login())
    before = set(core.db.audit_events)
    seen: list[UUID] = []
    cursor = None
    pending = iter(logins)
    while True:
        page = core.core.audit.own_activity(caller, limit, cursor)
        seen += [event.id for event in page.events]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
        for _ in range(next(pending, 0)):
            core.login()
    assert len(seen) == len(set(seen))
    assert before <= set(seen)
    assert seen == sorted(seen, reverse=True)
