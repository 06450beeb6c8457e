"""The pages' forms under any input: random values in every field a form
could carry, posted with a valid CSRF token, to every form, signed in or
not, with odd query strings. Whatever arrives, the answer is a page (a form
with its errors, a redirect, a 4xx page), never a 5xx: the schemathesis
test's promise for the API, kept for the pages.

`make fuzz` runs it deeper (FUZZ_EXAMPLES); 2,000 examples found nothing
on 2026-12-04.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from alembic import command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.persistence.sqlalchemy.migrations import alembic_config
from main import create_app
from tests.support.api import ADMIN_PASSWORD, Api, make_settings
from tests.support.browser import ORIGIN, Browser, csrf_token

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
# Every field name PAGES.md gives, and the few a form adds of its own.
FIELDS = [
    "email",
    "password",
    "name",
    "current_password",
    "new_password",
    "code",
    "recovery_code",
    "title",
    "content",
    "new_email",
    "remember",
    "role",
    "is_active",
    "session_id",
]
VALUES = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=300),  # any Unicode text
    st.sampled_from(["", " ", "\x00", "a" * 70_000, "é" * 70, "<script>", "-1", "1e999", "y"]),
)
QUERIES = ["", "?next=//evil.example", "?next=%00", "?cursor=%ff%fe", "?q=%ff", "?page=-1"]


@dataclass(frozen=True)
class Site:
    visitor: Browser
    admin: Browser
    forms: list[tuple[str, Browser]]

    def sign_the_admin_in(self) -> None:
        """Again, if a case ended the admin's session ("Sign out everywhere"):
        else the signed-in forms would only redirect to /sign-in."""
        if self.admin.get("/account").status_code != 200:
            assert self.admin.sign_in("root@example.com", ADMIN_PASSWORD).status_code == 303


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    database = f"sqlite:///{tmp_path_factory.mktemp('pages-fuzz') / 'accounts.db'}"
    command.upgrade(alembic_config(database), "head")
    app = create_app(
        make_settings(database, login_throttle_limit=10**6, address_throttle_limit=10**6)
    )
    app.test_cli_runner().invoke(
        args=["create-admin", "--email", "root@example.com", "--name", "Root", "--password-stdin"],
        input=ADMIN_PASSWORD,
    )
    visitor, admin = Browser(app.test_client()), Browser(app.test_client())
    ada = Api(app.test_client()).signup("ada@example.com")
    post = admin.client.post(
        "/api/v1/posts",
        json={"title": "On engines", "content": "Looms."},
        headers={"Authorization": f"Bearer {ada['access_token']}"},
    ).json
    assert post is not None
    forms = [(path, visitor) for path in ("/sign-up", "/sign-in", "/forgot-password")]
    forms += [
        (path, visitor)
        for path in (
            "/reset-password/not-a-token",
            "/verify-email/not-a-token",
            "/confirm-email/not-a-token",
            "/undo-email-change/not-a-token",
            "/new-device/not-a-token",
            "/sign-in/second-factor",
        )
    ]
    forms += [
        (path, admin)
        for path in (
            "/account",
            "/account/password",
            "/account/email",
            "/account/sessions",
            "/account/security/totp",
            "/posts/new",
            f"/posts/{post['id']}/edit",
            f"/admin/users/{ada['user']['id']}",
        )
    ]
    return Site(visitor, admin, forms)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    form=st.integers(min_value=0),
    data=st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=6),
    query=st.sampled_from(QUERIES),
)
def test_no_form_answers_any_input_with_a_server_error(
    site: Site, form: int, data: dict[str, str], query: str
) -> None:
    site.sign_the_admin_in()
    path, browser = site.forms[form % len(site.forms)]
    page = browser.get(path + query)
    assert page.status_code < 500, (path + query, page.status_code)
    token = csrf_token(page) if 'name="csrf_token"' in page.text else ""
    answer = browser.client.post(
        path + query,
        data={"csrf_token": token, **data},
        headers={"Origin": ORIGIN, "Sec-Fetch-Site": "same-origin"},
    )
    assert answer.status_code < 500, (path + query, data, answer.status_code)


@pytest.mark.parametrize(
    "path",
    [
        "/posts?cursor=%ff",
        "/admin/users?q=%ff%00",
        "/admin/users?page=99999999999999999999",
        "/admin/users?page=-5",
        "/account/activity?cursor=x",
        "/users/not-a-uuid/posts",
        "/sign-in?next=javascript:alert(1)",
    ],
)
def test_odd_addresses_get_a_page_not_a_server_error(site: Site, path: str) -> None:
    site.sign_the_admin_in()
    assert site.admin.get(path).status_code < 500
