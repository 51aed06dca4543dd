"""This process's end of the broker: one listener task, one inbox per subscription.

Each batch of events becomes one `Delivery` with one fresh set of DataLoaders, shared by
every subscription of this process: a thousand subscribers of one package resolve their
payloads with the same few batched statements, not a thousand times as many.

An inbox may say which objects it follows (`follows`: `packageChanged(slugs: $s)` follows
its packages): a batch whose events are all about other objects of those types is not
handed to it. 10,000 integrations that each watch three packages of 305 wake about a
hundred subscriptions per change, not 10,000 (each of which would look at the change
and find it concerns something else).

A cohort's one stream (`server.websocket.cohort`) follows the union of its members'
objects: its inbox's set grows as members arrive and shrinks as they leave
(`follow_more`, `follow_less`), and `reaches` tells, for one member, whether a batch is
one its own inbox would have been handed.

A subscription's place in the stream is fixed when its `subscribe` arrives (`mark`),
and its inbox opens only once set-up is done (arguments read, the document checked):
what the listener handed out in between is kept (`recent_window` events) and given to
the new inbox (`Inbox.missed`), so no change made during set-up is lost, however long
set-up takes.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

from core.db import Database
from events.broker import Broker, BrokerUnavailable, change_publisher
from events.model import Event
from loaders import Loaders
from metrics import SUBSCRIPTIONS
from writes.changes import Change

logger = logging.getLogger("dpgraph.events")

INITIAL_BACKOFF = 0.1
MAX_BACKOFF = 5.0


ObjectKey = tuple[str, int]  # a GraphQL type name and a database id


@dataclass(frozen=True)
class Delivery:
    events: list[Event]
    loaders: Loaders


@dataclass(frozen=True)
class Place:
    """Where this process's listener stood: after `count` events of connection `epoch`.

    The epoch changes each time the broker is lost: events published during the outage
    never reached this process, so a place in an earlier epoch cannot be caught up on."""

    epoch: int
    count: int


class PlaceLost(Exception):
    """The events after a place can no longer be given: too many since, or the broker
    was lost in between."""


@dataclass(frozen=True)
class Interrupted:
    """The broker was lost: the subscription ends and the client resumes from its last id."""

    reason: str


@dataclass(eq=False)
class Inbox:
    # Deliveries and interruptions; a cohort stream's inbox also carries its members'
    # arrivals, in order with the deliveries (`server.websocket.cohort`).
    queue: asyncio.Queue[Any]
    # Events the listener handed out between the subscriber's place and this inbox's
    # opening, oldest first: they come before anything queued.
    missed: list[Event] = field(default_factory=list)
    overflowed: bool = False
    # How many subscribers it serves, for a stream shared by several (`server.websocket.fanout`);
    # those count themselves in the metric. None: one subscriber.
    listeners: Callable[[], int] | None = None
    # The only objects of their types whose events concern it (None: any event may). A
    # cohort's inbox follows a set that grows and shrinks with its members
    # (`EventHub.follow_more`), of the types it was opened with.
    follows: frozenset[ObjectKey] | set[ObjectKey] | None = None
    types: frozenset[str] = frozenset()
    # Its subscriber waits for the next delivery: set up (baselines read) and caught up.
    waiting: bool = False

    @property
    def subscribers(self) -> int:
        return 1 if self.listeners is None else self.listeners()

    async def next(self) -> Any:
        self.waiting = True
        try:
            return await self.queue.get()
        finally:
            self.waiting = False


@dataclass
class EventHub:
    db: Database
    broker: Broker
    inbox_size: int = 1000
    refusal: str | None = None  # why this process serves no subscriptions at all
    recent_window: int = 10_000  # events kept for subscriptions still being set up
    available: bool = False
    last_event_id: str | None = None
    inboxes: set[Inbox] = field(default_factory=set)
    _wide: set[Inbox] = field(default_factory=set)  # any event may concern them
    # Inboxes that follow given objects, by the types of those objects, and by object.
    _narrow: dict[frozenset[str], set[Inbox]] = field(default_factory=dict)
    _followers: dict[ObjectKey, set[Inbox]] = field(default_factory=dict)
    _epoch: int = 0
    _count: int = 0  # events the listener handed out in this epoch
    _recent: deque[Event] = field(init=False)
    _task: asyncio.Task[None] | None = None
    _connected: asyncio.Event = field(default_factory=asyncio.Event)
    _shared: tuple[float, Loaders] | None = None

    def __post_init__(self) -> None:
        self._recent = deque(maxlen=self.recent_window)

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
        await change_publisher(self.broker)(changes)

    def resume_point(self) -> str | None:
        """Where a follower whose position is lost resumes without a gap from now on: the
        broker's origin, or the last event this process saw (None: none yet)."""
        return self.broker.origin() or self.last_event_id

    async def head(self) -> str:
        """The broker's newest event now: a follower that resumes after it (a new webhook,
        in whichever process follows it) gets every change from this moment on."""
        return await self.broker.head()

    async def replay(self, after: str) -> list[Event]:
        return await self.broker.replay(after)

    @property
    def subscriptions(self) -> int:
        """Subscribers listening now (each member of a shared stream is one)."""
        return sum(inbox.subscribers for inbox in self.inboxes)

    def mark(self) -> Place:
        """The place now: an inbox opened later with it gets every event after it."""
        return Place(self._epoch, self._count)

    def _since(self, place: Place) -> list[Event]:
        if place.epoch != self._epoch:
            raise PlaceLost("the event stream was interrupted while the subscription was set up")
        missed = self._count - place.count
        if missed > len(self._recent):
            raise PlaceLost(
                f"more than {self.recent_window:,} events happened while the subscription "
                "was set up"
            )
        if missed <= 0:
            return []
        return list(itertools.islice(reversed(self._recent), missed))[::-1]

    @asynccontextmanager
    async def inbox(
        self,
        listeners: Callable[[], int] | None = None,
        *,
        since: Place | None = None,
        follows: frozenset[ObjectKey] | set[ObjectKey] | None = None,
        types: frozenset[str] | None = None,
    ) -> AsyncIterator[Inbox]:
        """`since`: the subscriber's place; what happened after it is `Inbox.missed`.
        `follows`: the only objects of their types whose events concern it; a batch
        without any of them, and without events about objects of other types, skips it
        (`Inbox.missed` is given whole). `types`: those of the objects it follows, when
        `follows` may start empty (a cohort's)."""
        if self.refusal is not None:
            raise BrokerUnavailable(self.refusal)
        if not self.available:
            raise BrokerUnavailable("the event stream is reconnecting; subscribe again shortly")
        missed = self._since(since) if since is not None else []
        queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=self.inbox_size)
        if types is None:
            types = frozenset(key[0] for key in follows or ())
        inbox = Inbox(queue, missed, listeners=listeners, follows=follows, types=types)
        counted = listeners is None
        self._register(inbox)
        if counted:
            SUBSCRIPTIONS.inc()
        try:
            yield inbox
        finally:
            self._unregister(inbox)
            if counted:
                SUBSCRIPTIONS.dec()

    def _register(self, inbox: Inbox) -> None:
        self.inboxes.add(inbox)
        if inbox.follows is None:
            self._wide.add(inbox)
            return
        self._narrow.setdefault(inbox.types, set()).add(inbox)
        for key in inbox.follows:
            self._followers.setdefault(key, set()).add(inbox)

    def places_since(self, place: Place) -> list[Event]:
        """The events handed out after `place` (`PlaceLost` when they are gone)."""
        return self._since(place)

    def follow_more(self, inbox: Inbox, keys: Iterable[ObjectKey]) -> None:
        """A cohort's inbox follows `keys` too, from the next batch on (its set is its own)."""
        follows = inbox.follows
        assert isinstance(follows, set)
        for key in keys:
            follows.add(key)
            self._followers.setdefault(key, set()).add(inbox)

    def follow_less(self, inbox: Inbox, keys: Iterable[ObjectKey]) -> None:
        follows = inbox.follows
        assert isinstance(follows, set)
        for key in keys:
            follows.discard(key)
            self._unfollow(inbox, key)

    def _unfollow(self, inbox: Inbox, key: ObjectKey) -> None:
        followers = self._followers.get(key)
        if followers is not None:
            followers.discard(inbox)
            if not followers:
                del self._followers[key]

    def _unregister(self, inbox: Inbox) -> None:
        self.inboxes.discard(inbox)
        if inbox.follows is None:
            self._wide.discard(inbox)
            return
        group = self._narrow.get(inbox.types)
        if group is not None:
            group.discard(inbox)
            if not group:
                del self._narrow[inbox.types]
        for key in inbox.follows:
            self._unfollow(inbox, key)

    def _concerned(self, batch: list[Event]) -> set[Inbox]:
        """The inboxes a batch may concern: every one that follows any object, and those
        that follow given objects when the batch has one of theirs, or an event about an
        object of another type."""
        if not self._narrow:
            return set(self.inboxes)
        concerned = set(self._wide)
        kinds = {event.object.type for event in batch}
        for types, inboxes in self._narrow.items():
            if not kinds <= types:
                concerned |= inboxes
        for event in batch:
            followers = self._followers.get((event.object.type, event.object.id))
            if followers:
                concerned |= followers
        return concerned

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
                    self._new_epoch()
                await asyncio.sleep(backoff * (1 + random.random() / 2))
                backoff = min(backoff * 2, MAX_BACKOFF)

    def _new_epoch(self) -> None:
        self._epoch += 1
        self._count = 0
        self._recent.clear()

    def _deliver(self, batch: list[Event]) -> None:
        if not batch:
            return  # the broker's "connected" signal
        self.last_event_id = batch[-1].id
        self._count += len(batch)
        self._recent.extend(batch)
        concerned = self._concerned(batch)
        if not concerned:
            return
        delivery = Delivery(batch, Loaders.create(self.db, shared=True))
        for inbox in concerned:
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


def reaches(batch: Sequence[Event], follows: frozenset[ObjectKey], types: frozenset[str]) -> bool:
    """Whether the hub hands `batch` to an inbox that follows `follows` (of `types`): the
    rule of `EventHub._concerned`, for one inbox."""
    if any(event.object.type not in types for event in batch):
        return True
    return any((event.object.type, event.object.id) in follows for event in batch)
