"""Statements built and compiled once per plan field and shape; per request only the bound
values change.

A field's statement depends on the plan (its columns), the dialect and the request's shape
(first or last, the page size, which cursor values are present, whether a total is read),
never on the values themselves: those are named bind parameters. `StatementCache` keeps a
field's statements by that shape, bounded.

PostgreSQL: the statement is compiled once to `$n` text and run on the request's asyncpg
connection (`fastpath.connection`), so asyncpg's prepared-statement cache applies and
SQLAlchemy's per-execution work (cache keys, result wrapping) is skipped; a statement
holding a request's values (a filter) is compiled for that request only. The
values SQLAlchemy would have converted go through the compiled statement's own bind and
result processors (e.g. UTCDateTime), and JSON is decoded by the codec SQLAlchemy
installs on the driver connection, so rows hold exactly what `conn.execute` returns.
Each statement is announced through the engine's `before_cursor_execute` event, so
statement counters see it. SQLite keeps `AsyncConnection.execute` (with the cached
statement object, which spares SQLAlchemy its cache-key walk).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine

from core import tracing

if TYPE_CHECKING:
    from fastpath.plan import Env

Row = Sequence[Any]
Processor = Callable[[Any], Any]

DEFAULT_CAPACITY = 16
"""Shapes per field: first/last, cursors present or not, page sizes a client varies."""


@dataclass(frozen=True)
class Compiled:
    """A statement's PostgreSQL text, its positional arguments and result conversions."""

    text: str
    binds: tuple[tuple[str, Any, Processor | None], ...]  # name, default, bind processor
    processors: tuple[tuple[int, Processor], ...]  # column index, result processor

    def arguments(self, params: Mapping[str, Any]) -> list[Any]:
        values: list[Any] = []
        for name, default, process in self.binds:
            value = params[name] if name in params else default
            values.append(value if process is None else process(value))
        return values


def compile_postgres(statement: Select[Any], dialect: Dialect) -> Compiled:
    """`$n` text with the page limit written in (`literal_execute`), arguments by position."""
    compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    defaults = compiled.construct_params()
    processors: Mapping[str, Any] = compiled._bind_processors  # one callable per name here
    names = compiled.positiontup or []
    binds = tuple((name, defaults.get(name), processors.get(name)) for name in names)
    results = result_processors([entry[3] for entry in compiled._result_columns], dialect)
    return Compiled(compiled.string, binds, results)


def result_processors(
    types: Sequence[TypeEngine[Any]], dialect: Dialect
) -> tuple[tuple[int, Processor], ...]:
    """SQLAlchemy's conversion of each value the driver returns, by position (those that
    need one): the same for a statement's columns and a folded record's fields."""
    return tuple(
        (index, process)
        for index, type_ in enumerate(types)
        if (process := type_._cached_result_processor(dialect, None)) is not None
    )


def converted(records: Sequence[Row], processors: Sequence[tuple[int, Processor]]) -> list[Row]:
    """The records with their values converted (copies: asyncpg's records are read-only)."""
    rows: list[Row] = []
    for record in records:
        values = list(record)
        for index, process in processors:
            values[index] = process(values[index])
        rows.append(values)
    return rows


class Prepared:
    """One statement object, and its PostgreSQL compilation once it is first run there."""

    __slots__ = ("cached", "postgres", "statement")

    def __init__(self, statement: Select[Any], cached: bool) -> None:
        self.statement = statement
        self.cached = cached
        self.postgres: Compiled | None = None


class StatementCache:
    """A plan field's statements by shape, least recently used out past `capacity`."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[Hashable, Prepared] = OrderedDict()

    def get(self, key: Hashable | None, build: Callable[[], Select[Any]]) -> Prepared:
        """key None: a statement with request values inside (a filter), built every time."""
        if key is None:
            return Prepared(build(), cached=False)
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
            return entry
        entry = self._entries[key] = Prepared(build(), cached=True)
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)
        return entry

    def __len__(self) -> int:
        return len(self._entries)


async def fetch(env: Env, prepared: Prepared, params: Mapping[str, Any]) -> Sequence[Row]:
    """The statement's rows, as tuples indexed by position."""
    conn = env.conn
    assert conn is not None, "a plan that reads the database has a connection"
    if conn.sqlalchemy is not None:
        result = await conn.sqlalchemy.execute(prepared.statement, dict(params))
        return list(result.all())
    compiled = prepared.postgres
    if compiled is None:
        compiled = compile_postgres(prepared.statement, conn.dialect)
        if prepared.cached:  # a statement holding a request's values is compiled each time
            prepared.postgres = compiled
    arguments = compiled.arguments(params)
    if conn.dispatch.before_cursor_execute:
        conn.dispatch.before_cursor_execute(
            None, None, compiled.text, tuple(arguments), None, False
        )
    with tracing.statement(compiled.text):  # SQLAlchemy's own statements: its engine events
        records: list[Any] = await conn.driver.fetch(compiled.text, *arguments)
    if not compiled.processors:
        return records
    return converted(records, compiled.processors)
