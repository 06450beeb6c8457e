"""The posts' pages (PAGES.md "Added with posts") through Flask's test client,
and Markdown that cannot inject markup or script (S39)."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.support.api import Api
from tests.support.browser import Browser, field_error

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">x</a>',
    "![x](x onerror=alert(1))",
    '"><svg onload=alert(1)>',
]


def publish(browser: Browser, title: str, content: str) -> str:
    done = browser.submit("/posts/new", {"title": title, "content": content})
    assert done.status_code == 303, done.text
    assert done.location is not None
    return done.location


def test_writing_reading_editing_and_deleting_a_post(ada: Browser) -> None:
    path = publish(
        ada, "On engines", "The **Analytical Engine** weaves [patterns](https://example.com)."
    )
    page = ada.get(path)
    assert "Your post is published." in page.text
    assert "<strong>Analytical Engine</strong>" in page.text
    assert '<a href="https://example.com" rel="nofollow ugc noopener">patterns</a>' in page.text
    assert "Ada Lovelace" in page.text
    listed = ada.get("/posts")
    assert 'href="' + path + '"' in listed.text
    edited = ada.submit(f"{path}/edit", {"title": "On engines, again", "content": "Shorter."})
    assert (edited.status_code, edited.location) == (303, path)
    assert "On engines, again" in ada.get(path).text
    deleted = ada.submit(f"{path}/edit", {}, action=f"{path}/delete")
    assert (deleted.status_code, deleted.location) == (303, "/posts")
    assert ada.get(path).status_code == 404


def test_a_bad_post_shows_the_error_beside_its_field(ada: Browser) -> None:
    refused = ada.submit("/posts/new", {"title": "", "content": "text"})
    assert refused.status_code == 422
    assert field_error(refused, "title") == "A title has 1 to 200 characters."


def test_signed_out_visitors_read_but_do_not_write(
    app: Flask, ada: Browser, browser: Browser
) -> None:
    path = publish(ada, "Public", "Anyone reads this.")
    stranger = Browser(app.test_client())
    assert stranger.get(path).status_code == 200
    assert stranger.get("/posts/new").status_code == 303
    bob = Browser(app.test_client())
    bob.sign_up("bob@example.com", "Bob")
    assert bob.get(f"{path}/edit").status_code == 403
    assert "Edit or delete" not in bob.get(path).text


@pytest.mark.parametrize("payload", XSS)
def test_s39_markdown_and_titles_cannot_inject_markup_or_script(ada: Browser, payload: str) -> None:
    path = publish(ada, payload[:200], payload)
    html = ada.get(path).text
    body = html[html.index("<article>") : html.index("</article>")]
    assert "<script" not in body
    assert "<img" not in body
    assert "<svg" not in body
    assert not re.search(r'href="\s*(javascript|data):', body, re.IGNORECASE)
    assert not re.search(r"<[^>]+\son\w+=", body)


def test_s39_an_authors_name_is_escaped(app: Flask, browser: Browser) -> None:
    browser.sign_up("eve@example.com", "<b>Eve</b>")
    path = publish(browser, "Hello", "Hi")
    html = browser.get(path).text
    assert "&lt;b&gt;Eve&lt;/b&gt;" in html
    assert "<b>Eve</b>" not in html


def test_older_posts_by_cursor_and_one_authors_posts(app: Flask, ada: Browser) -> None:
    api = Api(app.test_client())
    tokens = api.tokens()
    for n in range(23):
        api.call("POST", "/api/v1/posts", tokens, json={"title": f"Post {n}", "content": "x"})
    first = ada.get("/posts")
    older = re.search(r'href="\?cursor=([^"]+)" rel="next">Older posts', first.text)
    assert older is not None
    second = ada.get("/posts", query_string={"cursor": older.group(1)})
    titles = re.findall(r">(Post \d+)</a></h2>", first.text + second.text)
    assert titles == [f"Post {n}" for n in reversed(range(23))]
    assert "Older posts" not in second.text
    assert ada.get("/posts", query_string={"cursor": "forged"}).status_code == 404
    assert ada.get("/posts?cursor=").status_code == 200  # the first page
    user_id = tokens["user"]["id"]
    assert "Posts by Ada Lovelace" in ada.get(f"/users/{user_id}/posts").text
