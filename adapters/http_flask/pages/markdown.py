"""Posts' Markdown as HTML for the pages (S39): CommonMark by markdown-it-py,
raw HTML off, images off (the pages load nothing from elsewhere), links only
to safe schemes and marked ``rel="nofollow ugc noopener"``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markupsafe import Markup

# Schemes a link may not use; markdown-it-py's own list lets data: images by.
_UNSAFE = re.compile(r"^\s*(javascript|vbscript|file|data):", re.IGNORECASE)


def _link_open(renderer: Any, tokens: Sequence[Any], index: int, options: Any, env: Any) -> str:
    tokens[index].attrSet("rel", "nofollow ugc noopener")
    return str(renderer.renderToken(tokens, index, options, env))


def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    md.disable("image")
    md.validateLink = lambda url: not _UNSAFE.match(url)  # type: ignore[method-assign]
    md.add_render_rule("link_open", _link_open)
    return md


_MARKDOWN = _renderer()


def render_markdown(source: str) -> Markup:
    """Safe HTML: markdown-it escapes every text and attribute it writes."""
    return Markup(_MARKDOWN.render(source))  # noqa: S704 - escaped by markdown-it, raw HTML off
