"""The pages mail leads to (PAGES.md "Added with mail"), through Flask's test
client: each form's success and errors, links that spend nothing until
their button is pressed, and the development mailbox."""

from __future__ import annotations

from flask import Flask

from domain.mail import DeliveryState, MailKind
from main import create_app
from tests.support.api import PASSWORD, Api, make_settings
from tests.support.browser import Browser, field_error, form_error
from tests.support.mailbox import link, outbox

NEW_PASSWORD = "a whole new passphrase"


def path_of(url: str) -> str:
    return url.removeprefix("http://127.0.0.1:8000")


def test_the_account_page_says_whether_the_email_is_verified(app: Flask, ada: Browser) -> None:
    page = ada.get("/account")
    assert "not verified" in page.text
    assert "Send a new link" in page.text
    verify = path_of(link(app, MailKind.VERIFY_EMAIL))
    assert ada.get(verify).status_code == 200
    assert "not verified" in ada.get("/account").text  # opening the link spent nothing
    done = ada.submit(verify, {})
    assert (done.status_code, done.location) == (303, "/account")
    page = ada.get("/account")
    assert "Your email address is verified." in page.text
    assert ">verified<" in page.text


def test_asking_for_a_new_verification_link_on_the_account_page(app: Flask, ada: Browser) -> None:
    sent = ada.submit("/account", {}, action="/account/verify-email")
    assert (sent.status_code, sent.location) == (303, "/account")
    assert "A verification link is on its way" in ada.get("/account").text
    assert [m.kind for m in outbox(app)] == [MailKind.VERIFY_EMAIL] * 2
    ada.submit("/account", {}, action="/account/verify-email")
    assert "Too many attempts" in ada.get("/account").text


def test_a_spent_link_says_so_with_400(app: Flask, ada: Browser) -> None:
    verify = path_of(link(app, MailKind.VERIFY_EMAIL))
    ada.submit(verify, {})
    again = ada.submit(verify, {})
    assert again.status_code == 400
    assert form_error(again) == "This link is invalid, has expired or was already used."


def test_forgot_password_says_the_same_for_every_address(app: Flask, browser: Browser) -> None:
    Api(app.test_client()).register()
    known = browser.submit("/forgot-password", {"email": "ada@example.com"})
    unknown = browser.submit("/forgot-password", {"email": "eve@example.com"})
    assert (known.status_code, known.location) == (303, "/sign-in")
    assert (unknown.status_code, unknown.location) == (303, "/sign-in")
    assert "If an account has this address" in browser.get("/sign-in").text
    assert [m.to for m in outbox(app) if m.kind is MailKind.RESET_PASSWORD] == ["ada@example.com"]
    invalid = browser.submit("/forgot-password", {"email": "not an address"})
    assert invalid.status_code == 422
    assert field_error(invalid, "email") == "This is not a valid email address."


def test_a_reset_from_the_pages_signs_out_everywhere(app: Flask, ada: Browser) -> None:
    other = Browser(app.test_client())
    other.sign_in()
    ada.submit("/forgot-password", {"email": "ada@example.com"})
    reset = path_of(link(app, MailKind.RESET_PASSWORD))
    weak = ada.submit(reset, {"new_password": "short"})
    assert weak.status_code == 422
    assert "new_password-error" in weak.text
    done = ada.submit(reset, {"new_password": NEW_PASSWORD})
    assert (done.status_code, done.location) == (303, "/sign-in")
    assert ada.get("/account").status_code == 303  # this browser is signed out
    assert other.get("/account").status_code == 303  # and every other one
    assert ada.sign_in(password=NEW_PASSWORD).status_code == 303


def test_changing_the_email_from_the_pages(app: Flask, ada: Browser) -> None:
    wrong = ada.submit(
        "/account/email", {"new_email": "lovelace@example.com", "current_password": "nope"}
    )
    assert wrong.status_code == 401
    assert field_error(wrong, "current_password") == "The current password is incorrect."
    asked = ada.submit(
        "/account/email", {"new_email": "lovelace@example.com", "current_password": PASSWORD}
    )
    assert (asked.status_code, asked.location) == (303, "/account")
    assert "ada@example.com" in ada.get("/account").text  # nothing changed yet
    confirm = path_of(link(app, MailKind.CONFIRM_NEW_EMAIL))
    assert "Confirm new email" in ada.get(confirm).text
    assert ada.submit(confirm, {}).status_code == 303
    assert "lovelace@example.com" in ada.get("/account").text
    undo = path_of(link(app, MailKind.EMAIL_CHANGING))
    restored = ada.submit(undo, {})
    assert (restored.status_code, restored.location) == (303, "/sign-in")
    assert ada.get("/account").status_code == 303
    assert "again, and every session is signed out" in ada.get("/sign-in").text


def test_an_email_change_to_a_taken_address_shows_409_beside_the_field(
    app: Flask, ada: Browser
) -> None:
    Api(app.test_client()).register("root@example.com")
    taken = ada.submit(
        "/account/email", {"new_email": "root@example.com", "current_password": PASSWORD}
    )
    assert taken.status_code == 409
    assert field_error(taken, "new_email") == "An account with this email already exists."


def test_the_development_mailbox_lists_and_shows_messages(app: Flask, ada: Browser) -> None:
    page = ada.get("/dev/mail")
    assert page.status_code == 200
    assert "Verify your email address" in page.text
    [message] = outbox(app)
    shown = ada.get(f"/dev/mail/{message.id}")
    assert link(app, MailKind.VERIFY_EMAIL) in shown.text
    assert ada.get("/dev/mail/not-an-id").status_code == 404
    assert message.state is DeliveryState.PENDING


def test_the_development_mailbox_is_404_with_a_real_mail_server(database_url: str) -> None:
    app = create_app(make_settings(database_url, mail_url="smtp://127.0.0.1:2525"))
    assert app.test_client().get("/dev/mail").status_code == 404


def test_with_required_verification_sign_up_waits_for_the_link(database_url: str) -> None:
    app = create_app(make_settings(database_url, email_verification="required"))
    browser = Browser(app.test_client())
    done = browser.sign_up()
    assert (done.status_code, done.location) == (303, "/sign-in")
    assert "Open the link we mailed you" in browser.get("/sign-in").text
    refused = browser.sign_in()
    assert refused.status_code == 403
    assert "Verify your email address first" in form_error(refused)
    browser.submit(path_of(link(app, MailKind.VERIFY_EMAIL)), {})
    assert browser.sign_in().status_code == 303
