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
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from events import Event, EventHub, Interrupted
from events.hub import Delivery, reaches
from loaders import Loaders
from schema.errors import EventsInterrupted
from schema.subscriptions.emission import Emission, ObjectKey, announce

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

    def aim(self, member: Any) -> None: ...

    def arrived(self, arrival: Arrival, force_next: bool) -> None: ...

    def delivered(self, events: Sequence[Event]) -> None: ...

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
    async with hub.inbox(listeners=feed.listeners, follows=follows, types=types) as inbox:
        feed.attach(hub, inbox)
        try:
            while True:
                item = await inbox.next()
                if isinstance(item, Interrupted):
                    raise EventsInterrupted(
                        f"The event stream was interrupted ({item.reason}). Subscribe again "
                        "with `lastEventId` to receive what you missed.",
                        lastEventId=INTERRUPTED_AT,
                    )
                if isinstance(item, Arrivals):
                    async for value in _arrive(feed, hub, db, inbox, item, candidates, load, emit):
                        yield value
                    continue
                assert isinstance(item, Delivery)
                async for value in emit(
                    item.events, item.loaders, candidates, load, after=None, follows=follows
                ):
                    yield value
                feed.delivered(item.events)
        finally:
            feed.detach()


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
    """What `follow` does for a new subscriber, for each arriving member alone."""
    # What was queued after them: batches their baselines may already show.
    queued = [item.events for item in inbox.queue._queue if isinstance(item, Delivery)]
    loaders = hub.shared_loaders()
    fresh: Loaders | None = None  # for what they missed: the shared ones may predate it
    for arrival in arrivals.members:
        feed.aim(arrival.member)
        try:
            keys = arrival.primes
            values = await asyncio.gather(*(load(key, loaders) for key in keys))
            for key, value in zip(keys, values, strict=True):
                if value is not None:
                    announce(Emission(key, None, prime=True), loaders)
                    yield value
            force_next = bool(keys) and any(
                reaches(events, arrival.follows, arrival.types) for events in queued
            )
            if arrival.missed:
                fresh = fresh or Loaders.create(db)
                async for value in emit(
                    arrival.missed,
                    fresh,
                    candidates,
                    load,
                    True,
                    after=None,
                    follows=arrival.follows,
                ):
                    yield value
        finally:
            feed.aim(None)
        feed.arrived(arrival, force_next)
