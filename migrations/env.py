"""Alembic environment. The database URL comes from the caller (``...sqlalchemy.migrations``)."""

from __future__ import annotations

from alembic import context

from adapters.persistence.sqlalchemy.engine import create_database_engine
from adapters.persistence.sqlalchemy.tables import metadata

config = context.config
url = config.get_main_option("sqlalchemy.url")
assert url, "migrations run through 'flask --app main db ...', which sets the URL"

if context.is_offline_mode():
    context.configure(url=url, target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = create_database_engine(url)
    with engine.connect() as connection:
        # Batch mode lets ALTER TABLE work on SQLite, which lacks most of it.
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
