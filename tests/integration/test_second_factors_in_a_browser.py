"""Second factors in headless Chromium, as a person uses them: an
authenticator turned on from its QR code's secret (the test computes the
codes), a sign-in with a code, then with a recovery code, and the
authenticator turned off. Every page checked as the other journeys' are."""

from __future__ import annotations

import base64
import time

from flask import Flask
from playwright.sync_api import Browser, expect

from domain.mail import MailKind
from domain.totp import totp
from tests.support.api import PASSWORD, Api
from tests.support.mailbox import token
from tests.support.person import Person


def code(secret: str, steps_ahead: int = 0) -> str:
    return totp(base64.b32decode(secret), time.time() + 30 * steps_ahead)


def test_an_authenticator_turned_on_used_and_turned_off(
    chrome: Browser, base_url: str, app: Flask, api: Api
) -> None:
    api.signup()
    body = {"token": token(app, MailKind.VERIFY_EMAIL)}
    assert api.call("POST", "/api/v1/auth/email-verification/confirm", json=body).status_code == 200
    ada = Person(chrome, base_url, "mfa")
    ada.sign_in("ada@example.com")
    ada.open("/account")
    ada.page.get_by_role("link", name="Sign-in security").click()
    expect(ada.page.locator("main")).to_contain_text("Signing in asks only for your password")
    ada.check("security-off")

    ada.page.get_by_role("link", name="Turn on an authenticator app").click()
    expect(ada.page.locator("svg.qr title")).to_have_text("QR code of your authenticator's secret")
    ada.check("totp")
    secret = ada.page.locator("code.secret").inner_text().replace(" ", "")  # in groups of 4
    ada.fill("Code from your authenticator app", "000000")
    ada.fill("Current password", PASSWORD)
    ada.press("Turn on")
    expect(ada.page.locator("#code-error")).to_contain_text("This code is not right")
    assert ada.page.locator("code.secret").inner_text().replace(" ", "") == secret  # unchanged
    ada.check("totp-error")
    ada.fill("Code from your authenticator app", code(secret))
    ada.fill("Current password", PASSWORD)
    ada.press("Turn on")
    codes = ada.page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    ada.check("recovery-codes")

    ada.open("/account")
    ada.press("Sign out")
    ada.sign_in("ada@example.com")
    expect(ada.page).to_have_url(f"{base_url}/sign-in/second-factor")
    ada.check("second-factor")
    ada.fill("Code from your authenticator app", code(secret, 1))  # the next step: unused
    ada.press("Verify")
    expect(ada.page).to_have_url(f"{base_url}/account")

    ada.press("Sign out")
    ada.sign_in("ada@example.com")
    ada.page.get_by_role("link", name="Use a recovery code").click()
    ada.fill("Recovery code", codes[0])
    ada.press("Verify")
    expect(ada.page).to_have_url(f"{base_url}/account")

    ada.open("/account/security")
    expect(ada.page.locator("main")).to_contain_text("Recovery codes left: 9")
    ada.check("security-on")
    disable = ada.page.locator("form[action='/account/security/totp/disable']")
    disable.get_by_label("Current password").fill(PASSWORD)
    disable.get_by_label("Code from your authenticator app").fill(codes[1])
    ada.press("Turn off")
    expect(ada.page.get_by_role("status")).to_contain_text("Your authenticator app is off")
    ada.press("Sign out")
    ada.sign_in("ada@example.com")
    expect(ada.page).to_have_url(f"{base_url}/account")
