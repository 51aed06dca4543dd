"""Work for a client that has gone is cancelled.

Once a request's body is read, the next ASGI `receive()` returns only when the client
disconnects. A watcher waits on it while the answer is computed and, if it comes first,
cancels the work (with it the running PostgreSQL statement: asyncpg cancels it, the
compiled path's connection is discarded). Before this, a client that gave up on a slow
query left it running to the end.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.types import Receive


class ClientGone(Exception):
    """The client disconnected before its answer was ready; nobody is left to answer."""


WATCH_AFTER_SECONDS = 0.05
"""Most answers take a few milliseconds: a watcher (a task) starts only for the work
still running after this long, so they pay a timer, not a task (measured: 4% of a
`{ __typename }` request)."""


@asynccontextmanager
async def cancelled_on_disconnect(receive: Receive) -> AsyncIterator[None]:
    """Call after the body is read. The block is cancelled (ClientGone) if the client
    disconnects while it runs."""
    task = asyncio.current_task()
    assert task is not None
    state = {"running": True, "gone": False}
    watcher: asyncio.Task[None] | None = None

    async def watch() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        # The block may have ended in this same loop turn: then there is nothing to stop.
        if state["running"]:
            state["gone"] = True
            task.cancel()

    def start_watching() -> None:
        nonlocal watcher
        if state["running"]:
            watcher = asyncio.create_task(watch(), name="dpgraph-disconnect-watch")

    timer = asyncio.get_running_loop().call_later(WATCH_AFTER_SECONDS, start_watching)
    try:
        yield
    except asyncio.CancelledError:
        if state["gone"] and task.uncancel() == 0:
            raise ClientGone from None
        raise  # cancelled from elsewhere (shutdown, the request deadline): not ours
    finally:
        state["running"] = False
        timer.cancel()
        if watcher is not None:
            watcher.cancel()
