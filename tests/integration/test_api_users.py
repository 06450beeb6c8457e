"""/api/v1/users, row by row and error by error of API.md."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.support.api import Api, assert_problem

UNKNOWN_ID = "01938f0e-7c2a-7d1e-9b1a-3c4d5e6f7a8b"


def user_path(tokens: dict[str, Any]) -> str:
    return f"/api/v1/users/{tokens['user']['id']}"


def test_list_users_as_admin_with_pagination_and_links(api: Api, admin: dict[str, Any]) -> None:
    for n in range(4):
        assert api.register(f"user{n}@example.com").status_code == 201
    response = api.call("GET", "/api/v1/users?page=2&per_page=2", admin)
    assert response.status_code == 200
    body = response.json
    assert body is not None
    assert (body["total"], body["page"], body["per_page"], body["pages"]) == (5, 2, 2, 3)
    assert [u["email"] for u in body["users"]] == ["user1@example.com", "user2@example.com"]
    links = response.headers["Link"]
    assert '</api/v1/users?page=3&per_page=2>; rel="next"' in links
    assert '</api/v1/users?page=1&per_page=2>; rel="prev"' in links
    assert '</api/v1/users?page=3&per_page=2>; rel="last"' in links


def test_list_users_defaults_to_page_1_of_20(api: Api, admin: dict[str, Any]) -> None:
    body = api.call("GET", "/api/v1/users", admin).json
    assert body is not None
    assert (body["page"], body["per_page"], body["total"]) == (1, 20, 1)


def test_list_users_past_the_last_page_is_empty(api: Api, admin: dict[str, Any]) -> None:
    response = api.call("GET", "/api/v1/users?page=5", admin)
    assert response.status_code == 200
    assert response.json is not None
    assert response.json["users"] == []
    assert 'rel="prev"' in response.headers["Link"]


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=-1",
        "page=10000001",
        "page=99999999999999999999999",
        "per_page=0",
        "per_page=101",
        "page=x",
        "per_page=1.5",
        "limit=0",
        "limit=101",
        "page=1&cursor=abc",
        "per_page=5&cursor=abc",
        "page=2&limit=5",
        "cursor=forged",
        "cursor=",
    ],
)
def test_list_users_bad_paging_is_422(api: Api, admin: dict[str, Any], query: str) -> None:
    problem = assert_problem(api.call("GET", f"/api/v1/users?{query}", admin), 422)
    assert problem["errors"][0]["loc"][0] == "query"


def test_list_users_by_cursor_in_creation_order(api: Api, admin: dict[str, Any]) -> None:
    for n in range(4):
        assert api.register(f"user{n}@example.com").status_code == 201
    first = api.call("GET", "/api/v1/users?limit=2", admin)
    body = first.json
    assert set(body) == {"users", "next_cursor"}  # no counting when paging by cursor
    assert [u["email"] for u in body["users"]] == ["root@example.com", "user0@example.com"]
    cursor = body["next_cursor"]
    assert first.headers["Link"] == f'</api/v1/users?limit=2&cursor={cursor}>; rel="next"'
    assert api.register("late@example.com").status_code == 201  # added meanwhile
    second = api.call("GET", f"/api/v1/users?limit=2&cursor={cursor}", admin).json
    assert [u["email"] for u in second["users"]] == ["user1@example.com", "user2@example.com"]
    rest = api.call("GET", f"/api/v1/users?cursor={second['next_cursor']}", admin).json
    assert [u["email"] for u in rest["users"]] == ["user3@example.com", "late@example.com"]
    assert rest["next_cursor"] is None


def test_a_page_by_number_carries_the_cursor_to_go_on(api: Api, admin: dict[str, Any]) -> None:
    for n in range(3):
        api.register(f"user{n}@example.com")
    page = api.call("GET", "/api/v1/users?page=1&per_page=2", admin).json
    assert page["total"] == 4
    after = api.call("GET", f"/api/v1/users?cursor={page['next_cursor']}&limit=2", admin).json
    assert [u["email"] for u in after["users"]] == ["user1@example.com", "user2@example.com"]
    last = api.call("GET", "/api/v1/users?page=2&per_page=2", admin).json
    assert last["next_cursor"] is None
    refused = assert_problem(api.call("GET", "/api/v1/users?page=1&cursor=x", admin), 422)
    assert refused["errors"][0]["loc"] == ["query", "cursor"]


def test_list_users_as_non_admin_is_403(api: Api) -> None:
    assert_problem(api.call("GET", "/api/v1/users", api.signup()), 403, "forbidden")


def test_get_user_self_and_admin(api: Api, admin: dict[str, Any]) -> None:
    ada = api.signup()
    assert api.call("GET", user_path(ada), ada).json == ada["user"]
    assert api.call("GET", user_path(ada), admin).json == ada["user"]


def test_s28_non_admin_gets_403_for_any_other_id(api: Api, admin: dict[str, Any]) -> None:
    ada = api.signup()
    for path in (user_path(admin), f"/api/v1/users/{UNKNOWN_ID}"):
        for method in ("GET", "PATCH", "PUT", "DELETE"):
            assert_problem(api.call(method, path, ada, json={"name": "x"}), 403)


def test_admin_gets_404_for_an_unknown_id(api: Api, admin: dict[str, Any]) -> None:
    path = f"/api/v1/users/{UNKNOWN_ID}"
    assert_problem(api.call("GET", path, admin), 404)
    assert_problem(api.call("PATCH", path, admin, json={"name": "x"}), 404)
    assert_problem(api.call("DELETE", path, admin), 404)


@pytest.mark.parametrize("bad_id", ["123", "not-a-uuid", "01938f0e7c2a", UNKNOWN_ID + "0"])
def test_a_malformed_id_is_404(api: Api, bad_id: str) -> None:
    tokens = api.signup()
    assert_problem(api.call("GET", f"/api/v1/users/{bad_id}", tokens), 404)


@pytest.mark.parametrize("method", ["PATCH", "PUT"])
def test_update_self_partially(api: Api, method: str) -> None:
    ada = api.signup()
    response = api.call(method, user_path(ada), ada, json={"name": "  Countess  "})
    assert response.status_code == 200
    body = response.json
    assert body is not None
    assert (body["name"], body["email"]) == ("Countess", "ada@example.com")


def test_an_admin_updates_an_email_then_the_user_logs_in_with_it(
    api: Api, admin: dict[str, Any]
) -> None:
    ada = api.signup()
    response = api.call("PATCH", user_path(ada), admin, json={"email": "Countess@Example.com"})
    assert response.json is not None
    assert response.json["email"] == "countess@example.com"
    assert response.json["email_verified"] is False
    assert api.login("countess@example.com").status_code == 200


def test_update_to_a_taken_email_is_409(api: Api, admin: dict[str, Any]) -> None:
    ada = api.signup()
    problem = assert_problem(
        api.call("PATCH", user_path(ada), admin, json={"email": "root@example.com"}), 409
    )
    assert problem["type"].endswith("/email-taken")


@pytest.mark.parametrize(
    "body",
    [{"role": "admin"}, {"is_active": False}, {"role": "user"}, {"name": "x", "role": "admin"}],
)
def test_s27_non_admin_sending_role_or_is_active_is_403(api: Api, body: dict[str, Any]) -> None:
    ada = api.signup()
    assert_problem(api.call("PATCH", user_path(ada), ada, json=body), 403)
    assert api.call("GET", "/api/v1/auth/me", ada).json == ada["user"]


@pytest.mark.parametrize(
    "body",
    [
        {"id": str(uuid.uuid4())},
        {"password_hash": "x"},
        {"created_at": "2020-01-01T00:00:00Z"},
        {"email": None},
        {"name": None},
        {"name": 7},
        {"is_active": "false"},
        {"role": "superuser"},
        {"email": "not an email"},
    ],
)
def test_s27_update_refuses_unknown_nulls_and_wrong_types_with_422(
    api: Api, admin: dict[str, Any], body: dict[str, Any]
) -> None:
    ada = api.signup()
    assert_problem(api.call("PATCH", user_path(ada), admin, json=body), 422)
    assert api.call("GET", user_path(ada), admin).json == ada["user"]


def test_admin_changes_role_and_deactivates(api: Api, admin: dict[str, Any]) -> None:
    ada = api.signup()
    promoted = api.call("PATCH", user_path(ada), admin, json={"role": "admin"})
    assert promoted.json is not None
    assert promoted.json["role"] == "admin"
    assert api.call("GET", "/api/v1/users", ada).status_code == 200  # at once, same token
    deactivated = api.call("PATCH", user_path(ada), admin, json={"is_active": False})
    assert deactivated.json is not None
    assert deactivated.json["is_active"] is False
    assert_problem(api.call("GET", "/api/v1/auth/me", ada), 401)
    assert_problem(api.login(), 401, "invalid-credentials")


def test_last_admin_cannot_demote_themselves(api: Api, admin: dict[str, Any]) -> None:
    assert_problem(
        api.call("PATCH", user_path(admin), admin, json={"role": "user"}), 409, "last-admin"
    )
    assert_problem(api.call("DELETE", user_path(admin), admin), 409, "last-admin")


def test_delete_self_is_204_and_ends_sessions(api: Api) -> None:
    ada = api.signup()
    assert api.call("DELETE", user_path(ada), ada).status_code == 204
    assert_problem(api.call("GET", "/api/v1/auth/me", ada), 401)
    assert_problem(api.login(), 401)
    assert api.register().status_code == 201


def test_admin_deletes_a_user(api: Api, admin: dict[str, Any]) -> None:
    ada = api.signup()
    assert api.call("DELETE", user_path(ada), admin).status_code == 204
    assert_problem(api.call("GET", user_path(ada), admin), 404)
    assert_problem(api.call("GET", "/api/v1/auth/me", ada), 401)


def test_no_user_representation_holds_a_secret(api: Api, admin: dict[str, Any]) -> None:
    """S8: no password, hash or token in any user body."""
    ada = api.signup()
    bodies = [
        api.call("GET", user_path(ada), admin).get_data(as_text=True),
        api.call("GET", "/api/v1/users", admin).get_data(as_text=True),
        api.call("GET", "/api/v1/auth/me", ada).get_data(as_text=True),
    ]
    for body in bodies:
        assert "argon2" not in body
        assert "password" not in body
        assert ada["refresh_token"] not in body


@pytest.mark.parametrize("field", ["email", "name", "role", "is_active"])
def test_null_for_a_field_is_a_plain_422_on_that_field(
    api: Api, admin: dict[str, Any], field: str
) -> None:
    """Found by schemathesis: pydantic's union branches used to leak into ``loc``."""
    ada = api.signup()
    problem = assert_problem(api.call("PATCH", user_path(ada), admin, json={field: None}), 422)
    assert [e["loc"] for e in problem["errors"]] == [["body", field]]
