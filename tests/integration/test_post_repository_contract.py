"""The post repository held to one contract on every adapter: in memory, and
SQLAlchemy on each database; deleting a user takes their posts with them."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from domain.errors import ConcurrentUpdate
from domain.posts import Post
from domain.users import User
from tests.support.contract import NOW, UowFactory, ids, make_user


def stored(uow: UowFactory, *users: User) -> None:
    with uow() as work:
        for user in users:
            work.users.add(user)
        work.commit()


def published(uow: UowFactory, *posts: Post) -> None:
    with uow() as work:
        for post in posts:
            work.posts.add(post)
        work.commit()


def make_post(author: User, title: str = "Notes") -> Post:
    return Post(ids.new_id(), author.id, title, "Some *Markdown*\n", NOW, NOW)


def test_a_post_is_kept_as_given(uow: UowFactory) -> None:
    ada = make_user()
    stored(uow, ada)
    post = make_post(ada)
    published(uow, post)
    with uow(read_only=True) as work:
        assert work.posts.get(post.id) == post
        assert work.posts.get(ids.new_id()) is None


def test_an_update_based_on_an_old_version_is_refused(uow: UowFactory) -> None:
    ada = make_user()
    stored(uow, ada)
    post = make_post(ada)
    published(uow, post)
    first, second = replace(post), replace(post)
    first.edit("First", None, NOW + timedelta(seconds=1))
    with uow() as work:
        work.posts.update(first)
        work.commit()
    assert first.version == 2
    second.edit("Second", None, NOW + timedelta(seconds=2))
    with uow() as work, pytest.raises(ConcurrentUpdate):
        work.posts.update(second)
    with uow(read_only=True) as work:
        assert work.posts.get(post.id) == first


def test_newest_first_by_keyset_and_by_author(uow: UowFactory) -> None:
    ada, bob = make_user(), make_user("bob@example.com")
    stored(uow, ada, bob)
    written = [make_post(ada if n % 2 else bob, f"Post {n}") for n in range(7)]
    published(uow, *written)
    newest_first = [p.id for p in reversed(written)]
    with uow(read_only=True) as work:
        first = work.posts.newest(3)
        second = work.posts.newest(3, before=first[-1].id)
        adas = work.posts.newest(10, author_id=ada.id)
        older_adas = work.posts.newest(10, before=adas[0].id, author_id=ada.id)
    assert [p.id for p in first + second] == newest_first[:6]
    assert [p.id for p in adas] == [p.id for p in reversed(written) if p.author_id == ada.id]
    assert [p.id for p in older_adas] == [p.id for p in adas[1:]]


def test_deleting_a_post_and_deleting_its_author(uow: UowFactory) -> None:
    ada, bob = make_user(), make_user("bob@example.com")
    stored(uow, ada, bob)
    adas, bobs = make_post(ada), make_post(bob)
    published(uow, adas, bobs, make_post(ada, "Another"))
    with uow() as work:
        work.posts.delete(bobs.id)
        work.users.delete(ada.id)
        # left without commit: everything stays
    with uow(read_only=True) as work:
        assert len(work.posts.newest(10)) == 3
    with uow() as work:
        work.users.delete(ada.id)
        work.commit()
    with uow(read_only=True) as work:
        assert [p.id for p in work.posts.newest(10)] == [bobs.id]  # Ada's went with her


def test_the_names_of_authors(uow: UowFactory) -> None:
    ada, bob = make_user(), make_user("bob@example.com")
    bob.name = "Bob"
    stored(uow, ada, bob)
    with uow(read_only=True) as work:
        names = work.users.names([ada.id, bob.id, bob.id, ids.new_id()])
        none = work.users.names([])
    assert names == {ada.id: "Ada Lovelace", bob.id: "Bob"}
    assert none == {}
