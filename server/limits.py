"""How many WebSocket connections each client holds, counted in-process or in Redis.

With several server processes behind one address, only a shared count (Redis) stops a
client from opening its limit on every process.
"""

from __future__ import annotations

import logging
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

logger = logging.getLogger("dpgraph.limits")

# A crashed process cannot give its connections back: counts expire instead.
COUNT_TTL_SECONDS = 3600


class ConnectionLimiter(Protocol):
    async def acquire(self, client: str) -> bool: ...

    async def release(self, client: str) -> None: ...

    async def close(self) -> None: ...


class MemoryLimiter:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.counts: dict[str, int] = {}

    async def acquire(self, client: str) -> bool:
        if self.counts.get(client, 0) >= self.limit:
            return False
        self.counts[client] = self.counts.get(client, 0) + 1
        return True

    async def release(self, client: str) -> None:
        left = self.counts.get(client, 0) - 1
        if left > 0:
            self.counts[client] = left
        else:
            self.counts.pop(client, None)

    async def close(self) -> None:
        return None


class RedisLimiter:
    """INCR on connect, DECR on close; if Redis is down, connections are let in (logged):
    limits protect the service, they must not take it down with Redis."""

    def __init__(self, url: str, limit: int, *, prefix: str = "dpgraph") -> None:
        self.limit = limit
        self.prefix = prefix
        self._client: Redis = Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    def _key(self, client: str) -> str:
        return f"{self.prefix}:connections:{client}"

    async def acquire(self, client: str) -> bool:
        key = self._key(client)
        try:
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.incr(key)
                pipe.expire(key, COUNT_TTL_SECONDS)
                count, _ = await pipe.execute()
            if int(count) > self.limit:
                await self._client.decr(key)
                return False
        except (RedisError, OSError) as error:
            logger.warning("connection limit not checked (Redis: %s)", error)
        return True

    async def release(self, client: str) -> None:
        try:
            await self._client.decr(self._key(client))
        except (RedisError, OSError) as error:
            logger.warning("connection count not released (Redis: %s)", error)

    async def close(self) -> None:
        await self._client.aclose()
