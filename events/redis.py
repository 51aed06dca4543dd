"""Events through Redis: a stream keeps the last N for replay, pub/sub pushes them live.

One Lua script appends a batch to the stream and publishes it with its stream ids, in
one round trip and atomically, so every listener sees the same ids the stream holds.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

import orjson
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff, NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from events.broker import BrokerUnavailable, InvalidEventId, ReplayGap
from events.model import Event

logger = logging.getLogger("dpgraph.events")

_PUBLISH = """
local out = {}
for i = 2, #ARGV do
  local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', ARGV[i])
  table.insert(out, id)
  table.insert(out, ARGV[i])
end
redis.call('PUBLISH', KEYS[2], cjson.encode(out))
return #out / 2
"""

_LOST = (RedisConnectionError, RedisTimeoutError, OSError)
START = "0-0"  # the position before a stream's first event


def _stream_id(value: str) -> tuple[int, int]:
    milliseconds, dash, sequence = value.partition("-")
    try:
        return int(milliseconds), int(sequence or 0) if dash else 0
    except ValueError:
        raise InvalidEventId(f"{value!r} is not an event id") from None


class RedisBroker:
    def __init__(
        self, url: str, *, prefix: str = "dpgraph", window: int = 10_000, timeout: float = 5.0
    ) -> None:
        self.url = url
        self.stream = f"{prefix}:events"
        self.channel = f"{prefix}:events:live"
        self.window = window
        # Commands retry once, on a fresh connection after a restart of Redis.
        self._client: Redis = Redis.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(ExponentialBackoff(cap=1.0, base=0.05), 1),
        )
        # The live feed never retries silently: a lost connection must surface, so the
        # hub can tell the subscribers, who resume from the stream, instead of missing
        # what was published while it quietly reconnected.
        self._feed: Redis = Redis.from_url(
            url,
            socket_timeout=None,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 0),
            health_check_interval=10,  # a silently dead connection is noticed too
        )
        self._script = self._client.register_script(_PUBLISH)

    async def publish(self, events: Sequence[Event]) -> None:
        if not events:
            return
        bodies = [event.encode() for event in events]
        try:
            await self._script(keys=[self.stream, self.channel], args=[self.window, *bodies])
        except _LOST as error:
            raise BrokerUnavailable(f"Redis at {self._safe_url} is unreachable: {error}") from error

    async def listen(self) -> AsyncIterator[list[Event]]:
        """Live batches; ends with BrokerUnavailable when the connection is lost."""
        pubsub = self._feed.pubsub()
        try:
            try:
                await pubsub.subscribe(self.channel)
                yield []  # subscribed: events published from now on will arrive
                while True:
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                    if message is None or message.get("type") != "message":
                        continue
                    yield _decode_batch(message["data"])
            except _LOST as error:
                raise BrokerUnavailable(f"lost Redis at {self._safe_url}: {error}") from error
        finally:
            try:
                # Typed from redis 8 on, untyped before: a typed name suits both.
                close: Callable[[], Awaitable[None]] = pubsub.aclose
                await close()
            except (RedisError, OSError):  # already gone
                pass

    async def head(self) -> str:
        try:
            newest: Any = await self._client.xrevrange(self.stream, count=1)
        except _LOST as error:
            raise BrokerUnavailable(f"Redis at {self._safe_url} is unreachable: {error}") from error
        return str(newest[0][0].decode()) if newest else START

    async def replay(self, after: str) -> list[Event]:
        wanted = _stream_id(after)
        if after == START:
            return await self._replay_all()
        try:
            oldest: Any = await self._client.xrange(self.stream, count=1)
            newest: Any = await self._client.xrevrange(self.stream, count=1)
            if not newest or _stream_id(newest[0][0].decode()) < wanted:
                # Not an id this stream gave: Redis restarted and lost its events.
                raise ReplayGap(f"event {after} is unknown here (the event store restarted)")
            if _stream_id(oldest[0][0].decode()) > wanted:
                # The event right after `after` may have been trimmed away.
                kept = await self._client.xlen(self.stream)
                raise ReplayGap(f"event {after} is older than the {kept} kept")
            # Every event after `after`: trimming is approximate (whole blocks), so the
            # stream may hold more than the window, and all of them were missed. A cap
            # here replayed the first few and named the last of those as the latest.
            entries: Any = await self._client.xrange(self.stream, min=f"({after}")
        except _LOST as error:
            raise BrokerUnavailable(f"Redis at {self._safe_url} is unreachable: {error}") from error
        return [Event.decode(entry_id.decode(), data[b"e"]) for entry_id, data in entries]

    async def _replay_all(self) -> list[Event]:
        """Every event, for a position taken while the stream was empty (`head`): a gap if
        some were trimmed away since."""
        try:
            # In one transaction: an event added between the two reads was counted as one
            # trimmed away (a false gap, and EVENTS_EXPIRED for a webhook just created).
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.xrange(self.stream)
                pipe.xinfo_stream(self.stream)
                entries, info = await pipe.execute()
            added = int(info["entries-added"])
        except ResponseError:  # no such stream: nothing was published since
            return []
        except _LOST as error:
            raise BrokerUnavailable(f"Redis at {self._safe_url} is unreachable: {error}") from error
        if added > len(entries):
            raise ReplayGap(f"the stream's first events are no longer kept ({len(entries)} are)")
        return [Event.decode(entry_id.decode(), data[b"e"]) for entry_id, data in entries]

    def origin(self) -> str | None:
        return None  # the stream outlives processes: no "since this process started"

    async def ping(self) -> bool:
        try:
            return bool(await self._client.ping())
        except _LOST:
            return False

    async def close(self) -> None:
        await self._client.aclose()
        await self._feed.aclose()

    @property
    def _safe_url(self) -> str:
        return self.url.split("@")[-1]


def _decode_batch(data: Any) -> list[Event]:
    pairs = orjson.loads(data)
    return [Event.decode(pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2)]
