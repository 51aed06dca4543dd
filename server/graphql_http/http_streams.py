"""Operations streamed over plain HTTP (Server-Sent Events, multipart): the SSE framing,
and a stream that is started before its answer's head is sent.

Strawberry iterates a stream only once the response has started, so the operation was
charged after the head left: no X-RateLimit-* headers, and a `rateLimit` field resolved
outside the request's spending slot came back null. Here the operation's results are
pulled by a task of its own, started inside the request (its spending slot, its place in
the event stream, its log fields are copied into it); the head waits until the operation
was charged, or produced a first result, or ended. Never for an event: a subscription is
charged before it waits for its first change.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from typing import Any

from strawberry.http.streaming import SSETransport
from strawberry.types import SubscriptionExecutionResult


class LineFeedSSETransport(SSETransport):
    """Events end their lines with LF, as the graphql-sse protocol's reference server and
    the WHATWG examples write them: every SSE parser splits on LF, and some (urql's) on
    nothing else. An event without data still carries an empty `data:` line, so
    browsers' EventSource dispatches it (graphql-sse's `complete`)."""

    def encode_event(self, event: str, data: str | None = None) -> str:
        if data and ("\r" in data or "\n" in data):
            raise ValueError("SSE event data must not contain line breaks")
        return f"event: {event}\ndata: {data}\n\n" if data else f"event: {event}\ndata:\n\n"

    def encode_comment(self, comment: str) -> str:
        return f": {comment}\n\n"


_END = object()


class StartedStream:
    """An operation's results, pulled ahead by one task: at most one result waits."""

    def __init__(self, results: SubscriptionExecutionResult) -> None:
        self._results = results
        self._queue: asyncio.Queue[tuple[object, BaseException | None]] = asyncio.Queue(1)
        self._produced = asyncio.Event()
        self._pump = asyncio.create_task(self._pull(), name="dpgraph-http-stream")

    async def _pull(self) -> None:
        try:
            async for result in self._results:
                self._produced.set()
                await self._queue.put((result, None))
        except Exception as error:  # handed to the reader, which raises it in the response
            await self._queue.put((_END, error))
        else:
            await self._queue.put((_END, None))
        finally:
            self._produced.set()
            close = getattr(self._results, "aclose", None)
            if close is not None:
                await close()

    async def started(self, charged: Awaitable[None]) -> None:
        """Return once `charged` is done or the stream has produced something (a result,
        an error, its end)."""
        waits = [asyncio.ensure_future(charged), asyncio.ensure_future(self._produced.wait())]
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()

    def __aiter__(self) -> StartedStream:
        return self

    async def __anext__(self) -> Any:
        result, error = await self._queue.get()
        if result is _END:
            self._queue.put_nowait((_END, None))  # a later read ends too
            if error is not None:
                raise error
            raise StopAsyncIteration
        return result

    async def aclose(self) -> None:
        """Stop pulling (the client left, or the answer failed): the operation's own stream
        is closed with it, so a subscription leaves the hub."""
        self._pump.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._pump
