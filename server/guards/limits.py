"""How many streaming connections (WebSocket, SSE, multipart) each client holds, counted
in-process or in Redis.

With several server processes behind one address, only a shared count (Redis) stops a
client from opening its limit on every process. Each connection holds a ticket: Redis
keeps a client's tickets in a sorted set (score: when taken), so giving one back twice,
or after a Redis restart emptied the set, removes nothing that is not there. A counter
decremented on close went negative after a restart, and the limit drifted up.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from core.redis_guard import RedisGuard

logger = logging.getLogger("dpgraph.limits")

COUNT_TTL_SECONDS = 3600
"""A crashed process cannot give its tickets back: a ticket older than this is dropped."""

# Drop stale tickets; take one if fewer than the limit are held. One atomic step, so two
# processes admitting the same client at once cannot both take the last place.
_ACQUIRE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 1
"""


class ConnectionLimiter(Protocol):
    async def acquire(self, client: str) -> str | None:
        """A ticket for one more connection of `client`, or None: at the limit."""
        ...

    async def release(self, client: str, ticket: str) -> None: ...

    async def close(self) -> None: ...


def _ticket() -> str:
    return uuid.uuid4().hex


class MemoryLimiter:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.tickets: dict[str, set[str]] = {}

    async def acquire(self, client: str) -> str | None:
        held = self.tickets.setdefault(client, set())
        if len(held) >= self.limit:
            return None
        ticket = _ticket()
        held.add(ticket)
        return ticket

    async def release(self, client: str, ticket: str) -> None:
        held = self.tickets.get(client)
        if held is not None:
            held.discard(ticket)
            if not held:
                del self.tickets[client]

    async def close(self) -> None:
        return None


class RedisLimiter:
    """If Redis is down, connections are let in (logged): limits protect the service,
    they must not take it down with Redis."""

    def __init__(
        self, url: str, limit: int, *, prefix: str = "dpgraph", timeout: float = 0.25
    ) -> None:
        self.limit = limit
        self.prefix = prefix
        self._client: Redis = Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        self._acquire = self._client.register_script(_ACQUIRE)
        self._guard = RedisGuard("connection limits", timeout, log=logger)  # logs the outage

    def key(self, client: str) -> str:
        return f"{self.prefix}:connections:{client}"

    async def acquire(self, client: str) -> str | None:
        ticket = _ticket()
        now = time.time()
        try:
            taken = await self._guard.call(
                lambda: self._acquire(
                    keys=[self.key(client)],
                    args=[now - COUNT_TTL_SECONDS, self.limit, now, ticket, COUNT_TTL_SECONDS],
                )
            )
        except (RedisError, OSError):
            return ticket
        return ticket if int(taken) else None

    async def release(self, client: str, ticket: str) -> None:
        try:
            await self._guard.call(lambda: self._client.zrem(self.key(client), ticket))
        except (RedisError, OSError):
            pass  # dropped after COUNT_TTL_SECONDS

    async def close(self) -> None:
        await self._client.aclose()
