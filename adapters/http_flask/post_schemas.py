"""Request and response models of the posts (pydantic, at the edge only)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, Field

from adapters.http_flask.schemas import RequestModel, Timestamp, domain_rule, omitted
from application.paging import MAX_LIMIT
from application.posts.listing import PostPage
from application.posts.writing import AuthoredPost
from domain.posts import MAX_CONTENT_LENGTH, MAX_TITLE_LENGTH, parse_content, parse_title

TitleIn = Annotated[
    str, Field(min_length=1, max_length=2 * MAX_TITLE_LENGTH), domain_rule(parse_title)
]
ContentIn = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_CONTENT_LENGTH,
        description="Markdown source; the pages render it with raw HTML disabled.",
    ),
    domain_rule(parse_content),
]


class PostRequest(RequestModel):
    title: TitleIn
    content: ContentIn


class UpdatePostRequest(RequestModel):
    """Either field or both; a field sent as ``null`` is an error, not a no-op."""

    title: TitleIn = omitted()
    content: ContentIn = omitted()


class ListPostsQuery(BaseModel):
    limit: int = Field(default=20, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(
        default=None, max_length=200, description="next_cursor of the previous page"
    )


class Author(BaseModel):
    id: UUID
    name: str


class PostResponse(BaseModel):
    id: UUID
    title: str
    content: str
    author: Author
    created_at: Timestamp
    updated_at: Timestamp

    @classmethod
    def of(cls, found: AuthoredPost) -> PostResponse:
        post = found.post
        return cls(
            id=post.id,
            title=post.title,
            content=post.content,
            author=Author(id=post.author_id, name=found.author_name),
            created_at=post.created_at,
            updated_at=post.updated_at,
        )


class PostListResponse(BaseModel):
    posts: list[PostResponse]
    next_cursor: str | None = Field(description="null on the last page")

    @classmethod
    def of(cls, page: PostPage) -> PostListResponse:
        return cls(posts=[PostResponse.of(p) for p in page.posts], next_cursor=page.next_cursor)
