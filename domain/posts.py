"""The post, the second aggregate: a title and Markdown content by an author."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.errors import InvalidContent, InvalidTitle

MAX_TITLE_LENGTH = 200
MAX_CONTENT_LENGTH = 20_000
# Content is text of many lines: these control characters belong to it.
_CONTENT_CONTROLS = frozenset("\n\r\t")


def parse_title(raw: str, field: str = "title") -> str:
    """1 to 200 characters after trimming, on one line, no control characters."""
    title = raw.strip()
    if not 1 <= len(title) <= MAX_TITLE_LENGTH:
        raise InvalidTitle(field, f"A title has 1 to {MAX_TITLE_LENGTH} characters.")
    if any(unicodedata.category(c) in {"Cc", "Cs", "Zl", "Zp"} for c in title):
        raise InvalidTitle(field, "A title cannot contain control characters or line breaks.")
    return title


def parse_content(raw: str, field: str = "content") -> str:
    """1 to 20,000 characters of Markdown source, kept as written (leading
    spaces mean something in Markdown), not blank, no control characters
    but line breaks and tabs."""
    if not raw.strip():
        raise InvalidContent(field, "A post needs some content.")
    if len(raw) > MAX_CONTENT_LENGTH:
        raise InvalidContent(field, f"Content has at most {MAX_CONTENT_LENGTH:,} characters.")
    if any(unicodedata.category(c) in {"Cc", "Cs"} and c not in _CONTENT_CONTROLS for c in raw):
        raise InvalidContent(field, "Content cannot contain control characters.")
    return raw


@dataclass(slots=True)
class Post:
    id: UUID
    author_id: UUID
    title: str
    content: str
    created_at: datetime
    updated_at: datetime
    version: int = 1
    """Bumped by every stored change; a write based on an older version is refused."""

    def may_be_changed_by(self, user_id: UUID, is_admin: bool) -> bool:
        """Its author may edit and delete it, and so may an admin."""
        return is_admin or user_id == self.author_id

    def edit(self, title: str | None, content: str | None, now: datetime) -> tuple[str, ...]:
        """Take the fields given (already parsed) that differ; their names."""
        changed = []
        if title is not None and title != self.title:
            self.title = title
            changed.append("title")
        if content is not None and content != self.content:
            self.content = content
            changed.append("content")
        if changed:
            self.updated_at = now
        return tuple(changed)
