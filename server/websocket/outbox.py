"""A WebSocket connection's outgoing messages: in order, bounded, written by one task.

Bounded in messages (WEBSOCKET_SEND_QUEUE) and in characters of text
(WEBSOCKET_SEND_QUEUE_BYTES; one character is at least one byte of the frame): 1,000
queued results of 600 KB took a process to 609 MB before the message count closed it.
One message larger than the byte bound alone is still sent when nothing waits before it.

Shared subscription streams (`server.websocket.fanout`) hand the same frame to thousands of
connections and must never wait for one of them: they `offer`, which does not wait. A
connection whose outbox is full is not reading what it is sent; it is closed with 1013
(try again later) and resumes with `lastEventId` on its next connection. The
connection's own messages (acknowledgements, pongs, a solo subscription's results)
`put`, which waits while the outbox is full. No task exists while the outbox is empty,
so an idle subscriber costs no task.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque

from starlette.websockets import WebSocket

SLOW_CONSUMER = 1013
SLOW_CONSUMER_REASON = "Too slow to read its messages: reconnect and resume with lastEventId."

logger = logging.getLogger(__name__)


class Outbox:
    def __init__(self, websocket: WebSocket, limit: int, byte_limit: int = 4 << 20) -> None:
        self._websocket = websocket
        self._limit = limit
        self._byte_limit = byte_limit
        self._queue: deque[str] = deque()
        self._bytes = 0  # characters of text queued
        self._writer: asyncio.Task[None] | None = None
        self._space: asyncio.Event | None = None  # only while someone waits for room
        self._closing: asyncio.Task[None] | None = None
        self.closed = False  # the connection failed, overflowed or was closed

    def offer(self, text: str) -> None:
        """Queue without waiting; a full outbox closes the connection (1013)."""
        if self.closed:
            return
        if self._full(len(text)):
            self._overflow()
            return
        self._queue.append(text)
        self._bytes += len(text)
        if self._writer is None:
            self._writer = asyncio.create_task(self._write())

    async def put(self, text: str) -> None:
        """Queue, waiting while the outbox is full."""
        while self._full(len(text)) and not self.closed:
            if self._space is None:
                self._space = asyncio.Event()
            await self._space.wait()
        self.offer(text)

    def _full(self, size: int) -> bool:
        """No room for `size` more: past the message count, or the bytes (unless empty)."""
        return len(self._queue) >= self._limit or (
            bool(self._queue) and self._bytes + size > self._byte_limit
        )

    async def close(self, code: int, reason: str) -> None:
        """Close after what is queued is written (an error before its close, in order)."""
        writer = self._writer
        if writer is not None:
            with contextlib.suppress(Exception):
                await asyncio.shield(writer)
        if self.closed:
            return
        self.closed = True
        with contextlib.suppress(Exception):
            await self._websocket.close(code=code, reason=reason)

    async def _write(self) -> None:
        try:
            while self._queue and not self.closed:
                text = self._queue.popleft()
                self._bytes -= len(text)
                await self._websocket.send_text(text)
                del text
                if self._space is not None:
                    self._space.set()
                    self._space = None
        except Exception:  # the peer went away: the connection's reader ends it
            self._fail()
        finally:
            self._writer = None

    def _fail(self) -> None:
        self.closed = True
        self._queue.clear()
        self._bytes = 0
        if self._space is not None:
            self._space.set()
            self._space = None

    def _overflow(self) -> None:
        self._fail()
        writer = self._writer
        if writer is not None:
            writer.cancel()
        logger.info(
            "closing a WebSocket that does not read its messages (over %d messages or %d bytes)",
            self._limit,
            self._byte_limit,
        )
        self._closing = asyncio.create_task(self._close_now())
        self._closing.add_done_callback(_retrieve)

    async def _close_now(self) -> None:
        with contextlib.suppress(Exception):
            await self._websocket.close(code=SLOW_CONSUMER, reason=SLOW_CONSUMER_REASON)


def _retrieve(task: asyncio.Task[None]) -> None:
    if not task.cancelled():
        task.exception()
