"""Problem details for the errors gunicorn answers itself, before the app sees a request.

A request line over ``limit_request_line`` (414), header fields over their
limits (431) or bytes that are not HTTP (400) never reach Flask: gunicorn
writes an HTML page of its own through ``gunicorn.util.write_error``, its one
seam for these answers. ``install`` replaces it with an RFC 9457 body that
echoes nothing of the request (S31), carries a request id and the edge's
security headers, as every other response does.
"""

from __future__ import annotations

import json
import os
import socket
from http import HTTPStatus

from gunicorn import util

from adapters.http_flask.edge_headers import API_CSP, SECURITY_HEADERS
from adapters.http_flask.problems import MEDIA_TYPE, problem_body, status_slug
from adapters.http_flask.request_id import HEADER

DETAILS = {
    400: "The request is not valid HTTP.",
    414: "The request line is longer than this server accepts.",
    431: "The request header fields are larger than this server accepts.",
    500: "The server could not complete the request.",
}


def problem_bytes(status: int) -> bytes:
    """A whole HTTP/1.1 response: status line, headers and problem-details body."""
    phrase = HTTPStatus(status).phrase
    request_id = os.urandom(16).hex()
    body = json.dumps(
        problem_body(
            status,
            "internal-error" if status == 500 else status_slug(status),
            phrase,
            DETAILS.get(status, HTTPStatus(status).description + "."),
            request_id,
        )
    ).encode()
    headers = [
        ("Connection", "close"),
        ("Content-Type", MEDIA_TYPE),
        ("Content-Length", str(len(body))),
        ("Content-Security-Policy", API_CSP),
        (HEADER, request_id),
        *SECURITY_HEADERS,
    ]
    head = f"HTTP/1.1 {status} {phrase}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
    return head.encode("latin-1") + b"\r\n" + body


def write_problem(sock: socket.socket, status_int: int, reason: str, mesg: str) -> None:  # noqa: ARG001
    """``gunicorn.util.write_error``'s signature. Its reason and message are left
    out: the message may quote the request, a token in its query included."""
    util.write_nonblock(sock, problem_bytes(status_int))


def install() -> None:
    """Make gunicorn answer its own errors as problem details (from gunicorn.conf.py)."""
    util.write_error = write_problem
