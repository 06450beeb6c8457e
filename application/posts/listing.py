"""Posts by cursor, newest first: everyone's, or one author's."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.paging import check_limit, cut, opened
from application.ports import Cursors, UnitOfWorkFactory
from application.posts.writing import AuthoredPost, authored
from domain.errors import UserNotFound


@dataclass(frozen=True, slots=True)
class PostPage:
    posts: list[AuthoredPost]
    next_cursor: str | None  # None: this is the last page


@dataclass(frozen=True, slots=True)
class ListPosts:
    """A page of posts after ``cursor``. Keyset paging on the time-ordered id:
    posts added or deleted between requests neither repeat nor skip one that
    existed throughout."""

    uow: UnitOfWorkFactory
    cursors: Cursors

    def __call__(
        self, limit: int = 20, cursor: str | None = None, author_id: UUID | None = None
    ) -> PostPage:
        check_limit(limit)
        listing = "posts" if author_id is None else f"posts:author={author_id}"
        before = opened(self.cursors, cursor, listing)
        with self.uow(read_only=True) as uow:
            if author_id is not None and not uow.users.names([author_id]):
                raise UserNotFound()
            found = uow.posts.newest(limit + 1, before, author_id)
            page, next_cursor = cut(self.cursors, listing, found, limit, lambda post: post.id)
            return PostPage(authored(uow, page), next_cursor)
