"""/api/docs in headless Chromium: a person registers, logs in, authorizes and calls ``me``.

Needs a Chromium on the machine (Debian's ``chromium``, or ``CHROMIUM`` naming
one); without it the test skips. The screenshot of the answered ``me`` call
is left in ``build/test-artefacts/``.
"""

from __future__ import annotations

import json

from playwright.sync_api import Page, sync_playwright

from settings import ROOT

ARTEFACTS = ROOT / "build" / "test-artefacts"
EMAIL, PASSWORD = "docs@example.com", "correct horse battery staple 9"


def execute(
    page: Page, operation: str, body: dict[str, str] | None = None
) -> tuple[int, dict[str, object]]:
    """Open an operation, try it out, execute it: its live status and JSON body."""
    block = page.locator(f"#operations-auth-{operation}")
    block.locator(".opblock-summary").first.click()
    block.locator(".try-out__btn").click()
    if body is not None:
        block.locator("textarea.body-param__text").fill(json.dumps(body))
    block.locator("button.execute").click()
    status = block.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    answer = block.locator(".live-responses-table .response-col_description pre").first
    return int(status.inner_text().strip()), json.loads(answer.inner_text())


def test_a_person_can_use_the_api_from_the_docs(base_url: str, chromium: str) -> None:
    with sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-background-networking"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 2000})
        page.set_default_timeout(10_000)
        console_errors: list[str] = []
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{base_url}/api/docs")

        registered, user = execute(
            page, "auth_register_post", {"email": EMAIL, "name": "Docs", "password": PASSWORD}
        )
        logged_in, tokens = execute(page, "auth_login_post", {"email": EMAIL, "password": PASSWORD})
        page.locator("button.authorize").first.click()
        page.locator(".modal-ux input").first.fill(str(tokens["access_token"]))
        page.locator(".modal-ux button.authorize").first.click()
        page.locator(".modal-ux button.btn-done").first.click()
        answered, me = execute(page, "auth_me_get")

        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        page.locator("#operations-auth-auth_me_get").screenshot(path=ARTEFACTS / "docs-me.png")
        browser.close()

    assert (registered, logged_in, answered) == (201, 200, 200)
    assert me == user
    assert console_errors == []  # the CSP lets every script and style of the page load
