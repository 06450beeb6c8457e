"""The stored audit trail: its writer, an admin's queries, a person's own
activity, retention and export."""

from __future__ import annotations

from dataclasses import dataclass

from application.audit.listing import ListAuditEvents, OwnActivity
from application.audit.retention import ExportAuditEvents, PurgeAuditEvents


@dataclass(frozen=True, slots=True)
class Audit:
    """The area's use cases; each field is built from the dependencies its type names."""

    list_events: ListAuditEvents
    own_activity: OwnActivity
    purge: PurgeAuditEvents
    export: ExportAuditEvents
