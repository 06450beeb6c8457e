"""SQLAlchemy Core adapter: one implementation for SQLite, PostgreSQL and MariaDB."""
