"""In-memory posts: a table of ``memory.InMemoryDatabase``."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING
from uuid import UUID

from domain.errors import ConcurrentUpdate
from domain.posts import Post

if TYPE_CHECKING:
    from adapters.persistence.memory import InMemoryDatabase


class InMemoryPostRepository:
    def __init__(self, db: InMemoryDatabase) -> None:
        self._db = db

    def add(self, post: Post) -> None:
        self._db.posts[post.id] = copy.copy(post)

    def get(self, post_id: UUID) -> Post | None:
        post = self._db.posts.get(post_id)
        return copy.copy(post) if post is not None else None

    def update(self, post: Post) -> None:
        stored = self._db.posts.get(post.id)
        if stored is None or stored.version != post.version:
            raise ConcurrentUpdate()
        post.version += 1
        self._db.posts[post.id] = copy.copy(post)

    def delete(self, post_id: UUID) -> None:
        self._db.posts.pop(post_id, None)

    def newest(
        self, limit: int, before: UUID | None = None, author_id: UUID | None = None
    ) -> list[Post]:
        found = (
            post
            for post_id, post in sorted(self._db.posts.items(), reverse=True)
            if (before is None or post_id < before)
            and (author_id is None or post.author_id == author_id)
        )
        return [copy.copy(post) for post, _ in zip(found, range(limit), strict=False)]
