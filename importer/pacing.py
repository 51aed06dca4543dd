"""A polite request rate: requests start at least `1 / rate` seconds apart.

A server that answers 429 with Retry-After is asking every request to wait, not
just the one it refused, so `hold` pauses them all.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class TimeSource:
    """Real time by default; tests pass a fake one so retries and pacing never wait."""

    sleep: Sleep = asyncio.sleep
    monotonic: Clock = time.monotonic
    now: Callable[[], datetime] = _utc_now


class Pacer:
    """`rate` requests per second at most (0 or None: no limit)."""

    def __init__(self, rate: float | None, *, clock: Clock, sleep: Sleep) -> None:
        self.interval = 1 / rate if rate else 0.0
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        """Return when the next request may start."""
        async with self._lock:
            now = self._clock()
            while now < self._next:
                target = self._next
                await self._sleep(target - now)
                # A `hold` while we slept moves the target on; otherwise we are due.
                now = max(self._clock(), target) if self._next <= target else self._clock()
            self._next = now + self.interval

    def hold(self, seconds: float) -> None:
        """No request starts in the next `seconds`."""
        self._next = max(self._next, self._clock() + seconds)
