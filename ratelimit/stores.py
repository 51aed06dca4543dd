"""Where budgets are kept: in this process, or in Redis shared by every process.

Fixed windows (GitHub's model): a client's window starts with its first request and lasts
RATE_LIMIT_WINDOW_SECONDS; `resetAt` is its end. A request that does not fit is refused
and spends nothing. In Redis a window is one key with an expiry, checked and spent by one
Lua script, so two processes cannot both spend the last points; a Redis restart forgets
the windows (clients get a fresh budget), it cannot leave a count behind.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from core.redis_guard import RedisGuard
from ratelimit.budget import Budget

logger = logging.getLogger("dpgraph.ratelimit")

SWEEP_AT = 10_000
"""In memory, windows that have ended are dropped once this many clients are known."""


class BudgetStore(Protocol):
    async def spend(self, key: str, cost: int, limit: int, window_seconds: float) -> Budget | None:
        """Spend `cost` points of `key`'s budget if they fit (None: not checked)."""
        ...

    async def close(self) -> None: ...


class MemoryBudgets:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._windows: dict[str, list[float]] = {}  # key -> [used, reset_at]
        self._sweep_at = SWEEP_AT

    def __len__(self) -> int:
        return len(self._windows)

    async def spend(self, key: str, cost: int, limit: int, window_seconds: float) -> Budget:
        now = self._clock()
        window = self._windows.get(key)
        if window is None or window[1] <= now:
            if len(self._windows) >= self._sweep_at:
                self._sweep(now)
            window = [0, now + window_seconds]
            self._windows[key] = window
        used = int(window[0])
        if used + cost > limit:
            return Budget(False, cost, limit, used, window[1])
        window[0] = used + cost
        return Budget(True, cost, limit, used + cost, window[1])

    def _sweep(self, now: float) -> None:
        self._windows = {k: w for k, w in self._windows.items() if w[1] > now}
        # Many live clients: sweep again only when their number has doubled.
        self._sweep_at = max(SWEEP_AT, 2 * len(self._windows))

    async def close(self) -> None:
        return None


# KEYS[1] the window; ARGV: cost, limit, window in ms. Returns allowed, used, ms left.
_SPEND = """
local cost = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  if cost > limit then return {0, 0, window} end
  redis.call('SET', KEYS[1], cost, 'PX', window)
  return {1, cost, window}
end
local used = tonumber(redis.call('GET', KEYS[1]))
if used + cost > limit then return {0, used, left} end
return {1, redis.call('INCRBY', KEYS[1], cost), left}
"""


class RedisBudgets:
    """If Redis is down, requests are let in (logged once per outage): limits
    protect the service, they must not take it down with Redis."""

    def __init__(self, url: str, *, prefix: str = "dpgraph", timeout: float = 0.25) -> None:
        self.prefix = prefix
        self._client: Redis = Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        self._spend = self._client.register_script(_SPEND)
        self._guard = RedisGuard("rate limits", timeout, log=logger)  # logs once per outage

    def key(self, key: str) -> str:
        return f"{self.prefix}:rate:{key}"

    async def spend(self, key: str, cost: int, limit: int, window_seconds: float) -> Budget | None:
        try:
            allowed, used, left_ms = await self._guard.call(
                lambda: self._spend(
                    keys=[self.key(key)], args=[cost, limit, max(1, round(window_seconds * 1000))]
                )
            )
        except (RedisError, OSError):
            return None
        return Budget(bool(allowed), cost, limit, int(used), time.time() + int(left_ms) / 1000)

    async def close(self) -> None:
        await self._client.aclose()
