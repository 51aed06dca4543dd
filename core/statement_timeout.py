"""A bound on each database statement (STATEMENT_TIMEOUT_SECONDS), below the request's.

A 900 KB search ran 10 s on PostgreSQL, and 40 of them from one address made every other
client's reads slow: the request timeout cancels the request, but a budget of points
could still buy minutes of database time in parallel. Here a statement itself stops:

- PostgreSQL: `statement_timeout`, given as a server setting when a connection opens
  (no round trip per request); the server cancels the statement (SQLSTATE 57014).
- SQLite: a progress handler, called by SQLite every few thousand VM steps on the
  driver's thread, interrupts a statement past its deadline ("interrupted").

Either way the request is answered 504 TIMEOUT (`StatementTimedOut`). Work that may run
long on purpose (migrations, index builds at start-up) runs `unbounded`.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.util.concurrency import await_

QUERY_CANCELED = "57014"
"""PostgreSQL's SQLSTATE for a statement cancelled by statement_timeout."""
PROGRESS_STEPS = 10_000
"""SQLite VM instructions between two looks at the deadline (about a millisecond)."""
UNBOUNDED = "dpgraph_unbounded"
"""Execution option: statements of this connection run without the deadline (SQLite)."""


class StatementTimedOut(Exception):
    """A statement ran past STATEMENT_TIMEOUT_SECONDS and the database stopped it."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"A database statement took over {seconds:g} s and was stopped.")
        self.seconds = seconds


def postgresql_connect_args(seconds: float) -> dict[str, Any]:
    """asyncpg's connect arguments that set the timeout for the connection's life."""
    if not seconds:
        return {}
    return {"server_settings": {"statement_timeout": str(round(seconds * 1000))}}


class _Deadline:
    """When the running statement of one SQLite connection must stop (None: no limit).
    Set on the event loop before a statement, read by the driver's thread."""

    def __init__(self) -> None:
        self.at: float | None = None

    def passed(self) -> int:
        at = self.at
        return 1 if at is not None and time.monotonic() > at else 0


def bound_sqlite(engine: Engine, seconds: float) -> None:
    """Every statement of `engine`'s SQLite connections stops `seconds` after it starts
    (its rows are fetched within that time too: the driver reads them all at once)."""
    if not seconds:
        return

    @event.listens_for(engine, "connect")
    def _install(dbapi_connection: Any, record: Any) -> None:
        deadline = _Deadline()
        record.info["statement_deadline"] = deadline
        driver = dbapi_connection.driver_connection  # aiosqlite's connection
        await_(driver.set_progress_handler(deadline.passed, PROGRESS_STEPS))

    @event.listens_for(engine, "before_cursor_execute")
    def _start(
        conn: Any, cursor: Any, statement: Any, params: Any, context: Any, many: Any
    ) -> None:
        deadline = conn.connection.info.get("statement_deadline")
        if deadline is not None:
            unbounded = conn.get_execution_options().get(UNBOUNDED, False)
            deadline.at = None if unbounded else time.monotonic() + seconds

    def _stop(conn: Any, *_: Any) -> None:
        deadline = conn.connection.info.get("statement_deadline")
        if deadline is not None:
            deadline.at = None

    @event.listens_for(engine, "handle_error")
    def _failed(context: Any) -> None:
        if context.connection is not None:
            _stop(context.connection)

    event.listen(engine, "after_cursor_execute", _stop)


async def unbounded(connection: AsyncConnection) -> None:
    """Lift the statement deadline for the rest of `connection`'s transaction (start-up
    migrations, index builds)."""
    if connection.dialect.name == "postgresql":
        await connection.execute(text("SET LOCAL statement_timeout = 0"))
    else:
        await connection.execution_options(**{UNBOUNDED: True})


def is_statement_timeout(error: BaseException | None) -> bool:
    """Whether `error` (or what it wraps) is the database stopping a statement at the
    deadline: PostgreSQL's 57014, SQLite's "interrupted"."""
    seen = 0
    while error is not None and seen < 8:
        if isinstance(error, StatementTimedOut):
            return True
        if getattr(error, "sqlstate", None) == QUERY_CANCELED:
            return True
        if isinstance(error, sqlite3.OperationalError) and str(error) == "interrupted":
            return True
        error = getattr(error, "orig", None) or error.__cause__
        seen += 1
    return False
