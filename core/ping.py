"""Pings a pooled connection before use only when it sat idle, not at every checkout.

SQLAlchemy's `pool_pre_ping` pings at every checkout; on asyncpg that is three round
trips (BEGIN, the ping, ROLLBACK: the transaction serves pgbouncer's transaction mode),
more than the statements of a one-package request. A connection returned a moment ago is
as alive as a ping would show; one that sat idle is where server restarts, idle timeouts
and failovers bite, so it is pinged, and a dead one is replaced before use (SQLAlchemy's
"pessimistic disconnect handling" through a checkout event: `DisconnectionError` makes
the pool connect afresh).
"""

from __future__ import annotations

import time
import weakref
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

RETURNED_AT = "dpgraph_returned_at"
"""Key in a connection record's `info`: when the connection last went back to the pool."""


_IDLE_SECONDS: weakref.WeakKeyDictionary[Engine, float] = weakref.WeakKeyDictionary()


def idle_seconds(engine: Engine) -> float | None:
    """The idle time past which `engine`'s connections are pinged (None: never set)."""
    return _IDLE_SECONDS.get(engine)


def ping_after_idle(engine: Engine, idle_seconds: float) -> None:
    """Ping a connection at checkout when it was returned `idle_seconds` ago or more
    (0: at every checkout of a reused connection; a new one needs none)."""
    dialect = engine.dialect
    _IDLE_SECONDS[engine] = idle_seconds

    def returned(dbapi_connection: Any, record: Any) -> None:
        record.info[RETURNED_AT] = time.monotonic()

    def taken(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        returned_at = record.info.get(RETURNED_AT)
        if returned_at is None or time.monotonic() - returned_at < idle_seconds:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as error:  # the driver's own error: whatever a dead socket raises
            raise DisconnectionError(
                f"an idle pooled connection failed its ping: {error}"
            ) from error

    event.listen(engine.pool, "checkin", returned)
    event.listen(engine.pool, "checkout", taken)
