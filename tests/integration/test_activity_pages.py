"""/account/activity: a person's own security events in words, "Older" by cursor."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from tests.support.api import Api
from tests.support.browser import Browser

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
ACTIVITY = "/account/activity"


def lines(page_text: str) -> list[str]:
    return re.findall(r"</time> <span>([^<]*)</span>", page_text)


def test_a_person_reads_their_sign_ins_and_failed_attempts_in_words(app: Flask) -> None:
    browser = Browser(app.test_client())
    assert browser.sign_up().status_code == 303
    assert browser.submit("/account", {}, action="/sign-out").status_code == 303
    wrong = browser.submit("/sign-in", {"email": "ada@example.com", "password": "not it at all"})
    assert wrong.status_code == 401
    signed_in = browser.submit(
        "/sign-in",
        {"email": "ada@example.com", "password": "correct horse battery staple"},
        **{"User-Agent": FIREFOX, "X-Forwarded-For": "ignored"},
    )
    assert signed_in.status_code == 303
    page = browser.get(ACTIVITY)
    assert page.status_code == 200
    assert lines(page.text) == [
        "Signed in from Firefox on Linux, 127.0.0.1",
        # Another browser than the one that registered: a new device (S52).
        "Sign-in from a new device; an email was sent about it from Firefox on Linux, 127.0.0.1",
        "Failed sign-in: wrong password from 127.0.0.1",
        "Signed out from 127.0.0.1",
        "Signed in from 127.0.0.1",
        "Verification email sent from 127.0.0.1",
        "Account created from 127.0.0.1",
    ]
    assert '<time datetime="' in page.text
    assert "Older" not in page.text
    assert 'href="/account/activity"' in browser.get("/account").text


def test_an_admins_change_says_so_and_older_events_are_a_link_away(
    app: Flask, api: Api, admin: dict[str, Any], ada: Browser
) -> None:
    user_id = api.call("GET", "/api/v1/users?per_page=100", admin).json["users"][-1]["id"]
    api.call("PATCH", f"/api/v1/users/{user_id}", admin, json={"name": "Countess"})
    assert lines(ada.get(ACTIVITY).text)[0] == (
        "Account details changed (name) from 127.0.0.1 by an administrator"
    )
    for _ in range(20):
        api.login()
    first = ada.get(ACTIVITY).text
    assert len(lines(first)) == 20
    older = re.search(r'<a href="(\?cursor=[^"]+)" rel="next">Older</a>', first)
    assert older is not None
    rest = lines(ada.get(ACTIVITY + older.group(1)).text)
    assert rest[-1] == "Account created from 127.0.0.1"
    assert ada.get(ACTIVITY + "?cursor=mangled").status_code == 404
    assert ada.get(ACTIVITY + "?cursor=").status_code == 200  # the first page


def test_activity_is_for_the_signed_in(app: Flask) -> None:
    visitor = app.test_client().get(ACTIVITY)
    assert visitor.status_code == 303
    assert visitor.location.startswith("/sign-in")
