"""Past EXACT_COUNT_LIMIT rows the list's total is the database's estimate, and says so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from adapters.persistence.sqlalchemy import repositories
from main import DATABASE_ENGINE, create_app
from tests.support.api import ADMIN_PASSWORD, Api, make_settings
from tests.support.servers import SERVERS, migrated_database

ANALYZE = {"postgresql": "ANALYZE users", "mariadb": "ANALYZE TABLE users"}


@pytest.fixture(params=sorted(SERVERS))
def api(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Api]]:
    with migrated_database(request.param, tmp_path) as url:
        app = create_app(make_settings(url))
        runner = app.test_cli_runner()
        runner.invoke(
            args=["create-admin", "--email", "root@example.com", "--name", "R", "--password-stdin"],
            input=ADMIN_PASSWORD,
        )
        yield request.param, Api(app.test_client())
        app.extensions[DATABASE_ENGINE].dispose()


def test_total_is_exact_below_the_limit_and_an_estimate_above(
    api: tuple[str, Api], monkeypatch: pytest.MonkeyPatch
) -> None:
    kind, client = api
    for n in range(9):
        client.register(f"user{n}@example.com")
    admin = client.tokens("root@example.com", ADMIN_PASSWORD)
    exact = client.call("GET", "/api/v1/users?per_page=3", admin).json
    assert exact is not None
    assert (exact["total"], exact["total_is_estimate"], exact["pages"]) == (10, False, 4)

    engine = client.client.application.extensions[DATABASE_ENGINE]
    with engine.begin() as connection:
        connection.execute(text(ANALYZE[kind]))
    monkeypatch.setattr(repositories, "EXACT_COUNT_LIMIT", 5)
    estimated = client.call("GET", "/api/v1/users?per_page=3", admin).json
    assert estimated is not None
    assert estimated["total_is_estimate"] is True
    assert 5 <= estimated["total"] <= 20  # the planner's figure, near the real 10
    assert len(estimated["users"]) == 3
