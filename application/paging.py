"""Keyset pages by cursor, as every list that grows pages (API.md "Cursor paging").

A listing reads one row more than the page: that row tells whether another
page follows, and the cursor names the page's last row. The cursor is bound
to the listing (the list and its filter), so it opens no other.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar
from uuid import UUID

from application.ports import Cursors
from domain.errors import InvalidQuery

MAX_LIMIT = 100

Row = TypeVar("Row")


def check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidQuery("limit", f"limit is between 1 and {MAX_LIMIT}.")


def opened(cursors: Cursors, cursor: str | None, listing: str) -> UUID | None:
    """The position after which the page starts; None for the first page
    (no cursor). An empty cursor was never issued: refused like a forged one."""
    return cursors.open(cursor, listing) if cursor is not None else None


def cut(
    cursors: Cursors,
    listing: str,
    found: Sequence[Row],
    limit: int,
    position: Callable[[Row], UUID],
) -> tuple[list[Row], str | None]:
    """The page out of ``found`` (``limit`` + 1 rows read) and the cursor to
    the next one, None when this page is the last."""
    page = list(found[:limit])
    more = len(found) > limit
    return page, cursors.issue(listing, position(page[-1])) if more else None
