"""Errors on the pages' paths are pages, with the API's status codes; the
one table from domain error to status stays ``problems.DOMAIN_PROBLEMS``."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, Response, g, jsonify, render_template
from flask_login import AnonymousUserMixin, current_user
from wtforms import Form
from wtforms.fields import Field

from adapters.http_flask.pages.security import PAGE_CSP
from adapters.http_flask.problems import DOMAIN_PROBLEMS, ERROR_PAGE
from domain.errors import DomainError, InvalidInput, Throttled


def error_page(status: int, title: str, detail: str, headers: Mapping[str, str]) -> Response:
    try:
        current_user.is_authenticated  # noqa: B018 - loads the user, which may be what failed
    except Exception:
        g._login_user = AnonymousUserMixin()  # the page is shown as to a signed-out visitor
    html = render_template("pages/error.html", status=status, title=title, detail=detail)
    response = Response(html, status=status, mimetype="text/html")
    response.headers.update(headers)
    response.headers["Content-Security-Policy"] = PAGE_CSP  # paths of no page view too
    response.headers.pop("WWW-Authenticate", None)  # a page's 401 asks for no bearer token
    return response


def init_error_pages(app: Flask) -> None:
    app.extensions[ERROR_PAGE] = error_page


def show_error(form: Form, error: DomainError, field: str | None = None) -> int:
    """Put ``error`` next to its field (the one it names, else ``field``), or
    at the top of the form; return the status the API would answer. An outage
    (503) is no fault of the form's: it goes on to the error page."""
    status = status_of(error)
    name = error.field if isinstance(error, InvalidInput) else field
    target = getattr(form, name, None) if name else None
    if isinstance(target, Field):
        target.errors = [*target.errors, error.message]
    else:
        form.form_errors.append(error.message)
    return status


def status_of(error: DomainError) -> int:
    """The status the API would answer ``error`` with; an outage (503) is no
    fault of a form's, and is raised on to the error page."""
    status = 422 if isinstance(error, InvalidInput) else DOMAIN_PROBLEMS[error.code][0]
    if status >= 500:
        raise error
    return status


def script_error(error: DomainError, field: str | None = None) -> Response:
    """An error for the pages' script (passkeys.js) as JSON ``{field, message}``,
    with the status the API would give: it shows it as ``show_error`` would."""
    name = error.field if isinstance(error, InvalidInput) else field
    response = jsonify({"field": name, "message": error.message})
    response.status_code = status_of(error)
    return response


def retry_after(error: DomainError) -> dict[str, str]:
    return {"Retry-After": str(error.retry_after)} if isinstance(error, Throttled) else {}
