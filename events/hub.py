"""This process's end of the broker: one listener task, one inbox per subscription.

Each batch of events becomes one `Delivery` with one fresh set of DataLoaders, shared by
every subscription of this process: a thousand subscribers of one package resolve their
payloads with the same few batched statements, not a thousand times as many.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field

from core.db import Database
from events.broker import Broker, BrokerUnavailable
from events.model import Event
from loaders import Loaders
from metrics import SUBSCRIPTIONS
from writes.changes import Change

logger = logging.getLogger("dpgraph.events")

INITIAL_BACKOFF = 0.1
MAX_BACKOFF = 5.0


@dataclass(frozen=True)
class Delivery:
    events: list[Event]
    loaders: Loaders


@dataclass(frozen=True)
class Interrupted:
    """The broker was lost: the subscription ends and the client resumes from its last id."""

    reason: str


@dataclass(eq=False)
class Inbox:
    queue: asyncio.Queue[Delivery | Interrupted]
    overflowed: bool = False
    # How many subscribers it serves, for a stream shared by several (`server.fanout`);
    # those count themselves in the metric. None: one subscriber.
    listeners: Callable[[], int] | None = None

    @property
    def subscribers(self) -> int:
        return 1 if self.listeners is None else self.listeners()

    async def next(self) -> Delivery | Interrupted:
        return await self.queue.get()


@dataclass
class EventHub:
    db: Database
    broker: Broker
    inbox_size: int = 1000
    refusal: str | None = None  # why this process serves no subscriptions at all
    available: bool = False
    last_event_id: str | None = None
    inboxes: set[Inbox] = field(default_factory=set)
    _task: asyncio.Task[None] | None = None
    _connected: asyncio.Event = field(default_factory=asyncio.Event)
    _shared: tuple[float, Loaders] | None = None

    def shared_loaders(self, max_age: float = 0.1) -> Loaders:
        """Loaders that subscriptions starting together share for their first reads: a
        thousand clients subscribing at once prime their baselines with a few statements."""
        now = asyncio.get_running_loop().time()
        if self._shared is None or now - self._shared[0] > max_age:
            self._shared = (now, Loaders.create(self.db, shared=True))
        return self._shared[1]

    async def start(self, *, wait: float = 5.0) -> None:
        self._task = asyncio.create_task(self._run(), name="dpgraph-event-listener")
        with suppress(TimeoutError):
            await asyncio.wait_for(self._connected.wait(), wait)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._interrupt("the server is shutting down")
        await self.broker.close()

    async def publish(self, changes: Sequence[Change]) -> None:
        """The write path's publisher: called after the commit."""
        await self.broker.publish([Event.from_change(change) for change in changes])

    def resume_point(self) -> str | None:
        """Where a follower whose position is lost resumes without a gap from now on: the
        broker's origin, or the last event this process saw (None: none yet)."""
        return self.broker.origin() or self.last_event_id

    def position(self) -> str | None:
        """The stream's position now: resuming after it gives what happens from now on."""
        return self.last_event_id or self.broker.origin()

    async def replay(self, after: str) -> list[Event]:
        return await self.broker.replay(after)

    @property
    def subscriptions(self) -> int:
        """Subscribers listening now (each member of a shared stream is one)."""
        return sum(inbox.subscribers for inbox in self.inboxes)

    @asynccontextmanager
    async def inbox(self, listeners: Callable[[], int] | None = None) -> AsyncIterator[Inbox]:
        if self.refusal is not None:
            raise BrokerUnavailable(self.refusal)
        if not self.available:
            raise BrokerUnavailable("the event stream is reconnecting; subscribe again shortly")
        inbox = Inbox(asyncio.Queue(maxsize=self.inbox_size), listeners=listeners)
        counted = listeners is None
        self.inboxes.add(inbox)
        if counted:
            SUBSCRIPTIONS.inc()
        try:
            yield inbox
        finally:
            self.inboxes.discard(inbox)
            if counted:
                SUBSCRIPTIONS.dec()

    async def _run(self) -> None:
        backoff = INITIAL_BACKOFF
        while True:
            try:
                async for batch in self.broker.listen():
                    if not self.available:
                        self.available = True
                        self._connected.set()
                        if backoff > INITIAL_BACKOFF:
                            logger.info("event stream reconnected")
                        backoff = INITIAL_BACKOFF
                    self._deliver(batch)
                raise BrokerUnavailable("the event stream ended")
            except BrokerUnavailable as error:
                was_available = self.available
                self.available = False
                self._connected.clear()
                if was_available:
                    logger.warning("event stream lost (%s); reconnecting", error)
                    self._interrupt(str(error))
                await asyncio.sleep(backoff * (1 + random.random() / 2))
                backoff = min(backoff * 2, MAX_BACKOFF)

    def _deliver(self, batch: list[Event]) -> None:
        if not batch:
            return  # the broker's "connected" signal
        self.last_event_id = batch[-1].id
        if not self.inboxes:
            return
        delivery = Delivery(batch, Loaders.create(self.db, shared=True))
        for inbox in list(self.inboxes):
            if inbox.overflowed:
                continue
            try:
                inbox.queue.put_nowait(delivery)
            except asyncio.QueueFull:
                inbox.overflowed = True
                self._clear(inbox)
                inbox.queue.put_nowait(Interrupted("the subscriber fell too far behind"))

    def _interrupt(self, reason: str) -> None:
        for inbox in list(self.inboxes):
            self._clear(inbox)
            inbox.queue.put_nowait(Interrupted(reason))

    @staticmethod
    def _clear(inbox: Inbox) -> None:
        while not inbox.queue.empty():
            inbox.queue.get_nowait()
