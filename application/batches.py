"""Deleting a backlog in batches, each its own short transaction, so a large
one never holds a lock for long (ended sessions, old audit events)."""

from __future__ import annotations

from collections.abc import Callable

from application.ports import UnitOfWork, UnitOfWorkFactory


def delete_in_batches(uow: UnitOfWorkFactory, delete: Callable[[UnitOfWork], int]) -> int:
    """Run ``delete`` (which deletes up to one batch and says how many went)
    in a unit of work of its own until it deletes nothing; how many went in all."""
    purged = 0
    while deleted := _once(uow, delete):
        purged += deleted
    return purged


def _once(uow: UnitOfWorkFactory, delete: Callable[[UnitOfWork], int]) -> int:
    with uow() as work:
        deleted = delete(work)
        work.commit()
    return deleted
