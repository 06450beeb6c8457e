"""Posts by cursor, newest first: everyone's, or one author's."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.ports import Cursors, UnitOfWorkFactory
from application.posts.writing import AuthoredPost, authored
from domain.errors import InvalidInput, UserNotFound

MAX_LIMIT = 100


@dataclass(frozen=True, slots=True)
class PostPage:
    posts: list[AuthoredPost]
    next_cursor: str | None  # None: this is the last page


@dataclass(frozen=True, slots=True)
class ListPosts:
    """A page of posts after ``cursor``. Keyset paging on the time-ordered id:
    posts added or deleted between requests neither repeat nor skip one that
    existed throughout. One row more than the page tells whether another follows."""

    uow: UnitOfWorkFactory
    cursors: Cursors

    def __call__(
        self, limit: int = 20, cursor: str | None = None, author_id: UUID | None = None
    ) -> PostPage:
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidInput("limit", f"limit is between 1 and {MAX_LIMIT}.")
        listing = "posts" if author_id is None else f"posts:author={author_id}"
        before = self.cursors.open(cursor, listing) if cursor else None
        with self.uow(read_only=True) as uow:
            if author_id is not None and not uow.users.names([author_id]):
                raise UserNotFound()
            found = uow.posts.newest(limit + 1, before, author_id)
            page = authored(uow, found[:limit])
        more = len(found) > limit
        next_cursor = self.cursors.issue(listing, page[-1].post.id) if more else None
        return PostPage(page, next_cursor)
