"""One subscription stream per cohort of WebSocket subscribers that each follow their own
objects.

Integrations that each watch their own packages send the same document with their own
`ids` or `slugs`: a cohort (`schema.subscriptions.cohorts`; the same document, the same
values for the variables the selection reads, the same permission class). A `Group`
(`server.websocket.fanout`) needs identical variables; a cohort runs one Strawberry
stream for all its members (`schema.subscriptions.cohort_follow`): it follows the union
of their objects, resolves and encodes each changed object once per batch, and hands the
bytes, behind each member's own id, to the members that follow that object, unless the
member's own changed-only compare (its last result for that object, as
`schema.subscriptions.changed_only` keeps per stream) says silence. 2,000 integrations of
3 packages each cost one stream, not 2,000. A selection the compiled path takes is read
for all of a batch's objects at once (`server.websocket.cohort_reads`), one statement
per plan level, instead of one Strawberry execution per object.

Each member was admitted through its own stream first (`schema.subscriptions.sharing`):
validation, cost, rate limit and argument errors are its own. It joins at its own place:
the hub routes its objects to the cohort's inbox from that moment, and what happened
since its `subscribe` arrived is caught up for it alone (`Arrival`). A member the cohort
cannot take (its place is lost, the inbox is full) runs a stream of its own, which
reports what a solo stream reports.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections import Counter
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any

import orjson
from strawberry.types.execution import ExecutionResult

from events import Event, EventHub, Place, PlaceLost
from metrics import SUBSCRIPTIONS
from schema.subscriptions import emission as emissions
from schema.subscriptions.cohort_follow import INTERRUPTED_AT, Arrival, Arrivals
from schema.subscriptions.emission import ObjectKey
from schema.subscriptions.place import subscribed_at
from schema.subscriptions.sharing import CohortTicket, feeding, group_stream
from server.websocket.cohort_reads import CompiledReads
from server.websocket.shared_stream import encoded_payload, read_shared

if TYPE_CHECKING:
    from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import Operation

    from server.websocket.fanout import StreamStarter, SubscriptionGroups
    from server.websocket.outbox import Outbox

logger = logging.getLogger(__name__)

_NOTHING = object()
_SENTINEL = orjson.dumps(INTERRUPTED_AT).decode()


class Member:
    """One subscriber of a cohort: its frame prefix, outbox, objects and baselines.

    A cohort keeps thousands: what only its joining needs (its ticket, its place, the
    future its transport waits on) is let go once it has joined."""

    __slots__ = (
        "accepted",
        "arrived_at",
        "enlisted",
        "follows",
        "last_seen",
        "live",
        "operation",
        "outbox",
        "place",
        "prefix",
        "ticket",
    )

    def __init__(
        self,
        operation: Operation[Any, Any],
        outbox: Outbox,
        ticket: CohortTicket,
        place: Place | None,
    ) -> None:
        self.operation = operation
        self.prefix = '{"id":' + orjson.dumps(operation.id).decode() + ',"type":"next","payload":'
        self.outbox = outbox
        # Only ever iterated here: a tuple is a quarter of a small frozenset's size.
        self.follows: tuple[ObjectKey, ...] = tuple(ticket.follows)
        # Until it is enlisted: its ticket, its `subscribe`'s place in the event stream, and
        # whether the cohort took it (its transport waits on it).
        self.ticket: CohortTicket | None = ticket
        self.place = place
        self.accepted: asyncio.Future[bool] | None = asyncio.get_running_loop().create_future()
        self.enlisted = False  # its objects are routed to the cohort's inbox
        self.arrived_at: int | None = None  # the cohort's batch count when it arrived
        self.last_seen: str | None = None  # the last event of what it was caught up on
        self.live = True


class Cohort:
    def __init__(
        self, groups: SubscriptionGroups, key: tuple[Hashable, ...], stream: StreamStarter
    ) -> None:
        self._groups = groups
        self.key = key
        self.members: dict[Operation[Any, Any], Member] = {}
        self._pending: list[Member] = []  # until the stream's inbox opens
        # Per object, its members and each one's last result for it (its changed-only
        # baseline; _NOTHING before its first): members from their arrival, or from the
        # baseline read for them as they arrive. (Kept here, not in a dict per member:
        # a cohort has thousands.)
        self._followers: dict[ObjectKey, dict[Member, Any]] = {}
        self._routed: Counter[ObjectKey] = Counter()  # enlisted members per object
        self._hub: EventHub | None = None
        self._inbox: Any = None
        self._aimed: list[Member] | None = None
        # Members whose next batch is forced, by the objects they follow.
        self._forced: set[Member] = set()
        self._forced_of: dict[ObjectKey, set[Member]] = {}
        # For each member's own `lastEventId` when the stream is interrupted: the batches
        # it would have heard of alone (numbered), their last events.
        self._batches = 0
        self._last_wide: tuple[int, str] | None = None
        self._last_of: dict[ObjectKey, tuple[int, str]] = {}
        self._types: frozenset[str] = frozenset()
        self.reads = CompiledReads(stream)
        self.ended = False
        self._task = asyncio.create_task(self._run(stream), context=contextvars.Context())

    # -- members (the transport's side)

    def add(
        self,
        operation: Operation[Any, Any],
        outbox: Outbox,
        ticket: CohortTicket,
        place: Place | None,
    ) -> asyncio.Future[bool]:
        """Once the stream listens: whether it took the member (False: the member runs a
        stream of its own)."""
        member = Member(operation, outbox, ticket, place)
        accepted = member.accepted
        assert accepted is not None
        self.members[operation] = member
        SUBSCRIPTIONS.inc()
        if self._inbox is None:
            self._pending.append(member)
        else:
            self._enlist(member)
        return accepted

    def leave(self, operation: Operation[Any, Any]) -> None:
        member = self.members.pop(operation, None)
        if member is None:
            return
        SUBSCRIPTIONS.dec()
        self._drop(member)
        if not self.members:
            self._groups._forget(self)
            self._task.cancel()

    def _drop(self, member: Member) -> None:
        member.live = False
        self._release(member)
        if member in self._pending:
            self._pending.remove(member)
        for key in member.follows:
            followers = self._followers.get(key)
            if followers is not None:
                followers.pop(member, None)
                if not followers:
                    del self._followers[key]
        if member.enlisted:
            member.enlisted = False
            unrouted = []
            for key in member.follows:
                self._routed[key] -= 1
                if self._routed[key] <= 0:
                    del self._routed[key]
                    self._last_of.pop(key, None)
                    unrouted.append(key)
            if self._hub is not None and self._inbox is not None:
                self._hub.follow_less(self._inbox, unrouted)
        _settle(member, False)

    def _enlist(self, member: Member) -> None:
        """Route its objects here from now on and queue its arrival; or send it off to a
        stream of its own (`accepted` False)."""
        hub, inbox = self._hub, self._inbox
        assert hub is not None and inbox is not None
        ticket, place = member.ticket, member.place
        assert ticket is not None
        member.ticket = member.place = None
        try:
            missed = hub.places_since(place) if place is not None else []
            lost = False
        except PlaceLost:  # a stream of its own says so
            missed, lost = [], True
        queue = inbox.queue
        waiting = queue._queue  # (asyncio.Queue's own deque: is its last item open arrivals?)
        joins = waiting[-1] if waiting and isinstance(waiting[-1], Arrivals) else None
        full = joins is None and queue.full()
        if lost or full or inbox.overflowed or ticket.types != self._types:
            self.leave(member.operation)
            return
        routed = [key for key in ticket.follows if key not in self._routed]
        self._routed.update(ticket.follows)
        hub.follow_more(inbox, routed)
        member.enlisted = True
        member.last_seen = missed[-1].id if missed else None
        arrival = Arrival(member, ticket.primes, ticket.follows, ticket.types, missed)
        if joins is None:
            queue.put_nowait(Arrivals([arrival]))
        else:
            joins.members.append(arrival)
        _settle(member, True)

    # -- the stream's side (`schema.subscriptions.cohort_follow.Feed`)

    def listeners(self) -> int:
        return len(self.members)

    def attach(self, hub: EventHub, inbox: Any) -> None:
        self._hub, self._inbox, self._types = hub, inbox, inbox.types
        pending, self._pending = self._pending, []
        for member in pending:
            self._enlist(member)

    def aim(self, members: list[Any] | None) -> None:
        """The results that follow are for these members alone (arriving ones)."""
        self._aimed = members

    def arrived(self, arrival: Arrival, force_next: bool) -> None:
        member: Member = arrival.member
        if not member.live:
            return
        member.arrived_at = self._batches
        for key in member.follows:
            self._followers.setdefault(key, {}).setdefault(member, _NOTHING)
        if force_next:
            self._forced.add(member)
            for key in member.follows:
                self._forced_of.setdefault(key, set()).add(member)

    def delivered(self, events: Sequence[Event]) -> None:
        """After a batch: what each member's `lastEventId` would be, and whose forced
        first batch this was (a solo stream forces the first batch it is handed)."""
        self._batches += 1
        last = (self._batches, events[-1].id)
        types = self._types
        for event in events:
            kind = event.object.type
            if kind not in types:
                self._last_wide = last
            elif (key := (kind, event.object.id)) in self._routed:
                self._last_of[key] = last
        if self._forced:
            self._unforce(events)

    def _unforce(self, events: Sequence[Event]) -> None:
        """Members a batch reached (`events.hub.reaches`) had their forced batch."""
        if any(event.object.type not in self._types for event in events):
            reached = set(self._forced)  # a batch about another type reaches everyone
        else:
            reached = set()
            for event in events:
                reached |= self._forced_of.get((event.object.type, event.object.id), set())
        for member in reached:
            self._release(member)

    def _release(self, member: Member) -> None:
        self._forced.discard(member)
        for key in member.follows:
            forced = self._forced_of.get(key)
            if forced is not None:
                forced.discard(member)
                if not forced:
                    del self._forced_of[key]

    async def compiled(self, keys: Sequence[ObjectKey]) -> dict[ObjectKey, Any] | None:
        return await self.reads(keys)

    def detach(self) -> None:
        self._inbox = None
        self.ended = True

    # -- the stream

    async def _run(self, stream: StreamStarter) -> None:
        with group_stream(self.listeners), feeding(self), subscribed_at(None):
            try:
                await read_shared(stream, self._fan_out, self._end)
            except asyncio.CancelledError:
                self.ended = True
                self._groups._forget(self)
                raise
            except Exception:
                logger.exception("a cohort's subscription stream failed")
                self._end("complete")

    def _fan_out(self, result: ExecutionResult) -> None:
        emission = emissions.take()
        if emission is None:  # not about one object: what the stream raised, to everyone
            self._to_all(result)
            return
        key, aimed = emission.key, self._aimed
        if aimed is not None:
            targets = [member for member in aimed if member.live]
        else:
            targets = list(self._followers.get(key, ()))
        if not targets:
            return
        if result.errors:  # sent as it is, the baseline untouched (`changed_only`)
            tail = encoded_payload(result)
            for member in targets:
                member.outbox.offer(member.prefix + tail)
            return
        data, forced = result.data, self._forced
        baselines = self._followers.setdefault(key, {})
        encoded: str | None = None
        for member in targets:
            last = baselines.get(member, _NOTHING)
            baselines[member] = data
            if emission.prime:
                continue
            if last is not _NOTHING and last == data and not emission.force:
                if member not in forced:
                    continue
            if encoded is None:
                if emission.event_id is not None:
                    result.extensions = {**(result.extensions or {}), "eventId": emission.event_id}
                encoded = encoded_payload(result)
            member.outbox.offer(member.prefix + encoded)

    def _to_all(self, result: ExecutionResult) -> None:
        tail = encoded_payload(result)
        personal = _SENTINEL in tail
        for member in list(self.members.values()):
            if personal:
                own = orjson.dumps(self._last_seen(member)).decode()
                member.outbox.offer(member.prefix + tail.replace(_SENTINEL, own))
            else:
                member.outbox.offer(member.prefix + tail)

    def _last_seen(self, member: Member) -> str | None:
        """The last event of the batches this member's solo stream would have been handed."""
        since = member.arrived_at
        if since is None:
            return member.last_seen
        best: tuple[int, str] | None = None
        candidates = [self._last_of.get(key) for key in member.follows]
        for candidate in (self._last_wide, *candidates):
            if (
                candidate is not None
                and candidate[0] > since
                and (best is None or candidate > best)
            ):
                best = candidate
        return best[1] if best is not None else member.last_seen

    def _end(self, kind: str, payload: list[Any] | None = None) -> None:
        """The last message to every member; the cohort leaves the registry first."""
        self.ended = True
        self._groups._forget(self)
        members, self.members = self.members, {}
        for operation, member in members.items():
            SUBSCRIPTIONS.dec()
            member.live = False
            _settle(member, True)  # it is ended here, not sent off
            if operation.completed:
                continue
            operation.completed = True
            operation.handler.operations.pop(operation.id, None)
            message: dict[str, Any] = {"id": operation.id, "type": kind}
            if payload is not None:
                message["payload"] = payload
            member.outbox.offer(orjson.dumps(message).decode())


def _settle(member: Member, taken: bool) -> None:
    """Answer the transport waiting on the member's joining (once), and let the future go."""
    accepted, member.accepted = member.accepted, None
    if accepted is not None:
        accepted.set_result(taken)
