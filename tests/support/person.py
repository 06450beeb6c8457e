"""A person at the pages in headless Chromium: their own browser context,
every page they see checked (axe-core, 320 px wide, no console error) and
screenshotted into build/test-artefacts/."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Page

from settings import ROOT
from tests.support.api import PASSWORD
from tests.support.axe import axe_script, serious_violations

ARTEFACTS = ROOT / "build" / "test-artefacts" / "pages"


class Person:
    """One browser (its own cookies) on the pages, checking each page it sees."""

    def __init__(self, chrome: Browser, base_url: str, name: str, javascript: bool = True) -> None:
        self.context = chrome.new_context(
            base_url=base_url,
            java_script_enabled=javascript,
            viewport={"width": 1024, "height": 800},
        )
        if javascript:
            self.context.add_init_script(path=axe_script())
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.name = name
        self.javascript = javascript
        self.console_errors: list[str] = []
        self.page.on("console", self._console)
        # A page's own 4xx is its answer; a stylesheet or icon that fails is a fault.
        self.page.on(
            "response",
            lambda r: (
                self.console_errors.append(f"{r.status} {r.url}")
                if r.status >= 400 and r.request.resource_type != "document"
                else None
            ),
        )

    def _console(self, message: Any) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.console_errors.append(message.text)  # a CSP refusal, a script error

    def open(self, path: str) -> Page:
        self.page.goto(path)
        return self.page

    def check(self, shot: str) -> None:
        """The page as it is: accessible, narrow-proof, screenshotted."""
        page = self.page
        assert page.title().endswith("· Accounts"), page.title()
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=ARTEFACTS / f"{self.name}-{shot}.png", full_page=True)
        if not self.javascript:
            return
        assert serious_violations(page) == [], page.url
        page.set_viewport_size({"width": 320, "height": 640})
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, page.url
        page.screenshot(path=ARTEFACTS / f"{self.name}-{shot}-320.png", full_page=True)
        page.set_viewport_size({"width": 1024, "height": 800})
        assert self.console_errors == [], self.console_errors

    def press(self, button: str) -> None:
        self.page.get_by_role("button", name=button, exact=True).click()

    def fill(self, label: str, value: str) -> None:
        self.page.get_by_label(label, exact=True).fill(value)

    def sign_up(self, email: str, name: str = "Ada Lovelace") -> None:
        self.open("/sign-up")
        self.fill("Name", name)
        self.fill("Email", email)
        self.fill("Password", PASSWORD)
        self.press("Create account")

    def sign_in(self, email: str, password: str = PASSWORD) -> None:
        self.open("/sign-in")
        self.fill("Email", email)
        self.fill("Password", password)
        self.press("Sign in")
