"""The stored events by cursor, newest first: an admin's queries, a person's own activity."""

from __future__ import annotations

from dataclasses import dataclass

from application.caller import Caller
from application.paging import check_limit, cut, opened
from application.ports import Cursors, UnitOfWorkFactory
from domain.audit import AuditEvent, AuditQuery
from domain.errors import Forbidden, InvalidQuery


@dataclass(frozen=True, slots=True)
class AuditPage:
    events: list[AuditEvent]
    next_cursor: str | None  # None: this is the last page


@dataclass(frozen=True, slots=True)
class ListAuditEvents:
    """Any account's events, filtered, for an admin. A cursor opens only the
    filter it was issued for."""

    uow: UnitOfWorkFactory
    cursors: Cursors

    def __call__(
        self, caller: Caller, query: AuditQuery, limit: int = 20, cursor: str | None = None
    ) -> AuditPage:
        if not caller.is_admin:
            raise Forbidden("Only admins may read the audit trail.")
        if query.since and query.until and query.since >= query.until:
            raise InvalidQuery("until", "until must be later than since.")
        return _page(self.uow, self.cursors, query, query.listing, limit, cursor)


@dataclass(frozen=True, slots=True)
class OwnActivity:
    """The caller's own account's events: sign-ins, failed attempts, changes,
    sessions ended."""

    uow: UnitOfWorkFactory
    cursors: Cursors

    def __call__(self, caller: Caller, limit: int = 20, cursor: str | None = None) -> AuditPage:
        query = AuditQuery(user_id=caller.user_id)
        return _page(self.uow, self.cursors, query, f"activity:{caller.user_id}", limit, cursor)


def _page(
    uow: UnitOfWorkFactory,
    cursors: Cursors,
    query: AuditQuery,
    listing: str,
    limit: int,
    cursor: str | None,
) -> AuditPage:
    check_limit(limit)
    before = opened(cursors, cursor, listing)
    with uow(read_only=True) as work:
        found = work.audit.newest(query, limit + 1, before)
    return AuditPage(*cut(cursors, listing, found, limit, lambda event: event.id))
