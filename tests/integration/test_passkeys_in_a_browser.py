"""Passkeys in headless Chromium, with its virtual authenticator (DevTools'
WebAuthn domain) standing in for a fingerprint reader: one added on the
security page, then used as a second step and to sign in alone, then
removed. The site runs on http://localhost, a secure context whose name can
be a relying party (an IP address cannot)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, expect
from werkzeug.serving import make_server

from main import create_app
from tests.support.api import Api, make_settings, verified_signup
from tests.support.person import Person


@pytest.fixture
def site(database_url: str) -> Iterator[tuple[str, Flask]]:
    """The app on http://localhost:<a free port>, its PUBLIC_URL saying so."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://localhost:{port}"
    app = create_app(make_settings(database_url, public_url=url))
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url, app
    server.shutdown()
    thread.join(timeout=5)


def with_fingerprint_reader(person: Person) -> None:
    """A platform authenticator that keeps passkeys and verifies its user."""
    devtools = person.context.new_cdp_session(person.page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def test_a_passkey_added_used_twice_and_removed(chrome: Browser, site: tuple[str, Flask]) -> None:
    url, app = site
    verified_signup(app, Api(app.test_client()))
    ada = Person(chrome, url, "passkey")
    with_fingerprint_reader(ada)
    ada.sign_in("ada@example.com")
    ada.open("/account/security")
    ada.check("security-none")

    ada.press("Add a passkey")  # no name yet: said next to the field, no passkey made
    expect(ada.page.locator("#name-error")).to_have_text("Give the passkey a name.")
    ada.console_errors.clear()  # the options' 422, which the page showed
    ada.fill("Name of this passkey", "Laptop")
    ada.press("Add a passkey")
    expect(ada.page.get_by_role("status")).to_have_text("Passkey “Laptop” added.")
    expect(ada.page.locator(".passkeys")).to_contain_text("Laptop")
    expect(ada.page.locator(".passkeys")).to_contain_text("not used yet")
    ada.check("security-passkey")
    ada.page.get_by_role("link", name="Rename passkey Laptop").click()
    ada.check("passkey-rename")
    ada.fill("Name of this passkey", "Work laptop")
    ada.press("Rename")
    expect(ada.page.get_by_role("status")).to_have_text("Passkey renamed to “Work laptop”.")

    ada.press("Sign out")
    ada.sign_in("ada@example.com")
    expect(ada.page).to_have_url(f"{url}/sign-in/second-factor")
    expect(ada.page.get_by_role("button", name="Verify")).to_have_count(0)  # no authenticator app
    ada.check("second-factor-passkey")
    ada.press("Use a passkey")
    expect(ada.page).to_have_url(f"{url}/account")

    ada.press("Sign out")
    ada.open("/sign-in")
    ada.press("Sign in with a passkey")
    expect(ada.page).to_have_url(f"{url}/account")

    ada.open("/account/security")
    expect(ada.page.locator(".passkeys")).to_contain_text("last used")
    ada.press("Remove passkey Work laptop")
    expect(ada.page.get_by_role("status")).to_have_text("Passkey removed.")
    expect(ada.page.locator("main")).to_contain_text("Signing in asks only for your password")
    ada.press("Sign out")
    ada.sign_in("ada@example.com")
    expect(ada.page).to_have_url(f"{url}/account")


def test_without_javascript_the_page_says_why_no_passkey_was_added(
    chrome: Browser, site: tuple[str, Flask]
) -> None:
    url, app = site
    verified_signup(app, Api(app.test_client()))
    ada = Person(chrome, url, "passkey-nojs", javascript=False)
    ada.sign_in("ada@example.com")
    ada.open("/account/security")
    ada.fill("Name of this passkey", "Laptop")
    ada.press("Add a passkey")
    expect(ada.page.locator(".alert-error")).to_contain_text("This browser made no passkey")
    ada.check("security-no-passkey")
    ada.open("/sign-in")
    ada.press("Sign in with a passkey")
    expect(ada.page.locator(".alert-error")).to_contain_text("This browser used no passkey")
