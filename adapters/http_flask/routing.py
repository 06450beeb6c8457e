"""Which paths belong to programs (the JSON API) and which to people (the pages)."""

from __future__ import annotations

# Problem details, no cookie, the API's own headers; every other path is a page.
API_PREFIXES = ("api/", "health", "metrics", ".well-known/")


def is_api_path(path: str) -> bool:
    """``//api/...`` too: a path the API refuses stays the API's to answer."""
    return path.lstrip("/").startswith(API_PREFIXES)
