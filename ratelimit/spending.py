"""One charge per operation, whichever path answers it.

A query is charged by its admission (`schema.admission`), before either executor runs;
a mutation or a subscription by the reference's CostLimit. A `Spending` slot, open for
the whole HTTP request (or one `Schema.execute`), remembers the
charge; the `rateLimit` field and the X-RateLimit headers read it. A stream over HTTP
waits for the charge (`until_charged`) before it sends its head, which carries them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from ratelimit.budget import Budget


class Spending:
    __slots__ = ("_charged_now", "budget", "charged")

    def __init__(self) -> None:
        self.charged = False
        self.budget: Budget | None = None  # None: not limited (off, or the store is down)
        self._charged_now: asyncio.Event | None = None  # made only when someone waits

    def record(self, budget: Budget | None) -> None:
        """The operation was charged (`budget` None: not limited)."""
        self.charged, self.budget = True, budget
        if self._charged_now is not None:
            self._charged_now.set()

    async def until_charged(self) -> None:
        if self.charged:
            return
        if self._charged_now is None:
            self._charged_now = asyncio.Event()
        await self._charged_now.wait()


_CURRENT: ContextVar[Spending | None] = ContextVar("dpgraph_spending", default=None)


def current() -> Spending | None:
    return _CURRENT.get()


@contextmanager
def spending() -> Iterator[Spending]:
    """The open slot if there is one (the HTTP request's), else a new one for this block."""
    slot = _CURRENT.get()
    if slot is not None:
        yield slot
        return
    slot = Spending()
    token = _CURRENT.set(slot)
    try:
        yield slot
    finally:
        _CURRENT.reset(token)
