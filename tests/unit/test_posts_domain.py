"""The post's own rules: its title and content, who may change it, what an edit changes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import InvalidContent, InvalidTitle
from domain.posts import MAX_CONTENT_LENGTH, Post, parse_content, parse_title

NOW = datetime(2026, 12, 3, 7, 40, tzinfo=UTC)


def a_post() -> Post:
    return Post(uuid.uuid4(), uuid.uuid4(), "Notes", "Some *Markdown*", NOW, NOW)


def test_a_title_is_trimmed_and_1_to_200_characters_on_one_line() -> None:
    assert parse_title("  On engines  ") == "On engines"
    assert parse_title("é" * 200) == "é" * 200
    for bad in ("", "   ", "x" * 201, "two\nlines", "bell\x07", "para\u2029graph"):
        with pytest.raises(InvalidTitle) as refused:
            parse_title(bad)
        assert refused.value.field == "title"


def test_content_is_markdown_kept_as_written() -> None:
    source = "    indented code\n\n* a list\twith a tab\r\n"
    assert parse_content(source) == source
    assert parse_content("x" * MAX_CONTENT_LENGTH)
    for bad in ("", " \n\t ", "x" * (MAX_CONTENT_LENGTH + 1), "nul\x00byte", "esc\x1b[31m"):
        with pytest.raises(InvalidContent) as refused:
            parse_content(bad)
        assert refused.value.field == "content"


def test_the_author_and_admins_may_change_a_post() -> None:
    post = a_post()
    assert post.may_be_changed_by(post.author_id, is_admin=False)
    assert post.may_be_changed_by(uuid.uuid4(), is_admin=True)
    assert not post.may_be_changed_by(uuid.uuid4(), is_admin=False)


def test_an_edit_reports_what_changed_and_when() -> None:
    post = a_post()
    later = NOW + timedelta(minutes=1)
    assert post.edit("Notes", None, later) == ()
    assert post.updated_at == NOW  # nothing changed: not touched
    assert post.edit("New notes", "Some *Markdown*", later) == ("title",)
    assert post.edit(None, "More", later) == ("content",)
    assert (post.title, post.content, post.updated_at) == ("New notes", "More", later)
