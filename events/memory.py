"""The embedded broker: one process, events numbered in memory, the last N kept for replay."""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from collections.abc import AsyncIterator, Sequence

from events.broker import InvalidEventId, ReplayGap
from events.model import Event


class MemoryBroker:
    def __init__(self, *, window: int = 10_000) -> None:
        self._numbers = itertools.count(1)
        self._recent: deque[Event] = deque(maxlen=window)
        self._batches: asyncio.Queue[list[Event]] = asyncio.Queue()

    async def publish(self, events: Sequence[Event]) -> None:
        numbered = [event.with_id(str(next(self._numbers))) for event in events]
        self._recent.extend(numbered)
        self._batches.put_nowait(numbered)

    async def listen(self) -> AsyncIterator[list[Event]]:
        yield []  # connected at once
        while True:
            yield await self._batches.get()

    async def replay(self, after: str) -> list[Event]:
        try:
            number = int(after)
        except ValueError:
            raise InvalidEventId(f"{after!r} is not an event id") from None
        if not self._recent or number > int(self._recent[-1].id):
            raise ReplayGap(f"event {after} is unknown here (the server restarted)")
        oldest = int(self._recent[0].id)
        if number < oldest - 1:
            raise ReplayGap(f"event {after} is older than the {len(self._recent)} kept")
        return [event for event in self._recent if int(event.id) > number]

    async def close(self) -> None:
        return None
