"""What /readyz asks of the services a request needs, each within a short timeout.

A Redis that accepts connections and never answers is not ready: the event hub's
`available` flag only says its feed has not noticed yet, so /readyz pings Redis itself
(REDIS_TIMEOUT_SECONDS) and a frozen one is "down" promptly.
"""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis
from redis.exceptions import RedisError


class RedisReadiness:
    def __init__(self, url: str, timeout: float) -> None:
        self.timeout = timeout
        self._client: Redis = Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout
        )

    async def check(self) -> str:
        """ "ok" when Redis answers a PING in time, else "down"."""
        try:
            async with asyncio.timeout(self.timeout):
                await self._client.ping()
        except (RedisError, OSError):
            return "down"
        return "ok"

    async def close(self) -> None:
        await self._client.aclose()
