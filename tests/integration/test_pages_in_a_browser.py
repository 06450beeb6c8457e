"""The pages in headless Chromium, as people use them: the journeys of an
account's life and an admin's, every page checked by axe-core (no violation
of impact serious or critical), 320 px wide without sideways scrolling, with
no error in the console (so the pages' CSP lets them load). One journey runs
with JavaScript off: no form needs it. Screenshots go to build/test-artefacts/.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, expect
from werkzeug.serving import make_server

from adapters.http_flask.context import EXTENSION
from application.core import Core
from main import create_app
from settings import ROOT
from tests.support.api import ADMIN_PASSWORD, Api, make_settings
from tests.support.person import Person
from tests.support.servers import free_port

ARTEFACTS = ROOT / "build" / "test-artefacts" / "pages"
PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "another horse battery staple"


def test_an_accounts_whole_life_in_the_browser(chrome: Browser, base_url: str) -> None:
    ada = Person(chrome, base_url, "ada")
    ada.open("/")
    ada.check("landing")
    ada.page.get_by_role("link", name="Create account").first.click()
    ada.check("sign-up")
    ada.fill("Name", "Ada Lovelace")
    ada.fill("Email", "not an email")
    ada.fill("Password", PASSWORD)
    ada.press("Create account")
    expect(ada.page.locator("#email-error")).to_contain_text("not a valid email")
    ada.check("sign-up-error")
    ada.fill("Email", "ada@example.com")
    ada.fill("Password", PASSWORD)
    ada.press("Create account")
    expect(ada.page).to_have_url(f"{base_url}/account")
    expect(ada.page.get_by_role("status")).to_contain_text("Welcome, Ada Lovelace")
    ada.check("account")

    ada.press("Sign out")
    expect(ada.page).to_have_url(f"{base_url}/sign-in")
    ada.fill("Email", "ada@example.com")
    ada.fill("Password", "wrong password")
    ada.press("Sign in")
    expect(ada.page.get_by_role("alert")).to_contain_text("The email or password is incorrect")
    ada.check("sign-in-error")
    ada.sign_in("ada@example.com")
    expect(ada.page).to_have_url(f"{base_url}/account")

    ada.fill("Name", "Countess of Lovelace")
    ada.press("Save")
    expect(ada.page.locator(".facts")).to_contain_text("Countess of Lovelace")

    phone = Person(chrome, base_url, "phone")
    phone.sign_in("ada@example.com")
    expect(phone.page).to_have_url(f"{base_url}/account")
    ada.open("/account/password")
    ada.check("password")
    ada.fill("Current password", PASSWORD)
    ada.fill("New password", NEW_PASSWORD)
    ada.press("Change password")
    expect(ada.page.get_by_role("status")).to_contain_text("password is changed")
    phone.open("/account")
    expect(phone.page).to_have_url(f"{base_url}/sign-in")  # the other session died

    phone.sign_in("ada@example.com", NEW_PASSWORD)
    ada.open("/account/sessions")
    rows = ada.page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(ada.page.locator("tbody")).to_contain_text("This device")
    ada.check("sessions")
    ada.page.locator("tbody").get_by_role("button").first.click()
    expect(ada.page.get_by_role("status")).to_contain_text("That session is signed out")
    expect(ada.page.locator("tbody tr")).to_have_count(1)
    phone.open("/account")
    expect(phone.page).to_have_url(f"{base_url}/sign-in")

    phone.sign_in("ada@example.com", NEW_PASSWORD)
    ada.open("/account/sessions")
    ada.press("Sign out everywhere")
    expect(ada.page).to_have_url(f"{base_url}/sign-in")
    phone.open("/account")
    expect(phone.page).to_have_url(f"{base_url}/sign-in")

    ada.sign_in("ada@example.com", NEW_PASSWORD)
    ada.open("/account")
    ada.page.get_by_role("link", name="Recent activity").click()
    activity = ada.page.locator(".activity li")
    expect(activity.first).to_contain_text(re.compile(r"Signed in from \w*Chrome on Linux"))
    for words in ("Signed out everywhere", "Password changed", "Failed sign-in: wrong password"):
        expect(ada.page.locator(".activity")).to_contain_text(words)
    expect(activity.last).to_contain_text("Account created")
    ada.check("activity")

    ada.open("/account/delete")
    ada.check("delete")
    ada.fill("Current password", NEW_PASSWORD)
    ada.press("Delete my account")
    expect(ada.page).to_have_url(f"{base_url}/")
    expect(ada.page.get_by_role("status")).to_contain_text("Your account is deleted")
    ada.sign_in("ada@example.com", NEW_PASSWORD)
    expect(ada.page.get_by_role("alert")).to_contain_text("The email or password is incorrect")


def test_an_admin_finds_a_user_and_deactivates_them(
    chrome: Browser, base_url: str, api: Api, admin: dict[str, Any]
) -> None:
    for email in ("grace@example.com", "alan@example.com", "grete@example.com"):
        assert api.register(email).status_code == 201
    grace = Person(chrome, base_url, "grace")
    grace.sign_in("grace@example.com")
    expect(grace.page).to_have_url(f"{base_url}/account")

    root = Person(chrome, base_url, "admin")
    root.sign_in("root@example.com", ADMIN_PASSWORD)
    root.page.get_by_role("link", name="Users").click()
    expect(root.page.locator("tbody tr")).to_have_count(4)
    root.check("users")
    root.fill("Email starts with", "gra")
    root.press("Search")
    expect(root.page.locator("tbody tr")).to_have_count(1)
    root.page.get_by_role("link", name="grace@example.com").click()
    root.check("user")
    root.page.get_by_label("Active").uncheck()
    root.press("Save")
    expect(root.page.get_by_role("status")).to_contain_text("grace@example.com is saved")
    expect(root.page.get_by_label("Active")).not_to_be_checked()

    grace.open("/account")
    expect(grace.page).to_have_url(f"{base_url}/sign-in")

    root.open("/no-such-page")
    expect(root.page.get_by_role("heading", level=1)).to_have_text("Not Found")
    root.check("not-found")


def test_the_pages_work_without_javascript(chrome: Browser, base_url: str) -> None:
    person = Person(chrome, base_url, "no-js", javascript=False)
    person.open("/sign-up")
    person.fill("Name", "Grace Hopper")
    person.fill("Email", "grace@example.com")
    person.fill("Password", PASSWORD)
    person.press("Create account")
    expect(person.page).to_have_url(f"{base_url}/account")
    person.fill("Name", "Rear Admiral Hopper")
    person.press("Save")
    expect(person.page.locator(".facts")).to_contain_text("Rear Admiral Hopper")
    person.check("account")
    person.press("Sign out")
    expect(person.page).to_have_url(f"{base_url}/sign-in")
    person.sign_in("grace@example.com")
    expect(person.page).to_have_url(f"{base_url}/account")


@pytest.fixture
def mail_url(database_url: str) -> Iterator[str]:
    """The app served on a port chosen first, so that PUBLIC_URL, which every
    mailed link starts with, is where the browser finds it."""
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    app = create_app(make_settings(database_url, public_url=origin))
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    core: Core = app.extensions[EXTENSION]
    stop = threading.Event()

    def relay() -> None:  # what `make run` runs beside the server
        while not stop.wait(0.2):
            core.mail.answer_password_resets()
            core.mail.deliver_pending_mail()

    relaying = threading.Thread(target=relay, daemon=True)
    relaying.start()
    yield origin
    stop.set()
    relaying.join(timeout=5)
    server.shutdown()
    thread.join(timeout=5)


def follow_mail(person: Person, subject: str, page: str, shot: str) -> None:
    """From the development mailbox, the newest mail of ``subject``, then its link."""
    person.open("/dev/mail")
    for _ in range(20):  # the relay writes a reset's mail a moment after the request
        if person.page.get_by_role("link", name=subject, exact=True).count():
            break
        person.page.wait_for_timeout(250)
        person.page.reload()
    person.check(f"{shot}-mailbox")
    person.page.get_by_role("link", name=subject, exact=True).first.click()
    person.check(f"{shot}-mail")
    person.page.locator(f'a[href*="/{page}/"]').click()
    person.check(shot)


def test_a_forgotten_password_and_a_changed_email_by_mail(chrome: Browser, mail_url: str) -> None:
    ada = Person(chrome, mail_url, "mail")
    ada.sign_up("ada@example.com")
    expect(ada.page.locator(".facts")).to_contain_text("not verified")
    follow_mail(ada, "Verify your email address", "verify-email", "verify")
    ada.press("Verify email")
    expect(ada.page.get_by_role("status")).to_contain_text("Your email address is verified")
    expect(ada.page.locator(".facts")).not_to_contain_text("not verified")

    ada.press("Sign out")
    ada.page.get_by_role("link", name="Forgot your password?").click()
    ada.check("forgot")
    ada.fill("Email", "ada@example.com")
    ada.press("Send reset link")
    expect(ada.page.get_by_role("status")).to_contain_text("If an account has this address")
    follow_mail(ada, "Reset your password", "reset-password", "reset")
    ada.fill("New password", NEW_PASSWORD)
    ada.press("Set new password")
    expect(ada.page).to_have_url(f"{mail_url}/sign-in")
    ada.sign_in("ada@example.com", NEW_PASSWORD)
    expect(ada.page).to_have_url(f"{mail_url}/account")

    ada.page.get_by_role("link", name="Change email").click()
    ada.check("change-email")
    ada.fill("New email", "lovelace@example.com")
    ada.fill("Current password", NEW_PASSWORD)
    ada.press("Change email")
    expect(ada.page.get_by_role("status")).to_contain_text("lovelace@example.com")
    follow_mail(ada, "Confirm your new email address", "confirm-email", "confirm-email")
    ada.press("Confirm new email")
    expect(ada.page.locator(".facts")).to_contain_text("lovelace@example.com")

    follow_mail(ada, "Your email address is changing", "undo-email-change", "undo")
    ada.press("Restore my email")
    expect(ada.page).to_have_url(f"{mail_url}/sign-in")
    expect(ada.page.get_by_role("status")).to_contain_text("ada@example.com again")
    ada.sign_in("ada@example.com", NEW_PASSWORD)
    expect(ada.page.locator(".facts")).to_contain_text("ada@example.com")


def test_a_post_is_written_read_edited_and_deleted(chrome: Browser, base_url: str) -> None:
    ada = Person(chrome, base_url, "posts")
    ada.sign_up("ada@example.com")
    ada.page.get_by_role("link", name="Posts", exact=True).click()
    ada.check("posts-empty")
    ada.page.get_by_role("link", name="Write a post").click()
    ada.check("new-post")
    ada.fill("Title", "On engines")
    ada.fill(
        "Content", "The **Analytical Engine**, and [a link](https://example.com).\n\n- one\n- two"
    )
    ada.press("Publish")
    expect(ada.page.get_by_role("status")).to_contain_text("Your post is published")
    expect(ada.page.locator(".post-body strong")).to_have_text("Analytical Engine")
    ada.check("post")
    ada.page.get_by_role("link", name="Edit or delete").click()
    ada.check("edit-post")
    ada.fill("Title", "On engines, again")
    ada.press("Save")
    expect(ada.page.locator("h1")).to_have_text("On engines, again")
    ada.page.get_by_role("link", name="Edit or delete").click()
    ada.press("Delete post")
    expect(ada.page).to_have_url(f"{base_url}/posts")
    expect(ada.page.get_by_role("status")).to_contain_text("The post is deleted")
