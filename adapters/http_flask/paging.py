"""What every list by cursor answers with: the page, and ``Link: rel="next"``."""

from __future__ import annotations

from flask import request, url_for
from pydantic import BaseModel
from werkzeug import Response

from adapters.http_flask.context import json_response


def cursor_page(
    body: BaseModel, next_cursor: str | None, limit: int, *, exclude_unset: bool = False
) -> Response:
    """``body``, with ``Link: <...>; rel="next"`` while another page follows:
    this request's URL with the next cursor (its filters kept)."""
    headers = {}
    if next_cursor is not None:
        args = {**request.view_args, **request.args, "limit": limit, "cursor": next_cursor}  # type: ignore[dict-item]
        headers["Link"] = f'<{url_for(str(request.endpoint), **args)}>; rel="next"'
    return json_response(body, headers=headers, exclude_unset=exclude_unset)
