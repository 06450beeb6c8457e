"""/api/v1/users: the user resource. Who may do what is the use cases' decision."""

from __future__ import annotations

from uuid import UUID

from flask import Blueprint, url_for
from werkzeug import Response

from adapters.http_flask.context import core, current_caller, json_response, no_content
from adapters.http_flask.openapi import Operation, documented
from adapters.http_flask.paging import cursor_page
from adapters.http_flask.parsing import parse_body, parse_query
from adapters.http_flask.schemas import (
    ListUsersQuery,
    UpdateUserRequest,
    UserListResponse,
    UserResponse,
)
from application.accounts.users import UpdateUserCommand, UserPage

bp = Blueprint("users", __name__, url_prefix="/api/v1/users")
TAGS = ("users",)


@bp.get("")
@documented(
    Operation(
        "List users (admin), by page number or by cursor",
        {200: UserListResponse},
        query=ListUsersQuery,
        bearer=True,
        errors=(403,),
        tags=TAGS,
    )
)
def list_users() -> Response:
    caller = current_caller()
    query = parse_query(ListUsersQuery)
    if query.by_cursor:
        limit = query.limit or 20
        found = core().accounts.list_users_after(caller, limit, query.cursor)
        body = UserListResponse.after(found)
        return cursor_page(body, found.next_cursor, limit, exclude_unset=True)
    page = core().accounts.list_users(caller, query.page or 1, query.per_page or 20)
    headers = {"Link": _link_header(page)} if page.pages else {}
    return json_response(UserListResponse.of(page), headers=headers)


def _link_header(page: UserPage) -> str:
    """RFC 8288 links to the neighbouring, first and last pages, as GitHub sends them."""
    targets = {"first": 1, "last": page.pages}
    if page.page > 1:
        targets["prev"] = min(page.page - 1, page.pages)
    if page.page < page.pages:
        targets["next"] = page.page + 1
    return ", ".join(
        f'<{url_for("users.list_users", page=number, per_page=page.per_page)}>; rel="{rel}"'
        for rel, number in targets.items()
    )


@bp.get("/<uuid:user_id>")
@documented(
    Operation(
        "Get a user (the user, or an admin)",
        {200: UserResponse},
        bearer=True,
        errors=(403, 404),
        tags=TAGS,
    )
)
def get_user(user_id: UUID) -> Response:
    return json_response(UserResponse.of(core().accounts.get_user(current_caller(), user_id)))


@bp.route("/<uuid:user_id>", methods=["PATCH", "PUT"])
@documented(
    Operation(
        "Update a user partially (PUT means the same)",
        {200: UserResponse},
        body=UpdateUserRequest,
        bearer=True,
        errors=(403, 404, 409),
        tags=TAGS,
    )
)
def update_user(user_id: UUID) -> Response:
    caller = current_caller()
    body = parse_body(UpdateUserRequest)
    command = UpdateUserCommand(
        user_id=user_id,
        email=body.email,
        name=body.name,
        role=body.role,
        is_active=body.is_active,
    )
    return json_response(UserResponse.of(core().accounts.update_user(caller, command)))


@bp.delete("/<uuid:user_id>")
@documented(
    Operation(
        "Delete a user; their sessions end",
        {204: None},
        bearer=True,
        errors=(403, 404, 409),
        tags=TAGS,
    )
)
def delete_user(user_id: UUID) -> Response:
    core().accounts.delete_user(current_caller(), user_id)
    return no_content()
