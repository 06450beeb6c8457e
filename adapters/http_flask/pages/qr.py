"""QR codes made on the server, as inline SVG: no script and no image host
(the pages' CSP allows neither)."""

from __future__ import annotations

import io

import segno
from markupsafe import Markup


def qr_svg(data: str, title: str) -> Markup:
    """``data`` as an SVG QR code, with ``title`` for screen readers."""
    out = io.BytesIO()
    segno.make(data, error="m").save(
        out, kind="svg", scale=5, border=4, xmldecl=False, svgns=True, title=title, svgclass="qr"
    )
    return Markup(out.getvalue().decode())  # noqa: S704  (segno's own markup; title is escaped)
