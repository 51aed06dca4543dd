"""The loop of a cohort's one stream: the objects of every member, each member's arrival
in order with the batches (`server.websocket.cohort` is the other side).

A cohort's members differ only in which objects they follow, and the value of one object
does not depend on who follows it (`schema.subscriptions.cohorts`). So one stream follows
the union of their objects: per batch it yields each changed object once, and the cohort
hands the result to that object's members, each judged against its own last result.

A member arrives in an item of the stream's inbox (`Arrivals`), queued at the moment the
hub started routing its objects here: batches before it in the queue are not its own
(those after its place are in `Arrival.missed`), batches after it are. Its arrival is
what a solo stream does at set-up: its objects read as its baseline (sent to nobody),
then what it missed, forced; `force_next` carries a solo stream's "events queued while
the baselines were read are sent anyway" over to its first batch.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from events import Event
from events.hub import Delivery, EventHub, Interrupted, reaches
from loaders import Loaders
from schema.errors import EventsInterrupted
from schema.subscriptions.emission import Emission, ObjectKey, announce, read_all

# Replaced per member by its own last event id (`server.websocket.cohort`).
INTERRUPTED_AT = "\x00cohort-member-last-event"


@dataclass(eq=False)
class Arrival:
    member: Any
    primes: tuple[ObjectKey, ...]
    follows: frozenset[ObjectKey]
    types: frozenset[str]
    missed: list[Event] = field(default_factory=list)


@dataclass(eq=False)
class Arrivals:
    """Members that arrived with no batch between them: one item of the inbox (2,000
    integrations subscribing at once are not 2,000 items of a bounded queue)."""

    members: list[Arrival] = field(default_factory=list)


class Feed(Protocol):
    """What the stream asks of its cohort."""

    def listeners(self) -> int: ...

    def attach(self, hub: EventHub, inbox: Any) -> None: ...

    def aim(self, members: list[Any] | None) -> None: ...

    def arrived(self, arrival: Arrival, force_next: bool) -> None: ...

    def delivered(self, events: Sequence[Event]) -> None: ...

    async def compiled(self, keys: Sequence[ObjectKey]) -> Mapping[ObjectKey, Any] | None:
        """Each object's `data`, read for all at once by the compiled path (None: the
        cohort's selection does not compile; Strawberry executes it per object)."""
        ...

    def checking(self) -> AbstractContextManager[None]:
        """Around the COMPILED_DIFFERENTIAL check's own reads (not the batch's)."""
        ...

    def detach(self) -> None: ...


Load = Any  # (object, loaders) -> value | None, as in `schema.subscriptions.follow`
Candidates = Any


async def follow_cohort(
    feed: Feed,
    hub: EventHub,
    db: Any,
    types: frozenset[str],
    candidates: Candidates,
    load: Load,
    emit: Any,
) -> AsyncGenerator[Any, None]:
    """`load`: the value of any object of `types` (no member's filter: a cohort's members
    have none but their objects). `emit`: `schema.subscriptions.follow._emit`."""
    follows: set[ObjectKey] = set()
    warming: dict[int, asyncio.Task[None]] = {}
    async with hub.inbox(listeners=feed.listeners, follows=follows, types=types) as inbox:
        feed.attach(hub, inbox)
        try:
            while True:
                item = await inbox.next()
                if isinstance(item, Interrupted):
                    raise EventsInterrupted.resume_from(item.reason, INTERRUPTED_AT)
                if isinstance(item, Arrivals):
                    async for value in _arrive(feed, hub, db, inbox, item, candidates, load, emit):
                        yield value
                    continue
                assert isinstance(item, Delivery)
                warming.pop(id(item), None)  # what is left of it, the emit below awaits
                _warm(inbox, warming, candidates, load, follows)
                async for value in emit(
                    item.events,
                    item.loaders,
                    candidates,
                    load,
                    after=None,
                    follows=follows,
                    read=feed.compiled,
                ):
                    yield value
                feed.delivered(item.events)
        finally:
            # Not cancelled: they wait on reads other streams of the batch share.
            _READING.update(task for task in warming.values() if not task.done())
            feed.detach()


WARM_AHEAD = 16
_READING: set[asyncio.Task[None]] = set()  # reads outliving their stream, till they end


def _warm(
    inbox: Any,
    warming: dict[int, asyncio.Task[None]],
    candidates: Candidates,
    load: Load,
    follows: set[ObjectKey],
) -> None:
    """Start reading what the next queued batches will need, on their own loaders, while
    this one is resolved and written: one stream takes the batches one after another, and
    each waits for its reads (the many streams of a cohort's members used to overlap
    them). Their results wait in those loaders; an error is met again, and reported, when
    the batch's turn comes."""
    ahead = 0
    for item in inbox.queue._queue:  # (asyncio.Queue's own deque, oldest first)
        if not isinstance(item, Delivery):
            continue
        ahead += 1
        if ahead > WARM_AHEAD:
            return
        if id(item) not in warming:
            task = asyncio.create_task(_read(item, candidates, load, follows))
            task.add_done_callback(_READING.discard)
            warming[id(item)] = task


async def _read(
    delivery: Delivery, candidates: Candidates, load: Load, follows: set[ObjectKey]
) -> None:
    try:
        found = await candidates(delivery.events, delivery.loaders)
        keys = [key for key in found if key in follows]
        await asyncio.gather(*(load(key, delivery.loaders) for key in keys))
    except Exception:  # met again, and reported, in the batch's turn
        return


async def _arrive(
    feed: Feed,
    hub: EventHub,
    db: Any,
    inbox: Any,
    arrivals: Arrivals,
    candidates: Candidates,
    load: Load,
    emit: Any,
) -> AsyncGenerator[Any, None]:
    """What `follow` does for a new subscriber, for the members arriving together: their
    objects read once on one snapshot and each yielded once, as the baseline of every
    member that follows it (sent to nobody, unless it has errors); then, for each member
    alone, what it missed."""
    loaders = hub.shared_loaders()
    followers: dict[ObjectKey, list[Any]] = {}
    for arrival in arrivals.members:
        for key in arrival.primes:
            followers.setdefault(key, []).append(arrival.member)
    keys = sorted(followers)
    values = await asyncio.gather(*(load(key, loaders) for key in keys))
    results = await read_all(feed.compiled, keys, values)
    for key, value in zip(keys, values, strict=True):
        if value is None:
            continue
        feed.aim(followers[key])
        try:
            emission = Emission(key, None, prime=True, result=results.get(key), load=load)
            announce(emission, loaders)
            yield value
        finally:
            feed.aim(None)
    # What was queued after them by the time their baselines were read: batches those
    # may already show (`inbox.queue._queue`: asyncio.Queue's own deque).
    queued = [item.events for item in inbox.queue._queue if isinstance(item, Delivery)]
    fresh: Loaders | None = None  # for what they missed: the shared ones may predate it
    for arrival in arrivals.members:
        force_next = bool(arrival.primes) and any(
            reaches(events, arrival.follows, arrival.types) for events in queued
        )
        if arrival.missed:
            fresh = fresh or Loaders.create(db)
            feed.aim([arrival.member])
            try:
                async for value in emit(
                    arrival.missed,
                    fresh,
                    candidates,
                    load,
                    True,
                    after=None,
                    follows=arrival.follows,
                    read=feed.compiled,
                ):
                    yield value
            finally:
                feed.aim(None)
        feed.arrived(arrival, force_next)
    # Their tickets' objects and what they missed are the cohort's now (or nobody's): the
    # item, kept by the loop until the next one, keeps none of it.
    arrivals.members.clear()
