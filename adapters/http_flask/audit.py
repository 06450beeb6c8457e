"""/api/v1/audit-events (an admin's) and /api/v1/auth/activity (one's own):
the stored audit trail, newest first, by cursor."""

from __future__ import annotations

from flask import Blueprint
from werkzeug import Response

from adapters.http_flask.audit_schemas import (
    ActivityQuery,
    AuditEventListResponse,
    AuditEventsQuery,
)
from adapters.http_flask.context import core, current_caller
from adapters.http_flask.openapi import Operation, documented
from adapters.http_flask.paging import cursor_page
from adapters.http_flask.parsing import parse_query

bp = Blueprint("audit", __name__, url_prefix="/api/v1")


@bp.get("/audit-events")
@documented(
    Operation(
        "The audit trail, newest first, by cursor (admins)",
        {200: AuditEventListResponse},
        query=AuditEventsQuery,
        bearer=True,
        errors=(403,),
        tags=("audit",),
        description="A cursor opens only the filter it was issued for.",
    )
)
def list_audit_events() -> Response:
    caller = current_caller()
    query = parse_query(AuditEventsQuery)
    page = core().audit.list_events(caller, query.audit_query(), query.limit, query.cursor)
    return cursor_page(AuditEventListResponse.of(page), page.next_cursor, query.limit)


@bp.get("/auth/activity")
@documented(
    Operation(
        "The caller's own account's events, newest first, by cursor",
        {200: AuditEventListResponse},
        query=ActivityQuery,
        bearer=True,
        tags=("auth",),
    )
)
def own_activity() -> Response:
    caller = current_caller()
    query = parse_query(ActivityQuery)
    page = core().audit.own_activity(caller, query.limit, query.cursor)
    return cursor_page(AuditEventListResponse.of(page), page.next_cursor, query.limit)
