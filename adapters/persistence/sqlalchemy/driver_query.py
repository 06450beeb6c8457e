"""Hot statements run on the driver's cursor, with SQLAlchemy's SQL and type rules.

Speed: an exception to the house style (SQLAlchemy Core everywhere else),
for 171 -> 139 us per ``me`` in process and +13% req/s under load, and for
the stored audit event every sign-in writes (94 -> 75 us on SQLite).

Every authenticated request reads its session and user. Through SQLAlchemy's
execution machinery that read costs about 25 µs on SQLite and 150 µs on
PostgreSQL; on the DB-API cursor, 7 and 100 (measured in process;
docs/performance.md). So these statements skip the machinery and keep the
rest: SQLAlchemy compiles each once per dialect, converts parameters and
values with the column types' own processors, owns the connection and its
transaction, and the driver's errors are wrapped and a dead connection
invalidated exactly as ``Connection.execute`` would.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Dialect, Insert, Select
from sqlalchemy.exc import DBAPIError

Processor = Callable[[Any], Any] | None
Fetch = Literal["one", "all"] | None


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    parameter_names: tuple[str, ...] | None  # in order, for positional paramstyles
    binds: Mapping[str, Processor]
    columns: tuple[tuple[str, Processor], ...]
    defaults: Mapping[str, Any]  # values the statement binds itself (a LIMIT's OFFSET)


class DriverQuery:
    """``statement`` run on the DB-API cursor: a select's first row (``first``)
    or all its rows (``all``), each a dict by column label, or an insert's row
    (``insert``)."""

    def __init__(self, statement: Select[Any] | Insert) -> None:
        self._statement = statement
        self._compiled: WeakKeyDictionary[Dialect, _Compiled] = WeakKeyDictionary()

    def first(self, connection: Connection, parameters: Mapping[str, Any]) -> dict[str, Any] | None:
        compiled, rows = self._run(connection, parameters, fetch="one")
        return _values(compiled, rows) if rows is not None else None

    def all(self, connection: Connection, parameters: Mapping[str, Any]) -> list[dict[str, Any]]:
        compiled, rows = self._run(connection, parameters, fetch="all")
        return [_values(compiled, row) for row in rows]

    def insert(self, connection: Connection, parameters: Mapping[str, Any]) -> None:
        if not connection.in_transaction():
            # SQLAlchemy begins on its own first statement; this one it does not
            # see, and its commit would be a no-op without a transaction begun.
            connection.begin()
        self._run(connection, parameters, fetch=None)

    def _run(
        self, connection: Connection, parameters: Mapping[str, Any], *, fetch: Fetch
    ) -> tuple[_Compiled, Any]:
        dialect = connection.dialect
        compiled = self._compiled.get(dialect) or self._compile(dialect)
        values = {
            name: value if (bind := compiled.binds[name]) is None else bind(value)
            for name, value in {**compiled.defaults, **parameters}.items()
        }
        driver_parameters: Any = (
            values
            if compiled.parameter_names is None
            else tuple(values[name] for name in compiled.parameter_names)
        )
        dbapi_connection = connection.connection.dbapi_connection
        assert dbapi_connection is not None, "a checked-out connection has its DB-API one"
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(compiled.sql, driver_parameters)
            if fetch is None:
                return compiled, None
            return compiled, cursor.fetchone() if fetch == "one" else cursor.fetchall()
        except dialect.loaded_dbapi.Error as error:
            lost = dialect.is_disconnect(error, dbapi_connection, cursor)
            if lost:
                connection.invalidate(error)
            raise DBAPIError.instance(
                compiled.sql,
                driver_parameters,
                error,
                dialect.loaded_dbapi.Error,
                connection_invalidated=lost,
                dialect=dialect,
            ) from error
        finally:
            cursor.close()

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled = self._statement.compile(dialect=dialect)
        binds = {
            name: bind.type.dialect_impl(dialect).bind_processor(dialect)
            for name, bind in compiled.binds.items()
        }
        selected = (
            self._statement.selected_columns.items() if isinstance(self._statement, Select) else ()
        )
        columns = tuple(
            (label, column.type.dialect_impl(dialect).result_processor(dialect, None))
            for label, column in selected
        )
        result = _Compiled(
            compiled.string,
            tuple(compiled.positiontup or ()) if compiled.positional else None,
            binds,
            columns,
            {name: bind.value for name, bind in compiled.binds.items() if bind.value is not None},
        )
        self._compiled[dialect] = result
        return result


def _values(compiled: _Compiled, row: Any) -> dict[str, Any]:
    return {
        label: value if process is None or value is None else process(value)
        for (label, process), value in zip(compiled.columns, row, strict=True)
    }
