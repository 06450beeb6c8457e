"""/api/v1/posts and /api/v1/users/<id>/posts: posts, listed by cursor."""

from __future__ import annotations

from uuid import UUID

from flask import Blueprint, url_for
from werkzeug import Response

from adapters.http_flask.context import core, current_caller, json_response, no_content
from adapters.http_flask.openapi import Operation, documented
from adapters.http_flask.paging import cursor_page
from adapters.http_flask.parsing import parse_body, parse_query
from adapters.http_flask.post_schemas import (
    ListPostsQuery,
    PostListResponse,
    PostRequest,
    PostResponse,
    UpdatePostRequest,
)
from application.posts.listing import PostPage
from application.posts.writing import PostCommand

bp = Blueprint("posts", __name__, url_prefix="/api/v1")
TAGS = ("posts",)


def _page(page: PostPage, limit: int) -> Response:
    return cursor_page(PostListResponse.of(page), page.next_cursor, limit)


@bp.post("/posts")
@documented(
    Operation(
        "Write a post",
        {201: PostResponse},
        body=PostRequest,
        bearer=True,
        errors=(403,),
        tags=TAGS,
    )
)
def create_post() -> Response:
    caller = current_caller()
    body = parse_body(PostRequest)
    written = core().posts.create_post(caller, PostCommand(body.title, body.content))
    location = url_for("posts.get_post", post_id=written.post.id)
    return json_response(PostResponse.of(written), 201, {"Location": location})


@bp.get("/posts")
@documented(
    Operation(
        "Posts, newest first, by cursor", {200: PostListResponse}, query=ListPostsQuery, tags=TAGS
    )
)
def list_posts() -> Response:
    query = parse_query(ListPostsQuery)
    return _page(core().posts.list_posts(query.limit, query.cursor), query.limit)


@bp.get("/posts/<uuid:post_id>")
@documented(Operation("Read a post", {200: PostResponse}, errors=(404,), tags=TAGS))
def get_post(post_id: UUID) -> Response:
    return json_response(PostResponse.of(core().posts.get_post(post_id)))


@bp.patch("/posts/<uuid:post_id>")
@documented(
    Operation(
        "Edit a post (its author, or an admin)",
        {200: PostResponse},
        body=UpdatePostRequest,
        bearer=True,
        errors=(403, 404),
        tags=TAGS,
    )
)
def update_post(post_id: UUID) -> Response:
    caller = current_caller()
    body = parse_body(UpdatePostRequest)
    edited = core().posts.update_post(caller, post_id, PostCommand(body.title, body.content))
    return json_response(PostResponse.of(edited))


@bp.delete("/posts/<uuid:post_id>")
@documented(
    Operation(
        "Delete a post (its author, or an admin)",
        {204: None},
        bearer=True,
        errors=(403, 404),
        tags=TAGS,
    )
)
def delete_post(post_id: UUID) -> Response:
    core().posts.delete_post(current_caller(), post_id)
    return no_content()


@bp.get("/users/<uuid:user_id>/posts")
@documented(
    Operation(
        "One user's posts, newest first, by cursor",
        {200: PostListResponse},
        query=ListPostsQuery,
        errors=(404,),
        tags=TAGS,
    )
)
def list_user_posts(user_id: UUID) -> Response:
    query = parse_query(ListPostsQuery)
    page = core().posts.list_posts(query.limit, query.cursor, author_id=user_id)
    return _page(page, query.limit)
