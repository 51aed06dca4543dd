"""The embedded broker: one process, events numbered in memory, the last N kept for replay.

An id is `<run>-<n>`: `run` is drawn when the process starts, so an id handed out before
a restart is recognised as such (EVENTS_EXPIRED) instead of naming a new, different event.
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
from collections import deque
from collections.abc import AsyncIterator, Sequence

from events.broker import InvalidEventId, ReplayGap
from events.model import Event


class MemoryBroker:
    def __init__(self, *, window: int = 10_000) -> None:
        self.run = secrets.token_hex(4)
        self._numbers = itertools.count(1)
        self._recent: deque[Event] = deque(maxlen=window)
        self._batches: asyncio.Queue[list[Event]] = asyncio.Queue()

    async def publish(self, events: Sequence[Event]) -> None:
        numbered = [event.with_id(f"{self.run}-{next(self._numbers)}") for event in events]
        self._recent.extend(numbered)
        self._batches.put_nowait(numbered)

    async def listen(self) -> AsyncIterator[list[Event]]:
        yield []  # connected at once
        while True:
            yield await self._batches.get()

    async def replay(self, after: str) -> list[Event]:
        run, _, digits = after.rpartition("-")
        if not digits.isdigit():
            raise InvalidEventId(f"{after!r} is not an event id")
        number = int(digits)
        last = _number(self._recent[-1]) if self._recent else 0
        if run != self.run or number > last:
            raise ReplayGap(f"event {after} is unknown here (the server restarted)")
        if self._recent and number < _number(self._recent[0]) - 1:
            raise ReplayGap(f"event {after} is older than the {len(self._recent)} kept")
        return [event for event in self._recent if _number(event) > number]

    async def head(self) -> str:
        return self._recent[-1].id if self._recent else f"{self.run}-0"

    def origin(self) -> str | None:
        """Resuming after this gives every event of this run, while the window holds them
        all: a webhook whose position died with the previous run misses nothing since."""
        if self._recent and _number(self._recent[0]) != 1:
            return None
        return f"{self.run}-0"

    async def close(self) -> None:
        return None


def _number(event: Event) -> int:
    return int(event.id.rpartition("-")[2])
