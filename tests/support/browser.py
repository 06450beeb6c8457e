"""A person at the pages, through Flask's test client: forms posted as a
browser posts them, with the page's CSRF token and this site's Origin."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.api import PASSWORD

ORIGIN = "http://localhost"
_CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def csrf_token(page: TestResponse) -> str:
    match = _CSRF.search(page.get_data(as_text=True))
    assert match is not None, "the page has no CSRF token"
    return match.group(1)


def field_error(page: TestResponse, field: str) -> str:
    """The error shown beside ``field``, tied to it by aria-describedby."""
    html = page.get_data(as_text=True)
    match = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html)
    assert match is not None, f"no error beside {field}"
    assert re.search(rf'id="{field}"[^>]*aria-describedby="[^"]*{field}-error', html) or re.search(
        rf'aria-describedby="[^"]*{field}-error[^"]*"[^>]*id="{field}"', html
    ), f"{field} is not tied to its error"
    return match.group(1)


def form_error(page: TestResponse) -> str:
    match = re.search(r'<div class="alert alert-error" role="alert">\s*<p>([^<]*)</p>', page.text)
    assert match is not None, "no error at the top of the form"
    return match.group(1)


@dataclass
class Browser:
    client: FlaskClient

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.get(path, **kwargs)

    def submit(
        self, page_path: str, data: dict[str, str], action: str | None = None, **headers: str
    ) -> TestResponse:
        """Open ``page_path``, fill its form with ``data`` and send it (to ``action``)."""
        page = self.client.get(page_path)
        assert page.status_code == 200, page.status_code
        return self.client.post(
            action or page_path,
            data={"csrf_token": csrf_token(page), **data},
            headers={"Origin": ORIGIN, "Sec-Fetch-Site": "same-origin", **headers},
        )

    def sign_up(self, email: str = "ada@example.com", name: str = "Ada Lovelace") -> TestResponse:
        return self.submit("/sign-up", {"name": name, "email": email, "password": PASSWORD})

    def sign_in(
        self, email: str = "ada@example.com", password: str = PASSWORD, remember: bool = False
    ) -> TestResponse:
        data = {"email": email, "password": password} | ({"remember": "y"} if remember else {})
        return self.submit("/sign-in", data)
