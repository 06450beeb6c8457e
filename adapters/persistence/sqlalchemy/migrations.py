"""Schema migrations (Alembic), by database URL: what ``flask db ...`` runs."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parents[3] / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


class Migrations:
    """The migrations of one database."""

    def __init__(self, database_url: str) -> None:
        self._url = database_url

    def upgrade(self, revision: str = "head") -> None:
        command.upgrade(alembic_config(self._url), revision)

    def downgrade(self, revision: str) -> None:
        command.downgrade(alembic_config(self._url), revision)

    def revision(self, message: str) -> None:
        """Write a new migration from the difference between the tables and the database."""
        command.revision(alembic_config(self._url), message, autogenerate=True)
