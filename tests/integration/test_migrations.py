"""Every Alembic revision upgrades and downgrades cleanly on every database,
and the migrated schema matches the table definitions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from adapters.persistence.sqlalchemy.migrations import alembic_config
from adapters.persistence.sqlalchemy.tables import metadata
from tests.support.servers import BACKENDS, fresh_database

TABLES = {"users", "sessions", "refresh_tokens", "throttle_windows"}


@pytest.fixture(params=BACKENDS)
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        yield url


def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_downgrade_and_upgrade_again(empty_database: str) -> None:
    config = alembic_config(empty_database)
    command.upgrade(config, "head")
    assert table_names(empty_database) >= TABLES
    command.downgrade(config, "base")
    assert table_names(empty_database) == {"alembic_version"}
    command.upgrade(config, "head")
    assert table_names(empty_database) >= TABLES


def test_each_revision_steps_down_and_up(empty_database: str) -> None:
    config = alembic_config(empty_database)
    revisions = list(ScriptDirectory.from_config(config).walk_revisions("base", "heads"))
    assert len(revisions) >= 2
    for revision in reversed(revisions):
        command.upgrade(config, revision.revision)
        command.downgrade(config, "-1")
        command.upgrade(config, revision.revision)


def test_models_and_migrations_agree(empty_database: str) -> None:
    """The same check as ``alembic check``: autogenerate finds nothing to do."""
    command.upgrade(alembic_config(empty_database), "head")
    engine = create_engine(empty_database)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
    finally:
        engine.dispose()
