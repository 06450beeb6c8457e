"""The pages through Flask's test client: every path, every form's success and
errors, the browser session (S35), CSRF (S36), the pages' CSP (S37), `next`
(S38), escaping (S39) and the sign-in throttle (S40)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from adapters.http_flask.pages import browser_session, public
from domain.errors import StorageUnavailable
from tests.support.api import ADMIN_PASSWORD, PASSWORD, Api, assert_problem, make_settings
from tests.support.browser import Browser, csrf_token, field_error, form_error

PAGE_CSP = (
    "default-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'none'; object-src 'none'"
)


@pytest.fixture
def root(app: Flask, admin: dict[str, Any]) -> Browser:
    """A browser signed in as the admin."""
    browser = Browser(app.test_client())
    assert browser.sign_in("root@example.com", ADMIN_PASSWORD).status_code == 303
    return browser


def cookie_header(response: Any) -> str:
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 1, cookies
    return str(cookies[0])


def test_the_landing_page_says_what_this_is_and_links_to_the_pages(browser: Browser) -> None:
    page = browser.get("/")
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    for link in ('href="/sign-in"', 'href="/sign-up"', 'href="/api/docs"'):
        assert link in page.text
    assert "<title>Welcome · Accounts</title>" in page.text


def test_a_signed_in_visitor_goes_from_the_landing_page_to_the_account(ada: Browser) -> None:
    page = ada.get("/")
    assert (page.status_code, page.location) == (303, "/account")


def test_signing_up_signs_in_and_shows_the_account(browser: Browser) -> None:
    done = browser.sign_up(name="Ada <b>Lovelace</b>")
    assert (done.status_code, done.location) == (303, "/account")
    page = browser.get("/account")
    assert page.status_code == 200
    assert "ada@example.com" in page.text
    assert "Ada &lt;b&gt;Lovelace&lt;/b&gt;" in page.text  # S39: escaped, never markup
    assert "Welcome, Ada &lt;b&gt;Lovelace&lt;/b&gt;" in page.text


@pytest.mark.parametrize(
    ("data", "status", "field", "message"),
    [
        ({"email": "not an email"}, 422, "email", "not a valid email"),
        ({"password": "short"}, 422, "password", "at least 8"),
        ({"password": "password1"}, 422, "password", "too common"),
        ({"name": "   "}, 422, "name", ""),
    ],
)
def test_sign_up_errors_stand_beside_their_field(
    browser: Browser, data: dict[str, str], status: int, field: str, message: str
) -> None:
    fields = {"name": "Ada", "email": "ada@example.com", "password": PASSWORD} | data
    page = browser.submit("/sign-up", fields)
    assert page.status_code == status
    assert message in field_error(page, field).lower()
    assert 'value="' + fields["email"] + '"' in page.text or field == "email"
    assert PASSWORD not in page.text  # a password is never sent back


def test_signing_up_with_a_taken_email_is_409_beside_the_email(ada: Browser, app: Flask) -> None:
    page = Browser(app.test_client()).sign_up()
    assert page.status_code == 409
    assert "already" in field_error(page, "email")


def test_sign_in_failures_are_one_message_at_the_top(browser: Browser, api: Api) -> None:
    api.register()
    wrong = browser.sign_in(password="wrong password")
    unknown = browser.sign_in(email="nobody@example.com")
    assert wrong.status_code == unknown.status_code == 401
    assert form_error(wrong) == form_error(unknown)
    assert 'class="error"' not in wrong.text  # no field is named


def test_s40_page_sign_in_is_throttled_with_the_api_login(browser: Browser, api: Api) -> None:
    api.register()
    for _ in range(5):
        assert api.login(password="wrong password").status_code == 401
    for _ in range(5):
        assert browser.sign_in(password="wrong password").status_code == 401
    page = browser.sign_in()
    assert page.status_code == 429
    assert int(page.headers["Retry-After"]) > 0
    assert "Too many" in form_error(page)
    assert_problem(api.login(), 429, "throttled")


def test_s35_the_cookie_is_httponly_lax_and_a_session_cookie_unless_remembered(
    browser: Browser, api: Api
) -> None:
    api.register()
    session_only = cookie_header(browser.sign_in())
    assert "HttpOnly" in session_only
    assert "SameSite=Lax" in session_only
    assert "Expires" not in session_only
    assert "Max-Age" not in session_only
    remembered = cookie_header(browser.sign_in(remember=True))
    assert "Expires" in remembered


def test_s35_production_cookies_are_secure_with_the_host_prefix(database_url: str) -> None:
    from main import create_app

    settings = make_settings(
        database_url, env="production", session_cookie_secure=True, argon2_profile="owasp-minimum"
    )
    app = create_app(settings)
    page = app.test_client().get("/sign-in", base_url="https://localhost")
    cookie = cookie_header(page)
    assert cookie.startswith("__Host-accounts=")
    assert "Secure" in cookie
    assert "Path=/" in cookie
    assert "Domain" not in cookie


def test_s35_each_sign_in_is_a_new_cookie_and_a_session_listed_by_the_api(
    browser: Browser, api: Api
) -> None:
    tokens = api.signup()
    browser.sign_in()
    first = browser.client.get_cookie("accounts")
    browser.sign_in()
    second = browser.client.get_cookie("accounts")
    assert first is not None
    assert second is not None
    assert first.value != second.value
    sessions = api.call("GET", "/api/v1/auth/sessions", tokens).json["sessions"]
    assert sorted(s["kind"] for s in sessions) == ["api", "browser", "browser"]


def test_the_cookie_of_a_sign_in_is_the_one_the_next_pages_keep(browser: Browser, api: Api) -> None:
    """The session's CSRF secret comes with the sign-in, so a signed-in page
    (not remembered) sets no cookie of its own."""
    api.register()
    browser.sign_in()
    for path in ("/account", "/account/sessions", "/account/password"):
        page = browser.get(path)
        assert page.status_code == 200
        assert page.headers.getlist("Set-Cookie") == []


def test_s36_a_sessions_csrf_token_is_its_own_and_stays_good(app: Flask, api: Api) -> None:
    api.register()
    ada, ada_again = Browser(app.test_client()), Browser(app.test_client())
    ada.sign_in()
    ada_again.sign_in()
    token = csrf_token(ada.get("/account"))
    assert csrf_token(ada.get("/account/password")) == token
    assert csrf_token(ada_again.get("/account")) != token
    refused = ada_again.client.post(
        "/account",
        data={"csrf_token": token, "name": "Mallory"},
        headers={"Origin": "http://localhost"},
    )
    assert refused.status_code == 400
    saved = ada.client.post(
        "/account",
        data={"csrf_token": token, "name": "Ada"},
        headers={"Origin": "http://localhost"},
    )
    assert (saved.status_code, saved.location) == (303, "/account")


def test_s35_a_browser_session_revoked_through_the_api_is_signed_out(
    ada: Browser, api: Api
) -> None:
    tokens = api.tokens()
    sessions = api.call("GET", "/api/v1/auth/sessions", tokens).json["sessions"]
    browser_session = next(s for s in sessions if s["kind"] == "browser")
    assert (
        api.call("DELETE", f"/api/v1/auth/sessions/{browser_session['id']}", tokens).status_code
        == 204
    )
    page = ada.get("/account")
    assert (page.status_code, page.location) == (303, "/sign-in")


def test_a_signed_out_visitor_is_sent_to_sign_in_and_back(browser: Browser, api: Api) -> None:
    api.register()
    page = browser.get("/account/sessions")
    assert (page.status_code, page.location) == (303, "/sign-in?next=%2Faccount%2Fsessions")
    form = browser.get(page.location)
    done = browser.client.post(
        page.location,
        data={"csrf_token": csrf_token(form), "email": "ada@example.com", "password": PASSWORD},
        headers={"Origin": "http://localhost"},
    )
    assert (done.status_code, done.location) == (303, "/account/sessions")


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "/\r\nX:y", "account", ""],
)
def test_s38_next_is_a_same_site_path_only(browser: Browser, api: Api, target: str) -> None:
    api.register()
    form = browser.get("/sign-in", query_string={"next": target})
    done = browser.client.post(
        "/sign-in",
        query_string={"next": target},
        data={"csrf_token": csrf_token(form), "email": "ada@example.com", "password": PASSWORD},
    )
    assert done.status_code == 303
    assert done.location == "/account"  # every target here is refused


def test_s36_a_form_without_its_csrf_token_is_400_and_changes_nothing(ada: Browser) -> None:
    page = ada.client.post("/account", data={"name": "Mallory"})
    assert page.status_code == 400
    assert page.mimetype == "text/html"
    assert "Ada Lovelace" in ada.get("/account").text


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ],
)
def test_s36_a_form_from_another_site_is_400_even_with_a_token(
    ada: Browser, headers: dict[str, str]
) -> None:
    token = csrf_token(ada.get("/account"))
    page = ada.client.post(
        "/account", data={"csrf_token": token, "name": "Mallory"}, headers=headers
    )
    assert page.status_code == 400
    assert "Ada Lovelace" in ada.get("/account").text


def test_s36_sign_out_is_a_post_and_ends_this_session(ada: Browser) -> None:
    assert ada.get("/sign-out").status_code == 405
    done = ada.submit("/account", {}, action="/sign-out")
    assert (done.status_code, done.location) == (303, "/sign-in")
    assert ada.get("/account").status_code == 303


def test_s37_pages_have_their_csp_and_the_api_keeps_its_own(ada: Browser, api: Api) -> None:
    for path in ("/", "/account", "/sign-in", "/no-such-page"):
        assert ada.get(path).headers["Content-Security-Policy"] == PAGE_CSP
    assert api.call("GET", "/health").headers["Content-Security-Policy"] == (
        "default-src 'none'; frame-ancestors 'none'"
    )
    css = ada.get("/static/pages/pages.css")
    assert (css.status_code, css.mimetype) == (200, "text/css")
    css.close()


def test_the_api_reads_and_sets_no_cookie_even_when_a_browser_sends_one(
    ada: Browser,
) -> None:
    for path in ("/api/v1/auth/me", "/health", "/api/v1/openapi.json", "/api/v1/nope"):
        response = ada.get(path)
        assert "Set-Cookie" not in response.headers, path
        assert response.mimetype != "text/html", path
    assert_problem(ada.get("/api/v1/auth/me"), 401)  # a cookie is no bearer token


def test_changing_the_name(ada: Browser) -> None:
    done = ada.submit("/account", {"name": "Countess of Lovelace"})
    assert (done.status_code, done.location) == (303, "/account")
    assert "Countess of Lovelace" in ada.get("/account").text
    page = ada.submit("/account", {"name": "\u200b"})
    assert page.status_code == 422
    assert "visible" in field_error(page, "name")


def test_changing_the_password_ends_the_other_sessions(ada: Browser, app: Flask) -> None:
    phone = Browser(app.test_client())
    phone.sign_in()
    wrong = ada.submit(
        "/account/password", {"current_password": "wrong", "new_password": "a new passphrase"}
    )
    assert wrong.status_code == 401
    assert "incorrect" in field_error(wrong, "current_password")
    weak = ada.submit("/account/password", {"current_password": PASSWORD, "new_password": "short"})
    assert weak.status_code == 422
    assert field_error(weak, "new_password")
    done = ada.submit(
        "/account/password", {"current_password": PASSWORD, "new_password": "a new passphrase"}
    )
    assert (done.status_code, done.location) == (303, "/account")
    assert ada.get("/account").status_code == 200
    assert phone.get("/account").status_code == 303


def test_the_sessions_page_lists_and_ends_sessions(ada: Browser, app: Flask, api: Api) -> None:
    phone = Browser(app.test_client())
    phone.sign_in()
    tokens = api.tokens()
    page = ada.get("/account/sessions")
    assert page.status_code == 200
    assert page.text.count("<tr>") == 4  # the header and three sessions
    assert "This device" in page.text
    assert page.text.count(">Browser<") == 2
    assert page.text.count(">API<") == 1
    sessions = api.call("GET", "/api/v1/auth/sessions", tokens).json["sessions"]
    # The phone's is the browser session with a "Sign out" button: this one has none.
    phone_id = next(
        s["id"] for s in sessions if s["kind"] == "browser" and f'value="{s["id"]}"' in page.text
    )
    done = ada.submit("/account/sessions", {"session_id": phone_id})
    assert (done.status_code, done.location) == (303, "/account/sessions")
    assert phone.get("/account").status_code == 303
    again = ada.submit("/account/sessions", {"session_id": phone_id})
    assert again.status_code == 303
    assert "already ended" in ada.get("/account/sessions").text
    everywhere = ada.submit("/account/sessions", {})
    assert (everywhere.status_code, everywhere.location) == (303, "/sign-in")
    assert ada.get("/account").status_code == 303
    assert_problem(api.call("GET", "/api/v1/auth/me", tokens), 401)


def test_deleting_ones_account_needs_the_password(ada: Browser, api: Api) -> None:
    wrong = ada.submit("/account/delete", {"current_password": "wrong password"})
    assert wrong.status_code == 401
    assert field_error(wrong, "current_password")
    done = ada.submit("/account/delete", {"current_password": PASSWORD})
    assert (done.status_code, done.location) == (303, "/")
    assert "Your account is deleted" in ada.get("/").text
    assert api.login().status_code == 401


def test_admin_pages_are_for_admins(ada: Browser, browser: Browser, app: Flask) -> None:
    page = ada.get("/admin/users")
    assert page.status_code == 403
    assert page.mimetype == "text/html"
    signed_out = Browser(app.test_client()).get("/admin/users")
    assert (signed_out.status_code, signed_out.location) == (
        303,
        "/sign-in?next=%2Fadmin%2Fusers",
    )


def test_an_admin_finds_users_by_email_prefix_and_pages_through_them(
    root: Browser, api: Api
) -> None:
    for n in range(52):
        assert api.register(f"user{n:02}@example.com").status_code == 201
    assert api.register("grace@example.com").status_code == 201
    first = root.get("/admin/users")
    assert first.status_code == 200
    assert first.text.count('href="/admin/users/') == 50
    assert "Page 1 of 2" in first.text
    second = root.get("/admin/users?page=2")
    assert second.text.count('href="/admin/users/') == 4
    found = root.get("/admin/users?q=GRA")
    assert found.text.count('href="/admin/users/') == 1
    assert "grace@example.com" in found.text
    assert root.get("/admin/users?page=0").status_code == 422


def test_an_admin_edits_deactivates_and_deletes_a_user(
    root: Browser, ada: Browser, api: Api, admin: dict[str, Any]
) -> None:
    ada_id = api.call("GET", "/api/v1/auth/me", api.tokens()).json["id"]
    path = f"/admin/users/{ada_id}"
    assert root.get(path).status_code == 200
    done = root.submit(path, {"name": "Ada King", "role": "user", "action": "save"})
    assert (done.status_code, done.location) == (303, path)
    assert "Ada King" in root.get(path).text
    assert ada.get("/account").status_code == 303  # deactivated: is_active unchecked
    bad = root.submit(path, {"name": "Ada", "role": "owner", "is_active": "y", "action": "save"})
    assert bad.status_code == 422
    assert field_error(bad, "role")
    gone = root.submit(path, {"name": "Ada", "role": "user", "action": "delete"})
    assert (gone.status_code, gone.location) == (303, "/admin/users")
    assert root.get(path).status_code == 404


def test_the_last_admin_cannot_demote_themselves_on_the_page(
    root: Browser, admin: dict[str, Any], api: Api
) -> None:
    root_id = api.call("GET", "/api/v1/auth/me", admin).json["id"]
    page = root.submit(
        f"/admin/users/{root_id}",
        {"name": "Root", "role": "user", "is_active": "y", "action": "save"},
    )
    assert page.status_code == 409
    assert "admin" in form_error(page).lower()


@pytest.mark.parametrize(("path", "status"), [("/no-such-page", 404), ("/admin/users/1", 404)])
def test_errors_on_page_paths_are_pages(
    browser: Browser, root: Browser, path: str, status: int
) -> None:
    page = root.get(path)
    assert page.status_code == status
    assert page.mimetype == "text/html"
    assert "<h1>" in page.text
    assert_problem(browser.get("/api/v1/no-such-thing"), 404)


def test_a_method_not_allowed_on_a_page_is_a_405_page(browser: Browser) -> None:
    page = browser.client.delete("/sign-in")
    assert page.status_code == 405
    assert page.mimetype == "text/html"
    assert "GET" in page.headers["Allow"]


def test_every_page_has_a_title_naming_it(ada: Browser) -> None:
    titles = {
        "/account": "Your account",
        "/account/password": "Change password",
        "/account/sessions": "Your sessions",
        "/account/delete": "Delete account",
    }
    for path, title in titles.items():
        assert f"<title>{title} · Accounts</title>" in ada.get(path).text


class Unavailable:
    """A core whose storage is down, for the pages' modules that call it."""

    def __getattr__(self, _name: str) -> Any:
        return self

    def __call__(self, *_args: Any, **_kwargs: Any) -> Any:
        raise StorageUnavailable()


def test_an_outage_behind_a_page_is_a_503_page(
    ada: Browser, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(browser_session, "core", Unavailable)
    page = ada.get("/account")  # the signed-in person cannot even be loaded
    assert page.status_code == 503
    assert page.mimetype == "text/html"
    assert page.headers["Retry-After"] == "5"
    assert "Sign in" in page.text  # shown as to a signed-out visitor
    monkeypatch.setattr(public, "core", Unavailable)
    form = Browser(app.test_client()).sign_in()
    assert form.status_code == 503  # an outage is no error of the form's
    assert "<h1>Service Unavailable</h1>" in form.text


def test_s36_a_form_over_https_needs_no_referer(database_url: str) -> None:
    """Pages send ``Referrer-Policy: no-referrer``; over HTTPS a same-origin
    form must pass on its token and ``Sec-Fetch-Site`` alone."""
    from main import create_app

    settings = make_settings(
        database_url, env="production", session_cookie_secure=True, argon2_profile="owasp-minimum"
    )
    browser = Browser(create_app(settings).test_client())
    https = {"base_url": "https://localhost"}
    page = browser.client.get("/sign-up", **https)
    done = browser.client.post(
        "/sign-up",
        data={
            "csrf_token": csrf_token(page),
            "name": "Ada",
            "email": "ada@example.com",
            "password": PASSWORD,
        },
        headers={"Sec-Fetch-Site": "same-origin", "Origin": "https://localhost"},
        **https,
    )
    assert (done.status_code, done.location) == (303, "/account")
    assert browser.client.get("/account", **https).status_code == 200
