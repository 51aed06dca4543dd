"""Redis on a request's path: a short timeout, then a pause, so a frozen Redis costs one
request a fraction of a second instead of adding seconds to every request.

A Redis that accepts connections and never answers (a stalled process, a full disk, a
network partition that drops packets) held each call for the client's socket timeout.
The stores that use Redis on the request path (rate limits, connection limits,
persisted queries) fail open; `RedisGuard` bounds each call by REDIS_TIMEOUT_SECONDS
and, after a failure, skips Redis for `PAUSE_SECONDS`, logging once per outage.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from redis.exceptions import RedisError

logger = logging.getLogger("dpgraph.redis")

T = TypeVar("T")

PAUSE_SECONDS = 5.0
"""After a failed call, Redis is not asked again for this long (then one call tries)."""


class RedisSkipped(RedisError):
    """Redis failed a moment ago: the call was not made (the store fails open)."""


class RedisGuard:
    def __init__(
        self,
        what: str,
        timeout: float,
        *,
        pause: float = PAUSE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        log: logging.Logger = logger,
    ) -> None:
        self.what = what  # "rate limits": named in the log line
        self.timeout = timeout
        self.pause = pause
        self._clock = clock
        self._log = log
        self._down_until: float | None = None

    @property
    def down(self) -> bool:
        return self._down_until is not None and self._clock() < self._down_until

    async def call(self, work: Callable[[], Awaitable[T]]) -> T:
        """`work()` within the timeout; RedisError (or OSError) when it fails or while
        Redis is paused after a failure."""
        if self.down:
            raise RedisSkipped(f"Redis failed less than {self.pause:g} s ago")
        try:
            async with asyncio.timeout(self.timeout):
                result = await work()
        except (RedisError, OSError) as error:
            self._failed(error)
            raise
        if self._down_until is not None:
            self._log.warning("%s: Redis answers again", self.what)
            self._down_until = None
        return result

    def _failed(self, error: BaseException) -> None:
        if self._down_until is None:  # one line per outage, not one per request
            self._log.warning(
                "%s not checked: Redis failed (%s); skipped for %g s, the requests let in",
                self.what,
                error or type(error).__name__,
                self.pause,
            )
        self._down_until = self._clock() + self.pause
