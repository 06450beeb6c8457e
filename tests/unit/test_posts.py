"""The posts' use cases on in-memory adapters: who may write, edit and
delete, and paging by cursor."""

from __future__ import annotations

import uuid

import pytest

from application.accounts.users import UpdateUserCommand
from application.caller import Caller
from application.posts.writing import PostCommand
from domain.errors import (
    Forbidden,
    InvalidContent,
    InvalidCursor,
    InvalidInput,
    InvalidTitle,
    PostNotFound,
    UserNotFound,
)
from domain.users import Role
from tests.support.core import CoreUnderTest, make_core
from tests.support.fakes import link_in


@pytest.fixture
def ada(core: CoreUnderTest) -> Caller:
    core.register()
    return core.caller(core.login())


@pytest.fixture
def bob(core: CoreUnderTest) -> Caller:
    core.register("bob@example.com")
    return core.caller(core.login("bob@example.com"))


@pytest.fixture
def admin(core: CoreUnderTest) -> Caller:
    core.register("root@example.com", role=Role.ADMIN)
    return core.caller(core.login("root@example.com"))


def write(core: CoreUnderTest, caller: Caller, title: str = "Notes") -> uuid.UUID:
    return core.core.posts.create_post(caller, PostCommand(title, "Some *Markdown*")).post.id


def test_a_post_is_written_and_read_with_its_author(core: CoreUnderTest, ada: Caller) -> None:
    written = core.core.posts.create_post(ada, PostCommand("  On engines ", "# Notes\n"))
    read = core.core.posts.get_post(written.post.id)
    assert (read.post.title, read.post.content, read.author_name) == (
        "On engines",
        "# Notes\n",
        "Ada Lovelace",
    )
    assert read.post.author_id == ada.user_id
    with pytest.raises(PostNotFound):
        core.core.posts.get_post(uuid.uuid4())


def test_a_bad_title_or_content_is_refused_by_field(core: CoreUnderTest, ada: Caller) -> None:
    with pytest.raises(InvalidTitle):
        core.core.posts.create_post(ada, PostCommand("", "content"))
    with pytest.raises(InvalidContent):
        core.core.posts.create_post(ada, PostCommand("Title", "   "))
    assert core.db.posts == {}


def test_required_verification_holds_back_unverified_authors() -> None:
    """A session from before verification became required: it may read, not post."""
    core = make_core(email_verification_required=True)
    user = core.register()
    unverified = Caller(user=core.db.users[user.id], session_id=uuid.uuid4())
    with pytest.raises(Forbidden):
        core.core.posts.create_post(unverified, PostCommand("Title", "content"))
    core.mail.confirm_verification(link_in(core.outbox()[0].text))
    verified = core.caller(core.login())
    assert core.core.posts.create_post(verified, PostCommand("Title", "content"))


def test_only_the_author_or_an_admin_changes_a_post(
    core: CoreUnderTest, ada: Caller, bob: Caller, admin: Caller
) -> None:
    post_id = write(core, ada)
    with pytest.raises(Forbidden):
        core.core.posts.update_post(bob, post_id, PostCommand(title="Mine now"))
    with pytest.raises(Forbidden):
        core.core.posts.delete_post(bob, post_id)
    edited = core.core.posts.update_post(ada, post_id, PostCommand(content="Better"))
    assert (edited.post.title, edited.post.content, edited.post.version) == ("Notes", "Better", 2)
    moderated = core.core.posts.update_post(admin, post_id, PostCommand(title="Moderated"))
    assert moderated.post.title == "Moderated"
    core.core.posts.delete_post(admin, post_id)
    with pytest.raises(PostNotFound):
        core.core.posts.delete_post(ada, post_id)


def test_posts_page_newest_first_by_cursor(core: CoreUnderTest, ada: Caller, bob: Caller) -> None:
    ids = [write(core, ada if n % 2 else bob, f"Post {n}") for n in range(5)]
    first = core.core.posts.list_posts(limit=2)
    assert [p.post.id for p in first.posts] == ids[::-1][:2]
    assert first.next_cursor is not None
    write(core, ada, "Newer")  # added meanwhile: the next page is not shifted
    core.core.posts.delete_post(bob, ids[2])  # deleted meanwhile
    second = core.core.posts.list_posts(limit=2, cursor=first.next_cursor)
    assert [p.post.id for p in second.posts] == [ids[1], ids[0]]
    assert second.next_cursor is None
    adas = core.core.posts.list_posts(limit=10, author_id=ada.user_id)
    assert [p.author_name for p in adas.posts] == ["Ada Lovelace"] * 3


def test_a_cursor_opens_only_its_own_list(core: CoreUnderTest, ada: Caller) -> None:
    for n in range(3):
        write(core, ada, f"Post {n}")
    cursor = core.core.posts.list_posts(limit=1).next_cursor
    assert cursor is not None
    with pytest.raises(InvalidCursor) as refused:
        core.core.posts.list_posts(limit=1, cursor=cursor, author_id=ada.user_id)
    assert refused.value.field == "cursor"
    for forged in ("", "x", cursor[:-2] + "AA", "é" * 10, cursor + "A"):
        with pytest.raises(InvalidCursor):
            core.core.posts.list_posts(limit=1, cursor=forged)


def test_limits_and_unknown_authors(core: CoreUnderTest, ada: Caller) -> None:
    for limit in (0, 101):
        with pytest.raises(InvalidInput) as refused:
            core.core.posts.list_posts(limit=limit)
        assert refused.value.field == "limit"
    with pytest.raises(UserNotFound):
        core.core.posts.list_posts(author_id=uuid.uuid4())


def test_deleting_a_user_deletes_their_posts(
    core: CoreUnderTest, ada: Caller, bob: Caller, admin: Caller
) -> None:
    write(core, ada)
    kept = write(core, bob)
    core.accounts.update_user(admin, UpdateUserCommand(ada.user_id, name="Ada"))
    core.accounts.delete_user(admin, ada.user_id)
    assert list(core.db.posts) == [kept]
