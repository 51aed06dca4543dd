"""The running request's deadline, as seen by a transaction about to commit.

REQUEST_TIMEOUT_SECONDS cancels a request's work when it runs late. Cancelled during a
COMMIT, the write may be done on the server while the client is told 504 TIMEOUT: a
lie it would act on (a retry writes twice). So the deadline is checked *before* a
commit, never after: past it, the transaction rolls back (`DeadlinePassed`); within it,
the timer is lifted for the rest of the request, and the answer tells what was written.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar


class DeadlinePassed(TimeoutError):
    """The request's deadline passed before this transaction committed: nothing of it
    was written."""


class Deadline:
    """The request's `asyncio.Timeout` and when it falls due (loop time)."""

    def __init__(self, timeout: asyncio.Timeout) -> None:
        self._timeout = timeout
        self.when = timeout.when()
        self.lifted = False

    def before_commit(self) -> None:
        """Raise DeadlinePassed when it is due; else no cancellation may cut what follows."""
        due = self.when is not None and asyncio.get_running_loop().time() >= self.when
        if due or self._timeout.expired():  # expired: its cancellation is on its way
            raise DeadlinePassed
        if not self.lifted:
            self.lifted = True
            self._timeout.reschedule(None)


_DEADLINE: ContextVar[Deadline | None] = ContextVar("dpgraph_deadline", default=None)


@contextmanager
def bounded_by(timeout: asyncio.Timeout) -> Iterator[Deadline]:
    """The request's deadline for the block (`asyncio.timeout(...)`'s context manager)."""
    deadline = Deadline(timeout)
    token = _DEADLINE.set(deadline)
    try:
        yield deadline
    finally:
        _DEADLINE.reset(token)


def before_commit() -> None:
    """Called by every transaction just before it commits (`core.db`); outside a
    request with a deadline (the importer, the CLI), it does nothing."""
    deadline = _DEADLINE.get()
    if deadline is not None:
        deadline.before_commit()
