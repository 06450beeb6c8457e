"""S11 through the app: the 429, X-Forwarded-For, and Redis outages."""

from __future__ import annotations

import pytest
from flask import Flask

from main import create_app
from tests.support.api import PASSWORD, Api, assert_problem, make_settings
from tests.support.servers import free_port, redis_url


@pytest.fixture
def redis_app(database_url: str, prefix: str) -> Flask:
    return create_app(make_settings(database_url, redis_url=redis_url(), redis_prefix=prefix))


def test_s11_login_is_429_with_retry_after_after_ten_failures(redis_app: Flask) -> None:
    api = Api(redis_app.test_client())
    api.register()
    for _ in range(10):
        assert_problem(api.login(password="wrong password"), 401)
    response = api.login()  # even the right password is not checked now
    body = assert_problem(response, 429, "throttled")
    assert 1 <= int(response.headers["Retry-After"]) <= 900
    assert "access_token" not in response.get_data(as_text=True)
    assert body["title"] == "Too Many Requests"


def test_s11_a_changing_x_forwarded_for_from_an_untrusted_peer_does_not_bypass(
    database_url: str, prefix: str
) -> None:
    settings = make_settings(
        database_url, redis_url=redis_url(), redis_prefix=prefix, address_throttle_limit=5
    )
    api = Api(create_app(settings).test_client())
    answers = [
        api.client.post(
            "/api/v1/auth/login",
            json={"email": f"user{n}@example.com", "password": "wrong password"},
            headers={"X-Forwarded-For": f"203.0.113.{n}"},
        ).status_code
        for n in range(8)
    ]
    assert answers == [401] * 5 + [429] * 3


def test_trusted_proxies_make_x_forwarded_for_the_client_address(
    database_url: str, prefix: str
) -> None:
    settings = make_settings(
        database_url,
        redis_url=redis_url(),
        redis_prefix=prefix,
        address_throttle_limit=2,
        trusted_proxies=1,
    )
    api = Api(create_app(settings).test_client())

    def login_from(address: str) -> int:
        return api.client.post(
            "/api/v1/auth/login",
            json={"email": "ada@example.com", "password": "wrong password"},
            headers={"X-Forwarded-For": address},
        ).status_code

    assert [login_from("203.0.113.1") for _ in range(3)] == [401, 401, 429]
    assert login_from("203.0.113.2") == 401  # another client behind the proxy


@pytest.mark.parametrize(("fail_open", "status"), [(False, 503), (True, 401)])
def test_login_with_redis_down_is_503_or_allowed_never_500(
    database_url: str, fail_open: bool, status: int
) -> None:
    settings = make_settings(
        database_url, redis_url=f"redis://127.0.0.1:{free_port()}/0", throttle_fail_open=fail_open
    )
    api = Api(create_app(settings).test_client())
    response = api.client.post(
        "/api/v1/auth/login", json={"email": "ada@example.com", "password": PASSWORD}
    )
    assert_problem(response, status)
    ready = assert_problem(api.client.get("/health/ready"), 503)
    assert ready["checks"] == {"database": "ok", "redis": "unavailable"}


def test_ready_names_redis_when_configured(redis_app: Flask) -> None:
    response = redis_app.test_client().get("/health/ready")
    assert response.json == {"status": "ready", "checks": {"database": "ok", "redis": "ok"}}


def test_without_redis_the_throttle_counts_in_the_database(api: Api) -> None:
    api.register()
    answers = [api.login(password="wrong password").status_code for _ in range(11)]
    assert answers == [401] * 10 + [429]
