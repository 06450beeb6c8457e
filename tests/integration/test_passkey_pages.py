"""The passkey pages through the test client: what passkeys.js asks and
sends, answered by a software authenticator (the browser test drives the
script itself)."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from main import create_app
from tests.support.api import Api, make_settings, verified_signup
from tests.support.authenticator import SoftAuthenticator
from tests.support.browser import ORIGIN as SITE
from tests.support.browser import Browser, csrf_token, form_error

PUBLIC_URL = "https://accounts.example"
SAME_SITE = {"Origin": SITE, "Sec-Fetch-Site": "same-origin"}


@pytest.fixture
def app(database_url: str) -> Flask:
    return create_app(make_settings(database_url, public_url=PUBLIC_URL))


@pytest.fixture
def ada(app: Flask) -> Browser:
    verified_signup(app, Api(app.test_client()))
    browser = Browser(app.test_client())
    assert browser.sign_in().status_code == 303
    return browser


def post(browser: Browser, page_path: str, action: str, data: dict[str, str]) -> TestResponse:
    token = csrf_token(browser.get(page_path))
    return browser.client.post(action, data={"csrf_token": token, **data}, headers=SAME_SITE)


def ceremony(
    browser: Browser, page: str, options_path: str, action: str, key: SoftAuthenticator, **data: str
) -> TestResponse:
    """What passkeys.js does: options, the authenticator's answer, the post."""
    token = csrf_token(browser.get(page))
    options = browser.client.post(
        options_path, data={"csrf_token": token, **data}, headers=SAME_SITE
    )
    assert options.status_code == 200, options.get_data(as_text=True)
    answer = key.create(options.json) if "rp" in options.json else key.get(options.json)
    return browser.client.post(
        action,
        data={"csrf_token": token, "credential": json.dumps(answer), **data},
        headers=SAME_SITE,
    )


def test_a_passkey_added_on_the_page_signs_in_alone_and_as_a_second_step(ada: Browser) -> None:
    key = SoftAuthenticator(PUBLIC_URL)
    security = "/account/security"
    added = ceremony(
        ada, security, security + "/passkeys/options", security + "/passkeys", key, name="Phone"
    )
    assert (added.status_code, added.headers["Location"]) == (303, security)
    page = ada.get(security).get_data(as_text=True)
    assert "Passkey “Phone” added." in page
    assert "<strong>Phone</strong>" in page

    ada.submit("/account", {}, "/sign-out")
    assert ada.sign_in().headers["Location"] == "/sign-in/second-factor"
    second = ada.get("/sign-in/second-factor").get_data(as_text=True)
    assert ">Use a passkey</button>" in second
    assert ">Verify</button>" not in second  # no authenticator app to ask for
    done = ceremony(
        ada,
        "/sign-in/second-factor",
        "/sign-in/second-factor/passkey/options",
        "/sign-in/second-factor/passkey",
        key,
    )
    assert (done.status_code, done.headers["Location"]) == (303, "/account")

    ada.submit("/account", {}, "/sign-out")
    alone = ceremony(
        ada, "/sign-in", "/sign-in/passkey/options", "/sign-in/passkey?next=/posts", key
    )
    assert (alone.status_code, alone.headers["Location"]) == (303, "/posts")


def test_the_options_say_which_field_is_wrong(ada: Browser) -> None:
    security = "/account/security"
    answer = post(ada, security, security + "/passkeys/options", {"name": " "})
    assert answer.status_code == 422
    assert answer.json == {"field": "name", "message": "Give the passkey a name."}


def test_a_passkey_that_proves_nothing_is_refused_where_it_was_given(ada: Browser) -> None:
    security = "/account/security"
    page = post(ada, security, security + "/passkeys", {"name": "Phone", "credential": '{"id": 1}'})
    assert page.status_code == 400
    assert "could not be added" in form_error(page)
    ada.submit("/account", {}, "/sign-out")
    refused = post(ada, "/sign-in", "/sign-in/passkey", {"credential": '{"id": 1}'})
    assert refused.status_code == 401
    assert "did not sign you in" in form_error(refused)


def test_the_second_step_options_need_a_password_step(app: Flask) -> None:
    browser = Browser(app.test_client())
    answer = post(browser, "/sign-in", "/sign-in/second-factor/passkey/options", {})
    assert answer.status_code == 401
    assert "start again with your password" in answer.json["message"]


def test_a_passkey_is_renamed_on_its_page(ada: Browser) -> None:
    key = SoftAuthenticator(PUBLIC_URL)
    security = "/account/security"
    ceremony(
        ada, security, security + "/passkeys/options", security + "/passkeys", key, name="Phone"
    )
    page = ada.get(security).get_data(as_text=True)
    path = page.split('<a href="/account/security/passkeys/', 1)[1].split('"', 1)[0]
    own = f"{security}/passkeys/{path}"
    bad = ada.submit(own, {"name": ""})
    assert bad.status_code == 422
    assert "Give the passkey a name." in bad.get_data(as_text=True)
    done = ada.submit(own, {"name": "Old phone"})
    assert (done.status_code, done.headers["Location"]) == (303, security)
    assert "<strong>Old phone</strong>" in ada.get(security).get_data(as_text=True)
