"""Webhook followers whose documents share a cohort key ride one cohort stream.

A webhook is a subscriber too (issue 25): integrations that each watch their own packages
register the same document with their own `slugs` or `ids`. Those whose documents share
a cohort key (`schema.subscriptions.cohorts`: the same document, the same values for the
variables the selection reads, the same permission class; a webhook has no token) ride
one stream (`schema.subscriptions.cohort_follow`), as WebSocket members do
(`server.websocket.cohort`): per change batch each changed object is resolved once for
all of them, on the batch's shared loaders.

Each webhook keeps everything else of its own: its changed-only baselines (kept here per
object, as the WebSocket cohort keeps them), its replay after its stored cursor (read
before it joins; what the listener hands out meanwhile is caught up from its place), the
cursor each result moves it to (the one its own stream would give), and its follower
(`webhooks.follower`): its `queue_result` transaction, pause on failure, EVENTS_EXPIRED
and lease loss. A webhook without a stored position, whose document cannot form a cohort,
or whose replay fails, runs the stream of its own it ran before (which reports the
failure as it always did). How members join, which objects are routed to the cohort and
each member's own last event are the WebSocket cohort's (`server.cohort_feed`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable, Hashable, Sequence
from contextlib import aclosing
from typing import Any

from strawberry.types.execution import ExecutionResult

from events import BrokerUnavailable, Event, InvalidEventId, ReplayGap
from events import resume as resumes
from events.hub import EventHub, Place, PlaceLost
from metrics import SUBSCRIPTIONS
from schema.errors import EventsInterrupted
from schema.permissions import known_read_class
from schema.subscriptions import emission as emissions
from schema.subscriptions.cohort_follow import Arrival
from schema.subscriptions.emission import ObjectKey
from schema.subscriptions.sharing import CohortTicket, admitting
from server.cohort_feed import CohortFeed
from server.websocket.fanout import StreamStarter

logger = logging.getLogger("dpgraph.webhooks")

_NOTHING = object()
_END = object()  # the cohort's stream ended: the member's stream ends
_REFUSED = object()  # the cohort's stream refused the document: the member's own reports it
MAX_WAITING = 1000  # results a member's follower has not queued yet; more: it restarts

Key = tuple[Hashable, ...]
# (resume after this event) -> the webhook's stream of its own, as before the cohorts
Solo = Callable[[str], Awaitable[AsyncGenerator[Any, None]]]


class Member:
    """One webhook of a cohort: its objects, its results waiting for its follower, and
    what its own stream would know of its place in the event stream."""

    __slots__ = (
        "accepted",
        "arrived_at",
        "batch",
        "cursor",
        "enlisted",
        "follows",
        "last_seen",
        "live",
        "place",
        "replayed",
        "results",
        "tail_silent",
        "ticket",
    )

    def __init__(
        self, ticket: CohortTicket, place: Place, cursor: str, replayed: list[Event]
    ) -> None:
        self.ticket: CohortTicket | None = ticket
        self.follows: tuple[ObjectKey, ...] = tuple(ticket.follows)
        self.place: Place | None = place
        self.cursor = cursor  # its stored position when it joined
        self.replayed: list[Event] | set[str] = replayed  # ids once it arrived
        # Whether the cohort took it (settled once; kept: a webhook cohort has hundreds
        # of members, not the WebSocket cohort's thousands).
        self.accepted: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.results: asyncio.Queue[Any] = asyncio.Queue()
        self.batch: list[ExecutionResult] = []  # this batch's, till it ends
        self.tail_silent = False  # its last object of this batch changed nothing
        self.enlisted = False
        self.arrived_at: int | None = None
        self.last_seen: str | None = cursor  # the last event its own stream was handed
        self.live = True


class WebhookCohorts:
    """This process's webhook cohorts, by key."""

    def __init__(self, schema: Any, context: Any) -> None:
        self.schema = schema
        self._context = context  # () -> a fresh Context without a stored position
        self._cohorts: dict[Key, WebhookCohort] = {}

    def __len__(self) -> int:
        return len(self._cohorts)

    async def admit(self, webhook: Any) -> tuple[Key, CohortTicket] | None:
        """Its cohort key and ticket, from a stream run as far as its admission (the
        WebSocket transport's first step: arguments read, objects named); None: it cannot
        ride a cohort."""
        context = self._context()
        source = await self.schema.stream(
            webhook.document,
            variable_values=webhook.variables,
            context_value=context,
            operation_name=webhook.operation_name,
        )
        async with aclosing(source):
            with admitting() as admission:
                await anext(source, None)
        if not admission.admitted or admission.cohort is None:
            return None
        ticket = admission.cohort
        permission = known_read_class(context)
        key = (webhook.document, ticket.selection_variables, webhook.operation_name, permission)
        return key, ticket

    def join(self, key: Key, webhook: Any, member: Member) -> WebhookCohort:
        cohort = self._cohorts.get(key)
        if cohort is None or cohort.ended:
            starter = StreamStarter(
                self.schema,
                webhook.document,
                webhook.variables,
                webhook.operation_name,
                self._context(),
                None,
            )
            cohort = self._cohorts[key] = WebhookCohort(self, key, starter)
        cohort.add(member)
        return cohort

    def _forget(self, cohort: WebhookCohort) -> None:
        if self._cohorts.get(cohort.key) is cohort:
            del self._cohorts[cohort.key]


async def ride(
    cohorts: WebhookCohorts, hub: EventHub, webhook: Any, cursor: str, solo: Solo
) -> AsyncGenerator[Any, None] | None:
    """The webhook's results through its cohort, each after `events.resume.sent` of the
    position a replay would resume after (`webhooks.follower` reads it); None: it runs a
    stream of its own."""
    admitted = await cohorts.admit(webhook)
    if admitted is None:
        return None
    key, ticket = admitted
    place = hub.mark()
    try:
        replayed = await hub.replay(cursor)
    except (ReplayGap, InvalidEventId, BrokerUnavailable):
        return None  # its own stream meets the same, and reports it as before
    member = Member(ticket, place, cursor, replayed)
    cohort = cohorts.join(key, webhook, member)
    return _results(cohort, member, solo)


async def _results(cohort: WebhookCohort, member: Member, solo: Solo) -> AsyncGenerator[Any, None]:
    position = member.cursor  # what its follower stores after the results yielded
    try:
        refused = not await asyncio.shield(member.accepted)
        while not refused:
            item = await member.results.get()
            if item is _END:
                return
            if item is _REFUSED:
                break
            result, resume_after = item
            resumes.sent(resume_after)
            position = resume_after or position
            yield result
    finally:
        cohort.leave(member)
    async with aclosing(await solo(position)) as own:  # the cohort could not take it
        async for result in own:
            yield result


class WebhookCohort(CohortFeed[Member]):
    _logger = logger
    _failure = "a webhook cohort's subscription stream failed"

    def __init__(self, cohorts: WebhookCohorts, key: Key, starter: StreamStarter) -> None:
        super().__init__(starter)
        self._cohorts = cohorts
        self.key = key
        self.members: set[Member] = set()
        self._followers: dict[ObjectKey, dict[Member, Any]] = {}  # and their baselines
        self._dirty: dict[Member, None] = {}  # members with results in this batch
        self._replaying: set[Member] = set()

    def add(self, member: Member) -> None:
        self.members.add(member)
        SUBSCRIPTIONS.inc()  # each member is one, as a stream of its own counts itself
        if self._inbox is None:
            self._pending.append(member)
        else:
            self._enlist(member)

    def leave(self, member: Member) -> None:
        if member not in self.members:
            return
        self.members.discard(member)
        SUBSCRIPTIONS.dec()
        member.live = False
        if member in self._pending:
            self._pending.remove(member)
        self._replaying.discard(member)
        self._dirty.pop(member, None)
        for key in member.follows:
            followers = self._followers.get(key)
            if followers is not None:
                followers.pop(member, None)
                if not followers:
                    del self._followers[key]
        self._unroute(member, member.follows)
        _settle(member, False)
        if not self.members:
            self._cohorts._forget(self)
            self._task.cancel()

    def _enlist(self, member: Member) -> None:
        """Route its objects here from now on and queue its arrival, with what it missed:
        its replay after its cursor, then what the listener handed out since its place."""
        hub = self._hub
        assert hub is not None
        ticket, place, replayed = member.ticket, member.place, member.replayed
        assert ticket is not None and place is not None and isinstance(replayed, list)
        member.ticket = member.place = None
        try:
            since = hub.places_since(place)
        except PlaceLost:
            self.leave(member)
            return
        ids = {event.id for event in replayed}
        missed = replayed + [event for event in since if event.id not in ids]
        if not self._queue_arrival(member, ticket, (), missed):
            self.leave(member)
            return
        # Events of its replay the listener has yet to hand out: not its own again.
        member.replayed = ids
        if ids:
            self._replaying.add(member)
        _settle(member, True)

    # -- the stream's side (`schema.subscriptions.cohort_follow.Feed`), but for `CohortFeed`'s

    def arrived(self, arrival: Arrival, force_next: bool) -> None:
        """Its catch-up is over: its results, the last resuming after the last missed
        event (as a stream of its own replaying after its cursor)."""
        member: Member = arrival.member
        if not member.live:
            return
        last = arrival.missed[-1].id if arrival.missed else None
        if member in self._dirty:
            del self._dirty[member]
            self._flush(member, member.cursor, last)
        member.last_seen = last or member.cursor
        member.arrived_at = self._batches
        for key in member.follows:
            self._followers.setdefault(key, {}).setdefault(member, _NOTHING)

    def delivered(self, events: Sequence[Event]) -> None:
        dirty, self._dirty = self._dirty, {}
        for member in dirty:
            self._flush(member, self._last_event(member, member.follows), events[-1].id)
        self._count_batch(events)
        if self._replaying:
            tail = events[-1].id
            for member in list(self._replaying):
                assert isinstance(member.replayed, set)
                if tail not in member.replayed:
                    member.replayed = set()
                    self._replaying.discard(member)

    def _flush(self, member: Member, before: str | None, last: str | None) -> None:
        """A batch's results to the member's follower: each resumes after the event before
        the batch but the last (after the batch's last event, unless the member's last
        object of the batch was silent), as `schema.subscriptions.follow._emit` says."""
        batch, member.batch = member.batch, []
        tail = before if member.tail_silent else last
        for index, result in enumerate(batch):
            member.results.put_nowait((result, tail if index == len(batch) - 1 else before))
        if member.results.qsize() > MAX_WAITING:  # its follower fell behind: it restarts
            member.results.put_nowait((_interrupted(), None))
            member.results.put_nowait(_END)
            self.leave(member)

    # -- the stream

    def _forget(self) -> None:
        self._cohorts._forget(self)

    def _fan_out(self, result: ExecutionResult) -> None:
        emission = emissions.take()
        if emission is None:  # not about one object (the event stream was interrupted)
            for member in list(self.members):
                self._dirty.pop(member, None)
                member.batch = []
                member.results.put_nowait((result, None))
            return
        key, aimed = emission.key, self._aimed
        if aimed is not None:
            targets = [member for member in aimed if member.live]
        else:
            targets = list(self._followers.get(key, ()))
        if result.errors:  # its follower pauses on it, the baseline untouched
            for member in targets:
                member.batch.append(result)
                member.tail_silent = False
                self._dirty[member] = None
            return
        data = result.data
        baselines = self._followers.setdefault(key, {})
        shared: ExecutionResult | None = None
        for member in targets:
            if aimed is None and emission.event_id in member.replayed:
                continue  # in its replay already: its own stream skips it too
            last = baselines.get(member, _NOTHING)
            baselines[member] = data
            if last is not _NOTHING and last == data and not emission.force:
                member.tail_silent = bool(member.batch)
                if member.batch:
                    self._dirty[member] = None
                continue
            if shared is None:
                extensions = {"eventId": emission.event_id} if emission.event_id else None
                shared = ExecutionResult(data=data, errors=None, extensions=extensions)
            member.batch.append(shared)
            member.tail_silent = False
            self._dirty[member] = None

    def _end(self, kind: str, payload: list[Any] | None = None) -> None:
        """Every member's stream ends ("error": before its first result, the document
        was refused: each member's own stream reports it)."""
        self.ended = True
        self._cohorts._forget(self)
        members, self.members = self.members, set()
        for member in members:
            SUBSCRIPTIONS.dec()
            member.live = False
            _settle(member, False)  # one still joining runs a stream of its own
            member.results.put_nowait(_REFUSED if kind == "error" else _END)


def _interrupted() -> ExecutionResult:
    error = EventsInterrupted("The webhook fell too far behind its cohort.")
    return ExecutionResult(data=None, errors=[error])


def _settle(member: Member, taken: bool) -> None:
    if not member.accepted.done():
        member.accepted.set_result(taken)
