"""New-device alerts through the app (S52): an API login from another
browser and network is mailed; the mail's link, opened on the pages, ends
that session and leads to choosing a new password."""

from __future__ import annotations

from flask import Flask
from playwright.sync_api import Browser as ChromeBrowser
from playwright.sync_api import expect

from domain.mail import MailKind
from tests.support.api import PASSWORD, Api
from tests.support.browser import ORIGIN as SITE
from tests.support.browser import Browser, csrf_token, form_error
from tests.support.mailbox import outbox, token
from tests.support.person import Person

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
AWAY = "198.51.100.4"


def login_from_away(app: Flask) -> dict[str, str]:
    client = app.test_client()
    client.environ_base.update(REMOTE_ADDR=AWAY, HTTP_USER_AGENT=FIREFOX_WINDOWS)
    answer = client.post(
        "/api/v1/auth/login", json={"email": "ada@example.com", "password": PASSWORD}
    )
    assert answer.status_code == 200, answer.json
    return dict(answer.json)


def test_a_login_from_a_new_device_is_mailed_and_can_be_disowned(app: Flask, api: Api) -> None:
    api.signup()  # registered and signed in from the test client's own device
    assert [m for m in outbox(app) if m.kind is MailKind.NEW_DEVICE] == []
    intruder = login_from_away(app)
    (mail,) = [m for m in outbox(app) if m.kind is MailKind.NEW_DEVICE]
    assert "Firefox on Windows" in mail.text
    assert AWAY in mail.text
    assert "This was not me" in (mail.html or "")
    link_token = token(app, MailKind.NEW_DEVICE)

    ada = Browser(app.test_client())
    page = ada.get(f"/new-device/{link_token}")
    assert page.status_code == 200
    assert "Firefox on Windows" in page.get_data(as_text=True)
    done = ada.client.post(
        f"/new-device/{link_token}",
        data={"csrf_token": csrf_token(page)},
        headers={"Origin": SITE, "Sec-Fetch-Site": "same-origin"},
    )
    assert done.status_code == 303
    assert done.headers["Location"].startswith("/reset-password/")
    assert api.call("GET", "/api/v1/auth/me", intruder).status_code == 401
    reset = ada.get(done.headers["Location"])
    assert reset.status_code == 200
    assert "That device is signed out" in reset.get_data(as_text=True)

    again = ada.get(f"/new-device/{link_token}")
    assert again.status_code == 400
    assert form_error(again)
    activity = api.call("GET", "/api/v1/auth/activity", api.tokens()).json
    types = [event["type"] for event in activity["events"]]
    assert {"new_device_sign_in", "sign_in_disowned"} <= set(types)


def test_the_mails_link_in_a_browser(
    chrome: ChromeBrowser, base_url: str, app: Flask, api: Api
) -> None:
    api.signup()
    login_from_away(app)
    ada = Person(chrome, base_url, "new-device")
    ada.open(f"/new-device/{token(app, MailKind.NEW_DEVICE)}")
    expect(ada.page.locator("dl.facts")).to_contain_text("Firefox on Windows")
    ada.check("link")
    ada.press("This was not me")
    expect(ada.page.get_by_role("status")).to_contain_text("That device is signed out")
    ada.check("reset")
