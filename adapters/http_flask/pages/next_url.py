"""Where to go after signing in: a same-site path, never another site (S38)."""

from __future__ import annotations

from urllib.parse import urlencode

DEFAULT = "/account"


def safe_next(target: str | None) -> str:
    """``target`` if it is a path of this site, else the account page.

    Refused: anything with a scheme or host (``https://x``, ``//x``, ``/\\x``,
    which browsers read as ``//x``), backslashes and control characters.
    """
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(character) < 0x20 or ord(character) == 0x7F for character in target)
    ):
        return DEFAULT
    return target


def to_sign_in(next_path: str) -> str:
    path = next_path.rstrip("?")
    return "/sign-in" if path in ("/", DEFAULT) else f"/sign-in?{urlencode({'next': path})}"
