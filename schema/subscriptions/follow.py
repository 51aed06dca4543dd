"""The loop every subscription runs: replay or prime, then each delivery's candidates."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable, Hashable, Sequence
from typing import Any, TypeVar

import orjson

from events import BrokerUnavailable, Event, InvalidEventId, ReplayGap
from events.hub import Interrupted, PlaceLost
from loaders import Loaders
from loaders.memo import once
from schema.context import Info
from schema.errors import BadUserInput, EventsExpired, EventsInterrupted, EventsUnavailable
from schema.subscriptions.cohort_follow import follow_cohort
from schema.subscriptions.cohorts import selection_variables
from schema.subscriptions.emission import Emission, ObjectKey, Read, announce, read_all
from schema.subscriptions.place import subscription_place
from schema.subscriptions.sharing import CohortTicket, admit, cohort_feed, group_members

T = TypeVar("T")

# (events, loaders) -> {object: id of the last event concerning it}
Candidates = Callable[[Sequence[Event], Loaders], Awaitable[dict[ObjectKey, str]]]
# (object, loaders) -> the value to resolve the selection on, or None when filtered out
Load = Callable[[ObjectKey, Loaders], Awaitable[Any]]


async def follow(
    info: Info,
    *,
    candidates: Candidates,
    load: Load,
    primes: Sequence[ObjectKey] = (),
    last_event_id: str | None = None,
    follows: frozenset[ObjectKey] | None = None,
    load_any: Load | None = None,
) -> AsyncGenerator[Any, None]:
    """`follows`: the only objects of their types whose events can yield anything here
    (`candidates` finds nothing else): batches about other objects of those types are not
    handed to this subscription at all (`events.hub`).

    `load_any`: given when `follows` is the subscription's only filter: the value of any
    object of those types, whoever follows it. Such a subscriber may join a cohort
    (`schema.subscriptions.cohort_follow`), whose one stream loads with it."""
    hub = info.context.hub
    if hub is None:
        raise EventsUnavailable("This server does not serve subscriptions.")
    db = info.context.db
    feed = cohort_feed()
    if feed is not None and load_any is not None and follows is not None:
        types = frozenset(key[0] for key in follows)
        try:
            async for value in follow_cohort(feed, hub, db, types, candidates, load_any, _emit):
                yield value
        except BrokerUnavailable as error:
            raise EventsUnavailable(str(error)) from None
        return
    if last_event_id is None:
        last_event_id = info.context.resume_after  # a webhook's stored position
    if admit(last_event_id, _ticket(info, follows, primes) if load_any is not None else None):
        return  # a shared stream (schema.subscriptions.sharing) follows for this subscriber
    # Resuming replays from the broker; a new subscription gets what happened since its
    # `subscribe` arrived (schema.subscriptions.place).
    since = subscription_place() if last_event_id is None else None
    try:
        async with hub.inbox(listeners=group_members(), since=since, follows=follows) as inbox:
            replayed: set[str] = set()
            last_seen = last_event_id
            force = False
            if last_event_id is not None:
                events = await _replay(hub, last_event_id)
                replayed = {event.id for event in events}
                if events:
                    last_seen = events[-1].id
                    async for value in _emit(
                        events,
                        Loaders.create(db),
                        candidates,
                        load,
                        after=last_event_id,
                        follows=follows,
                    ):
                        yield value
            else:
                loaders = hub.shared_loaders()
                values = await asyncio.gather(*(load(key, loaders) for key in primes))
                for key, value in zip(primes, values, strict=True):
                    if value is not None:
                        announce(Emission(key, None, prime=True), loaders)
                        yield value
                # Events queued meanwhile may already be in the baselines: send them anyway.
                force = bool(primes) and not inbox.queue.empty()
                if inbox.missed:  # changed during set-up: the baseline may already show it
                    last_seen = inbox.missed[-1].id
                    fresh_loaders = Loaders.create(db)  # the shared ones may predate the change
                    async for value in _emit(
                        inbox.missed,
                        fresh_loaders,
                        candidates,
                        load,
                        True,
                        after=None,
                        follows=follows,
                    ):
                        yield value
            while True:
                item = await inbox.next()
                if isinstance(item, Interrupted):
                    raise EventsInterrupted.resume_from(item.reason, last_seen)
                fresh = [event for event in item.events if event.id not in replayed]
                replayed.clear()
                if fresh:
                    before, last_seen = last_seen, fresh[-1].id
                    async for value in _emit(
                        fresh, item.loaders, candidates, load, force, after=before, follows=follows
                    ):
                        yield value
                    force = False
    except BrokerUnavailable as error:
        raise EventsUnavailable(str(error)) from None
    except PlaceLost as error:
        raise EventsExpired(f"{error.args[0].capitalize()}: subscribe again.") from None


def _ticket(
    info: Info, follows: frozenset[ObjectKey] | None, primes: Sequence[ObjectKey]
) -> CohortTicket | None:
    """What a cohort needs of this subscriber (None: it cannot join one)."""
    operation = info.operation
    if not follows or operation.loc is None:  # following nothing: nothing to share
        return None
    fragments = info._raw_info.fragments
    read = selection_variables(operation.loc.source.body, operation, lambda: fragments)
    given = info.variable_values
    try:
        # As text: orjson's bytes keep their whole write buffer (4 KiB), and every member
        # of a cohort keeps its ticket as long as it is subscribed.
        values = orjson.dumps(
            {name: given[name] for name in read if name in given}, option=orjson.OPT_SORT_KEYS
        ).decode()
    except TypeError:  # a value orjson cannot key on: a group of its own
        return None
    types = frozenset(key[0] for key in follows)
    return CohortTicket(
        follows=follows,
        primes=tuple(primes),
        types=_TYPES.setdefault(types, types),
        selection_variables=values,
    )


# One copy of each set of object types a ticket names (there are a handful), not one per
# cohort member.
_TYPES: dict[frozenset[str], frozenset[str]] = {}


async def _replay(hub: Any, after: str) -> list[Event]:
    try:
        events: list[Event] = await hub.replay(after)
    except ReplayGap as gap:
        raise EventsExpired(
            f"Cannot resume after event {after}: {gap}. Refetch with a query, then subscribe "
            "without `lastEventId`.",
            lastEventId=after,
        ) from None
    except InvalidEventId as error:
        raise BadUserInput(str(error), argument="lastEventId") from None
    return events


async def _emit(
    events: Sequence[Event],
    loaders: Loaders,
    candidates: Candidates,
    load: Load,
    force: bool = False,
    *,
    after: str | None,
    follows: frozenset[ObjectKey] | None = None,
    read: Read | None = None,
) -> AsyncGenerator[Any, None]:
    """`after`: the event before this batch, where a replay would give these results again.

    `read`: the selection's results for the batch's objects at once (a cohort's compiled
    read); an object it has no result for is executed as usual.

    `follows`: candidates of those types but not among them are not loaded at all (`load`
    would filter them out): one import changes hundreds of packages in a batch, and a
    subscriber of three used to start a task per package to find its three."""
    found = await candidates(events, loaders)
    keys = list(found) if follows is None else _followed(found, follows)
    if not keys:
        return
    if len(keys) == 1:  # the usual case: no task per subscriber
        values = [await load(keys[0], loaders)]
    else:
        values = await asyncio.gather(*(load(key, loaders) for key in keys))
    results = await read_all(read, keys, values)
    last = max((i for i, value in enumerate(values) if value is not None), default=-1)
    for index, (key, value) in enumerate(zip(keys, values, strict=True)):
        if value is not None:
            resume_after = events[-1].id if index == last else after
            emission = Emission(
                key,
                found[key],
                force=force,
                resume_after=resume_after,
                result=results.get(key),
                load=load,
            )
            announce(emission, loaders)
            yield value


def _followed(found: dict[ObjectKey, str], follows: frozenset[ObjectKey]) -> list[ObjectKey]:
    """The candidates `follows` leaves: those it names, and those of types it does not cover."""
    types = {key[0] for key in follows}
    return [key for key in found if key in follows or key[0] not in types]


async def shared(loaders: Loaders, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
    """Computed once per snapshot (loaders) and key, however many subscriptions ask:
    a thousand subscriptions with one selection look for candidates once per delivery."""
    future = once(loaders.memo, ("candidates", key), compute)
    if future.done() and not future.cancelled() and future.exception() is None:
        return future.result()  # every subscriber after the first: no await
    result: T = await asyncio.shield(future)
    return result
