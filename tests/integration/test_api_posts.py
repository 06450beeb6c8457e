"""Posts through the JSON API (API.md "Posts" and "Cursor paging")."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import Api, assert_problem

POSTS = "/api/v1/posts"


@pytest.fixture
def ada(api: Api) -> dict[str, Any]:
    return api.signup()


def write(api: Api, tokens: dict[str, Any], title: str = "On engines") -> dict[str, Any]:
    response = api.call("POST", POSTS, tokens, json={"title": title, "content": "# Notes\n"})
    assert response.status_code == 201, response.json
    body = response.json
    assert isinstance(body, dict)
    return body


def test_a_post_is_written_read_edited_and_deleted(api: Api, ada: dict[str, Any]) -> None:
    created = api.call("POST", POSTS, ada, json={"title": " On engines ", "content": "*Hi*"})
    assert created.status_code == 201
    post = created.json
    assert created.headers["Location"] == f"{POSTS}/{post['id']}"
    assert set(post) == {"id", "title", "content", "author", "created_at", "updated_at"}
    assert post["title"] == "On engines"
    assert post["author"] == {"id": ada["user"]["id"], "name": "Ada Lovelace"}
    assert api.call("GET", f"{POSTS}/{post['id']}").json == post  # anyone may read
    edited = api.call("PATCH", f"{POSTS}/{post['id']}", ada, json={"content": "Better"})
    assert (edited.status_code, edited.json["content"]) == (200, "Better")
    assert api.call("DELETE", f"{POSTS}/{post['id']}", ada).status_code == 204
    assert_problem(api.call("GET", f"{POSTS}/{post['id']}"), 404, "not-found")


def test_bad_posts_are_422_naming_each_field(api: Api, ada: dict[str, Any]) -> None:
    refused = api.call("POST", POSTS, ada, json={"title": "two\nlines", "content": "  "})
    body = assert_problem(refused, 422)
    assert sorted(e["loc"][-1] for e in body["errors"]) == ["content", "title"]
    assert_problem(api.call("POST", POSTS, json={"title": "t", "content": "c"}), 401)
    extra = api.call("POST", POSTS, ada, json={"title": "t", "content": "c", "author": "x"})
    assert_problem(extra, 422)
    assert_problem(api.call("PATCH", f"{POSTS}/not-a-uuid", ada, json={}), 404)


def test_only_the_author_or_an_admin_changes_a_post(
    api: Api, ada: dict[str, Any], admin: dict[str, Any]
) -> None:
    post = write(api, ada)
    bob = api.signup("bob@example.com")
    assert_problem(api.call("PATCH", f"{POSTS}/{post['id']}", bob, json={"title": "x"}), 403)
    assert_problem(api.call("DELETE", f"{POSTS}/{post['id']}", bob), 403)
    assert api.call("DELETE", f"{POSTS}/{post['id']}", admin).status_code == 204


def test_paging_by_cursor_with_a_next_link(api: Api, ada: dict[str, Any]) -> None:
    ids = [write(api, ada, f"Post {n}")["id"] for n in range(5)]
    first = api.call("GET", POSTS, query_string={"limit": 2})
    assert [p["id"] for p in first.json["posts"]] == ids[::-1][:2]
    cursor = first.json["next_cursor"]
    assert first.headers["Link"] == f'<{POSTS}?limit=2&cursor={cursor}>; rel="next"'
    second = api.call("GET", POSTS, query_string={"limit": 2, "cursor": cursor})
    third = api.call("GET", POSTS, query_string={"limit": 2, "cursor": second.json["next_cursor"]})
    assert [p["id"] for p in second.json["posts"] + third.json["posts"]] == ids[::-1][2:]
    assert third.json["next_cursor"] is None
    assert "Link" not in third.headers


def test_a_forged_or_foreign_cursor_is_422_on_cursor(api: Api, ada: dict[str, Any]) -> None:
    for n in range(3):
        write(api, ada, f"Post {n}")
    cursor = api.call("GET", POSTS, query_string={"limit": 1}).json["next_cursor"]
    mine = f"/api/v1/users/{ada['user']['id']}/posts"
    foreign = api.call("GET", mine, query_string={"limit": 1, "cursor": cursor})
    body = assert_problem(foreign, 422)
    assert body["errors"][0]["loc"] == ["query", "cursor"]
    for forged in ("AAAA" + cursor[4:], ""):  # nor was an empty one issued
        refused = assert_problem(api.call("GET", POSTS, query_string={"cursor": forged}), 422)
        assert refused["errors"][0]["loc"] == ["query", "cursor"]
    assert_problem(api.call("GET", POSTS, query_string={"limit": 101}), 422)


def test_one_users_posts_and_an_unknown_user(api: Api, ada: dict[str, Any]) -> None:
    write(api, ada)
    bob = api.signup("bob@example.com")
    write(api, bob, "Bob's")
    mine = api.call("GET", f"/api/v1/users/{ada['user']['id']}/posts").json
    assert [p["title"] for p in mine["posts"]] == ["On engines"]
    unknown = api.call("GET", "/api/v1/users/01900000-0000-7000-8000-000000000000/posts")
    assert_problem(unknown, 404)


def test_deleting_a_user_deletes_their_posts(
    api: Api, ada: dict[str, Any], admin: dict[str, Any]
) -> None:
    post = write(api, ada)
    assert api.call("DELETE", f"/api/v1/users/{ada['user']['id']}", admin).status_code == 204
    assert_problem(api.call("GET", f"{POSTS}/{post['id']}"), 404)


def test_an_unknown_query_parameter_is_422_not_ignored(api: Api) -> None:
    body = assert_problem(api.call("GET", f"{POSTS}?limt=5"), 422)
    assert body["errors"] == [
        {"loc": ["query", "limt"], "msg": "Unknown parameter", "type": "extra_forbidden"}
    ]
