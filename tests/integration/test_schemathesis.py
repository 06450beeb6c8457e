"""Schema-driven fuzzing: every operation of the served OpenAPI document must answer
a documented status with a body that matches its documented schema, and never a 5xx.

Cases go to the Flask app in-process (schemathesis' WSGI transport), with a real
admin's bearer token. The app and its SQLite database are this module's own,
made when it is imported (schemathesis reads the document then) and removed
when it is done.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from alembic import command
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from adapters.persistence.sqlalchemy.migrations import alembic_config
from main import create_app
from tests.support.api import ADMIN_PASSWORD, Api, make_settings

# Per operation in `make test`; `make fuzz` sets FUZZ_EXAMPLES higher.
MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
# Left out: "schema-valid request rejected". JSON Schema cannot say "not a common
# password", "not containing the email's local part" or "8 characters after
# NFKC", so a schema-valid body can rightly get a 422 naming the rule. Every
# other check runs, "schema-invalid request accepted" (mass assignment) included.
EXCLUDED = [positive_data_acceptance]

FOLDER = Path(tempfile.mkdtemp(prefix="accounts-fuzz-"))
DATABASE = f"sqlite:///{FOLDER / 'fuzz.db'}"
command.upgrade(alembic_config(DATABASE), "head")
APP = create_app(make_settings(DATABASE, login_throttle_limit=10**6, address_throttle_limit=10**6))
# What counts as refusing a schema-invalid request: schemathesis' own list,
# and 413, the answer to a body over MAX_BODY_BYTES before it is even read.
REFUSALS = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]
CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"negative_data_rejection": {"expected-statuses": REFUSALS}}}
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP, config=CONFIG)
ADMIN = "fuzz-admin@example.com"


@pytest.fixture(scope="module", autouse=True)
def remove_the_database() -> Iterator[None]:
    yield
    shutil.rmtree(FOLDER, ignore_errors=True)


@cache
def admin() -> Api:
    """A real admin, so that admin operations get past authorisation."""
    runner = APP.test_cli_runner()
    runner.invoke(
        args=["create-admin", "--email", ADMIN, "--name", "Fuzz", "--password-stdin"],
        input=ADMIN_PASSWORD,
    )
    api = Api(APP.test_client())
    api.signup("someone@example.com")
    return api


TOKEN: list[str] = []


def live_admin_token() -> str:
    """The admin's access token, signed in again whenever a case has ended its
    session (a logout, "log out everywhere", a session deleted)."""
    api = admin()
    alive = TOKEN and api.client.get("/api/v1/auth/me", headers=bearer(TOKEN[0])).status_code == 200
    if not alive:
        TOKEN[:] = [api.tokens(ADMIN, ADMIN_PASSWORD)["access_token"]]
    return TOKEN[0]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@schema.auth(refresh_interval=None)
class AdminBearer:
    """The admin's token on every case, but those that test a missing or
    broken ``Authorization``: schemathesis leaves it off them, where a header
    passed by hand would turn each into an accepted "invalid" request."""

    def get(self, case: Any, context: Any) -> str:
        return live_admin_token()

    def set(self, case: Any, token: str, context: Any) -> None:
        case.headers = {**(case.headers or {}), **bearer(token)}


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_conforms_to_the_document(case: Any) -> None:
    case.call_and_validate(excluded_checks=EXCLUDED)


class Workflows(schema.as_state_machine()):  # type: ignore[misc]
    """Stateful runs along the document's links: register, then read, update or
    delete that very user; list sessions, then end one of them."""

    def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
        case.validate_response(response, excluded_checks=EXCLUDED, transport_kwargs=kwargs or None)


TestWorkflows = Workflows.TestCase
TestWorkflows.settings = settings(
    max_examples=max(2, MAX_EXAMPLES // 3),
    stateful_step_count=6,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
