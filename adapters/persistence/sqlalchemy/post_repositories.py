"""Posts over SQLAlchemy Core."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Connection, delete, insert, select, update

from adapters.persistence.sqlalchemy.tables import posts
from domain.errors import ConcurrentUpdate
from domain.posts import Post

_ADD = insert(posts)


def _post_from_row(row: Any) -> Post:
    return Post(
        id=row.id,
        author_id=row.author_id,
        title=row.title,
        content=row.content,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


class SqlPostRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(self, post: Post) -> None:
        self._db.execute(
            _ADD,
            {
                "id": post.id,
                "author_id": post.author_id,
                "title": post.title,
                "content": post.content,
                "created_at": post.created_at,
                "updated_at": post.updated_at,
                "version": post.version,
            },
        )

    def get(self, post_id: UUID) -> Post | None:
        row = self._db.execute(select(posts).where(posts.c.id == post_id)).first()
        return _post_from_row(row) if row is not None else None

    def update(self, post: Post) -> None:
        statement = (
            update(posts)
            .where(posts.c.id == post.id, posts.c.version == post.version)
            .values(
                title=post.title,
                content=post.content,
                updated_at=post.updated_at,
                version=post.version + 1,
            )
        )
        if self._db.execute(statement).rowcount != 1:
            raise ConcurrentUpdate()
        post.version += 1

    def delete(self, post_id: UUID) -> None:
        self._db.execute(delete(posts).where(posts.c.id == post_id))

    def newest(
        self, limit: int, before: UUID | None = None, author_id: UUID | None = None
    ) -> list[Post]:
        query = select(posts).order_by(posts.c.id.desc()).limit(limit)
        if before is not None:
            query = query.where(posts.c.id < before)
        if author_id is not None:
            query = query.where(posts.c.author_id == author_id)
        return [_post_from_row(row) for row in self._db.execute(query)]
