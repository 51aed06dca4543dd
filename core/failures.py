"""Which failures mean "the database is unavailable", not "this statement is wrong".

A killed or refused connection, a restarting server, an exhausted pool: the client did
nothing wrong and may try again shortly, so it is told DATABASE_UNAVAILABLE (HTTP 503),
never a plain-text 500. An integrity error or a bad statement is not one of these.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from core.statement_timeout import is_statement_timeout

DATABASE_UNAVAILABLE = "DATABASE_UNAVAILABLE"
UNAVAILABLE_MESSAGE = "The database is unavailable; nothing was done. Try again shortly."

_UNAVAILABLE: tuple[type[BaseException], ...] = (
    OperationalError,  # connection refused or lost; SQLite's "database is locked"
    InterfaceError,  # asyncpg: the connection is closed
    DisconnectionError,  # a pooled connection failed its ping
    PoolTimeout,  # no pooled connection came free in time
    ConnectionError,  # a driver's own socket error, before SQLAlchemy wraps it
)


def database_unavailable(error: BaseException | None) -> bool:
    """True for a lost, refused or exhausted connection, or an error raised from one.
    A statement stopped at STATEMENT_TIMEOUT_SECONDS is not one (SQLite reports it as an
    OperationalError): retrying it would run the stopped statement again."""
    if is_statement_timeout(error):
        return False
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, _UNAVAILABLE):
            return True
        if isinstance(error, DBAPIError) and (
            error.connection_invalidated or _lost_connection_state(error.orig)
        ):
            return True
        if _lost_connection_state(error) or _closed_asyncpg_connection(error):
            return True  # raised by asyncpg itself (the compiled lane's raw connection)
        error = error.__cause__
        seen += 1
    return False


def _lost_connection_state(orig: BaseException | None) -> bool:
    """PostgreSQL's SQLSTATE for a connection exception (08...) or an operator's
    intervention (57P..: the backend was terminated, the server is shutting down)."""
    state = str(getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None) or "")
    return state.startswith(("08", "57P"))


def _closed_asyncpg_connection(error: BaseException) -> bool:
    """asyncpg's InterfaceError for a connection it already knows is closed, or its
    InternalClientError for a protocol left mid-operation ("cannot switch to state ...;
    another operation is in progress": seen on a connection whose backend was terminated)."""
    kind = type(error)
    if not kind.__module__.startswith("asyncpg"):
        return False
    if kind.__name__ == "InterfaceError":
        return "closed" in str(error)
    return kind.__name__ == "InternalClientError" and "another operation" in str(error)
