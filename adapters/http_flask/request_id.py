"""``X-Request-ID``: the client's if it is sane, else a new one; in every log line."""

from __future__ import annotations

import logging
import os
import re
from typing import TYPE_CHECKING, cast

from flask import has_request_context, request

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

HEADER = "X-Request-ID"
ENVIRON_KEY = "accounts.request_id"
_SANE = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def request_id_of(environ: WSGIEnvironment) -> str:
    """The request's id, chosen once per request and kept in its WSGI environ."""
    chosen = environ.get(ENVIRON_KEY)
    if chosen is None:
        incoming = environ.get("HTTP_X_REQUEST_ID", "")
        chosen = incoming if _SANE.fullmatch(incoming) else os.urandom(16).hex()
        environ[ENVIRON_KEY] = chosen
    return cast(str, chosen)


def request_id() -> str:
    """The current request's id (error paths and log lines included)."""
    return request_id_of(request.environ)


class RequestContextFilter(logging.Filter):
    """Adds ``request_id`` and ``client_ip`` to every log record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        in_request = has_request_context()
        record.request_id = request_id() if in_request else "-"
        record.client_ip = (request.remote_addr or "-") if in_request else "-"
        return True
